/**
 * A model of AWS round trips for the emulators, which answer in well under a millisecond of
 * network time: half of each request's modeled round trip is spent before it reaches the emulator
 * and half after, so a request is applied in the middle of its round trip, as on AWS. Used by the
 * hot-partition workload's second pass: on two shared cores the emulators' CPU is the ceiling, and
 * a protocol that waits on the network (as the conditional one does between its read and its
 * transaction) looks better on them than it is on AWS.
 *
 * Figures (in-region, warm connections): DynamoDB reads and single-item writes in single-digit
 * milliseconds; TransactWriteItems two phases, about twice that; S3 PUT of a small object tens of
 * milliseconds. docs/COST.md cites them; they are a model, stated with the results, not a measurement.
 */
import type { AwsClients } from '../lib/aws/clients';
import { clientStacks, commandName } from '../lib/aws/middleware';

export interface LatencyModel {
  name: string;
  dynamodbMs: number;
  transactMs: number;
  s3PutMs: number;
  s3GetMs: number;
}

export const AWS_LATENCY: LatencyModel = { name: 'modeled AWS latency', dynamodbMs: 5, transactMs: 10, s3PutMs: 25, s3GetMs: 15 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const roundTripMs = (m: LatencyModel, service: string, command: string): number =>
  service === 's3' ? (command === 'PutObject' ? m.s3PutMs : m.s3GetMs) : command.startsWith('Transact') ? m.transactMs : m.dynamodbMs;

/** Add the model's round trip to every request of these clients. */
export function addLatency(clients: AwsClients, model: LatencyModel): void {
  for (const [service, stack] of clientStacks(clients)) {
    stack.add(
      (next, context) => async (args) => {
        const half = roundTripMs(model, service, commandName(context)) / 2;
        await sleep(half);
        try {
          return await next(args);
        } finally {
          await sleep(half);
        }
      },
      { step: 'initialize', name: 'benchLatency', priority: 'high' },
    );
  }
}
