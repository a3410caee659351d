import type { AwsClients } from './clients';
import { clientStacks, commandName } from './middleware';

/**
 * Fault injection by AWS SDK middleware: a rule picks requests by service and command and either
 * fails them before they are sent, or lets them be applied and then loses the reply (the
 * "applied but unknown" case that only idempotent retries survive), or delays them.
 */
export type FaultMode = 'fail-before' | 'fail-after' | 'throttle' | 'delay' | 'intercept';

export interface FaultRule {
  service: 's3' | 'dynamodb';
  command: string; // e.g. "PutObject", "TransactWriteItems", or "*"
  mode: FaultMode;
  /** How many matching requests to hit; Infinity for all. */
  times: number;
  delayMs?: number;
  /** For 'intercept': run this before the request goes on (e.g. let a rival writer move a head). */
  intercept?: () => Promise<void>;
}

export class FaultInjector {
  private rules: Array<FaultRule & { hits: number }> = [];

  add(rule: FaultRule): this {
    this.rules.push({ ...rule, hits: 0 });
    return this;
  }

  clear(): void {
    this.rules = [];
  }

  /** How many requests the rules have hit so far. */
  get injected(): number {
    return this.rules.reduce((n, r) => n + r.hits, 0);
  }

  attach(clients: AwsClients): this {
    for (const [service, stack] of clientStacks(clients)) {
      stack.add(
        (next, context) => async (args) => {
          const command = commandName(context);
          const rule = this.rules.find((r) => r.service === service && (r.command === '*' || r.command === command) && r.hits < r.times);
          if (!rule) return next(args);
          rule.hits++;
          if (rule.mode === 'delay') {
            await new Promise((r) => setTimeout(r, rule.delayMs ?? 100));
            return next(args);
          }
          if (rule.mode === 'intercept') {
            await rule.intercept?.();
            return next(args);
          }
          if (rule.mode === 'fail-before') throw injected('InternalError', `injected failure before ${service}:${command}`, 500);
          if (rule.mode === 'throttle') {
            throw injected(service === 's3' ? 'SlowDown' : 'ThrottlingException', `injected throttle on ${service}:${command}`, service === 's3' ? 503 : 400);
          }
          await next(args);
          throw injected('TimeoutError', `injected lost reply after ${service}:${command} was applied`);
        },
        // The initialize step wraps the SDK's own retries: the fault reaches Brook's code.
        { step: 'initialize', name: 'brookFaultInjector', priority: 'high' },
      );
    }
    return this;
  }
}

function injected(name: string, message: string, status?: number): Error {
  const err = new Error(message) as Error & { $metadata?: unknown; $fault?: string };
  err.name = name;
  if (status) err.$metadata = { httpStatusCode: status };
  err.$fault = status && status < 500 ? 'client' : 'server';
  return err;
}
