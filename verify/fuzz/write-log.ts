/**
 * The outcome of every write request the broker sends (next to RequestCounter's counts): a write
 * that fails its condition (ConditionalCheckFailedException) is still a billed write on a
 * rejected request, but changes nothing, and the report should say which it was.
 */
import type { AwsClients } from '../../lib/aws/clients';
import { clientStacks, commandName } from '../../lib/aws/middleware';
import { isWrite } from './oracle';

let instances = 0;

export class WriteLog {
  readonly entries: string[] = [];

  attach(clients: AwsClients): this {
    const name = `brookFuzzWriteLog${++instances}`; // one stack may carry several logs (tests)
    for (const [service, stack] of clientStacks(clients)) {
      stack.add(
        (next, context) => async (args) => {
          const command = `${service}:${commandName(context)}`;
          if (!isWrite(command)) return next(args);
          try {
            const out = await next(args);
            this.entries.push(`${command} succeeded`);
            return out;
          } catch (err) {
            this.entries.push(`${command} failed (${(err as Error).name})`);
            throw err;
          }
        },
        { step: 'finalizeRequest', name, priority: 'low' },
      );
    }
    return this;
  }
}
