import type { Broker } from '../broker/context';
import { checkRange, readPartition, type FetchRequest, type FetchResult } from '../broker/fetch';
import { readBatchHeader } from '../log/record-batch';
import { getHead } from '../metadata/heads';
import { isAbortedBatch, readAborted } from './aborted-index';
import type { StableHead } from './stable-head';

/**
 * isolation.level=read_committed: read up to the last stable offset only, and drop the batches of
 * aborted transactions (Kafka hands the client the aborted list; Brook filters on the server, so
 * the answer is the same for every client). Control batches stay in binary answers, as in Kafka:
 * consumers skip them. Costs one Query of the aborted index when transactional batches are read,
 * and one more head read then: retention trims the aborted index below the log start after moving
 * it (lib/transactions/aborted-index.ts), so an index read that may have missed trimmed entries is
 * followed by a head read that sees the new log start, and the fetch answers OFFSET_OUT_OF_RANGE
 * as it would a moment later instead of returning an aborted batch as committed.
 */
export async function readCommitted(broker: Broker, req: FetchRequest, head: StableHead): Promise<FetchResult> {
  const lso = head.lastStableOffset;
  const base = { topic: req.topic, partition: req.partition, highWatermark: head.nextOffset, logStartOffset: head.logStartOffset, lastStableOffset: lso };
  if (req.offset >= lso) return { ...base, batches: [], nextOffset: req.offset };
  const read = await readPartition(broker, { ...req, isolationLevel: 'read_uncommitted' }, { ...head, nextOffset: lso });
  // A merged index entry may run past the LSO: cut at the batch.
  const below = read.batches.map((b) => ({ b, h: readBatchHeader(b) })).filter(({ h }) => h.baseOffset < lso);
  const last = below[below.length - 1]?.h;
  const nextOffset = last ? last.baseOffset + last.lastOffsetDelta + 1 : Math.min(read.nextOffset, lso);
  if (!below.some(({ h }) => h.isTransactional && !h.isControlBatch)) return { ...base, logStartOffset: read.logStartOffset, batches: below.map(({ b }) => b), nextOffset };
  // Up to the log end, not the high watermark: an abort's marker (and its aborted-index entry,
  // written with the head's open transaction removed) may lie past a range still unpublished
  // below it (RFC 0003), while its records are already below the LSO (chaos seed 2).
  const aborted = await readAborted(broker, head.topicId, req.partition, req.offset, Math.max(head.nextOffset, head.reservedEnd));
  const now = await getHead(broker, req.topic, head.topicId, req.partition);
  checkRange(req, now);
  return { ...base, logStartOffset: read.logStartOffset, batches: below.filter(({ h }) => !isAbortedBatch(aborted, h)).map(({ b }) => b), nextOffset };
}
