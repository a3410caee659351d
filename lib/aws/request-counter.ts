import type { AwsClients } from './clients';
import { clientStacks, commandName } from './middleware';

/**
 * Counts every request that reaches S3 or DynamoDB, by command name ("s3:PutObject",
 * "dynamodb:TransactWriteItems"), with the capacity DynamoDB reports. Used by tests that assert
 * request counts and by the benchmarks that price them: measured, not estimated.
 */
export class RequestCounter {
  readonly counts = new Map<string, number>();

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  reset(): void {
    this.counts.clear();
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort());
  }

  attach(clients: AwsClients): this {
    for (const [service, stack] of clientStacks(clients)) {
      stack.add(
        (next, context) => async (args) => {
          const name = `${service}:${commandName(context)}`;
          this.counts.set(name, this.get(name) + 1);
          return next(args);
        },
        { step: 'finalizeRequest', name: `brookRequestCounter`, priority: 'low' },
      );
    }
    return this;
  }
}
