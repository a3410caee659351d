import type { Broker } from './context';
import { isBrookError, type BrookError } from '../errors';
import { getHead } from '../metadata/heads';
import type { PartitionHead } from '../metadata/types';
import { checkRange, endFor, readFor, type FetchRequest, type FetchResult } from './fetch';
import { getStableHead } from '../transactions/stable-head';
import { waitForHeads } from './long-poll';

export type PartitionFetch = (FetchResult & { error?: undefined }) | { topic: string; partition: number; error: BrookError; highWatermark: number; logStartOffset: number };

/**
 * Kafka's Fetch over many partitions (the SDK consumer's poll): read every partition that has
 * records past its offset, within `maxBytes` in all; if none has, wait up to `maxWaitMs` for any
 * head to move. A partition's error (unknown, out of range) is its own; the others still answer.
 */
export async function fetchMany(broker: Broker, requests: FetchRequest[], options: { maxWaitMs: number; maxBytes: number }): Promise<PartitionFetch[]> {
  const heads = await Promise.all(requests.map((r) => headFor(broker, r)));
  const waiting = requests.every((r, i) => !(heads[i] instanceof Error) && r.offset >= endFor(r, heads[i] as PartitionHead));
  if (waiting && options.maxWaitMs > 0) {
    const moved = await waitForHeads(broker, requests.map((r, i) => ({ topicName: r.topic, head: heads[i] as PartitionHead })), options.maxWaitMs);
    // read_committed needs the open transactions too: read those heads again.
    await Promise.all(moved.map(async (h, i) => (heads[i] = requests[i]!.isolationLevel === 'read_committed' ? await headFor(broker, requests[i]!) : h)));
  }
  let budget = options.maxBytes;
  const results: PartitionFetch[] = [];
  for (const [i, req] of requests.entries()) {
    const head = heads[i]!;
    const none = { topic: req.topic, partition: req.partition, highWatermark: -1, logStartOffset: -1 };
    if (head instanceof Error) {
      results.push({ ...none, error: head as BrookError });
      continue;
    }
    try {
      checkRange(req, head);
      if (budget <= 0) {
        results.push({ topic: req.topic, partition: req.partition, highWatermark: head.nextOffset, logStartOffset: head.logStartOffset, batches: [], nextOffset: req.offset });
        continue;
      }
      const read = await readFor(broker, { ...req, maxBytes: Math.min(req.maxBytes ?? budget, budget) }, head);
      budget -= read.batches.reduce((n, b) => n + b.length, 0);
      results.push(read);
    } catch (err) {
      if (!isBrookError(err)) throw err;
      results.push({ ...none, highWatermark: head.nextOffset, logStartOffset: head.logStartOffset, error: err });
    }
  }
  return results;
}

async function headFor(broker: Broker, req: FetchRequest): Promise<PartitionHead | Error> {
  try {
    const topic = await broker.topics.forPartition(req.topic, req.partition);
    return await (req.isolationLevel === 'read_committed' ? getStableHead : getHead)(broker, req.topic, topic.topicId, req.partition);
  } catch (err) {
    if (isBrookError(err)) return err;
    throw err;
  }
}
