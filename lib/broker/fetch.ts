import type { Broker } from './context';
import { BrookError } from '../errors';
import { findBatches } from '../metadata/batches';
import { getHead } from '../metadata/heads';
import type { BatchIndexEntry, PartitionHead } from '../metadata/types';
import { SegmentMissingError } from '../storage/segment-store';
import { waitForHeads } from './long-poll';
import { readBatches } from './read-batches';
import { readBatchHeader } from '../log/record-batch';
import { getStableHead, type StableHead } from '../transactions/stable-head';
import { readCommitted } from '../transactions/read-committed';

export interface FetchRequest {
  topic: string;
  partition: number;
  offset: number;
  /** Kafka's max.partition.fetch.bytes: at least one batch is returned even if it is larger. */
  maxBytes?: number;
  /** Kafka's fetch.max.wait.ms: how long to wait at the log end for new records. */
  maxWaitMs?: number;
  /** Kafka's isolation.level: read_committed stops at the last stable offset and skips aborted transactions. */
  isolationLevel?: IsolationLevel;
}

export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface FetchResult {
  topic: string;
  partition: number;
  highWatermark: number;
  logStartOffset: number;
  /** Whole batches with their offsets patched in; the first may start before the fetch offset. */
  batches: Buffer[];
  /**
   * Where the next fetch starts: past the last batch returned (a compacted batch may end after its
   * last record), or the high watermark when compaction left nothing between offset and log end.
   */
  nextOffset: number;
  /** read_committed only: the last stable offset (docs/rfcs/0002-transactions.md). */
  lastStableOffset?: number;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_WAIT_MS = 500;
const INDEX_PAGE = 64;

export async function fetch(broker: Broker, req: FetchRequest): Promise<FetchResult> {
  const topic = await broker.topics.forPartition(req.topic, req.partition);
  const committed = req.isolationLevel === 'read_committed';
  const read = () => (committed ? getStableHead : getHead)(broker, req.topic, topic.topicId, req.partition);
  let head = await read();
  checkRange(req, head);
  if (req.offset >= endFor(req, head)) {
    const [moved] = await waitForHeads(broker, [{ topicName: req.topic, head }], req.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
    head = committed ? await read() : moved!;
    checkRange(req, head);
  }
  return readFor(broker, req, head);
}

/** Where a fetch waits: the high watermark, or the last stable offset for read_committed. */
export const endFor = (req: FetchRequest, head: PartitionHead) =>
  req.isolationLevel === 'read_committed' ? (head as StableHead).lastStableOffset : head.nextOffset;

/** readPartition, or its read_committed form (head read with getStableHead). */
export const readFor = (broker: Broker, req: FetchRequest, head: PartitionHead) =>
  req.isolationLevel === 'read_committed' ? readCommitted(broker, req, head as StableHead) : readPartition(broker, req, head);

/**
 * Kafka's rule: out of range below the log start or past the log end offset (the reserve
 * counter, RFC 0003). An offset between the high watermark and the log end is valid: the fetch
 * waits there, as it does at the high watermark.
 */
export function checkRange(req: FetchRequest, head: PartitionHead): void {
  const logEnd = Math.max(head.nextOffset, head.reservedEnd ?? head.nextOffset);
  if (!Number.isSafeInteger(req.offset) || req.offset < head.logStartOffset || req.offset > logEnd) {
    throw new BrookError(
      'OFFSET_OUT_OF_RANGE',
      `Offset ${req.offset} is out of range for ${req.topic}-${req.partition}: readable offsets are ${head.logStartOffset} to ${logEnd}.`,
    );
  }
}

/**
 * Read from the offset up to maxBytes (at least one entry, so a consumer makes progress).
 * Maintenance may run meanwhile: if the index no longer holds the offset, or an object vanished
 * under us, the head is read again — an offset now below the log start is OFFSET_OUT_OF_RANGE,
 * anything else is read once more from the fresh index (a merge moved the bytes).
 */
export async function readPartition(broker: Broker, req: FetchRequest, head: PartitionHead): Promise<FetchResult> {
  for (let attempt = 0; ; attempt++) {
    const result = { topic: req.topic, partition: req.partition, highWatermark: head.nextOffset, logStartOffset: head.logStartOffset };
    if (req.offset >= head.nextOffset) return { ...result, batches: [], nextOffset: req.offset };
    const entries = pick(await findBatches(broker, head.topicId, req.partition, req.offset, { limit: INDEX_PAGE, endOffset: head.nextOffset }), req.maxBytes ?? DEFAULT_MAX_BYTES);
    // An entry starting past the offset is a gap left by compaction, or entries removed by
    // retention since the head was read: the fresh head tells which.
    if (entries.length === 0 || entries[0]!.baseOffset > req.offset) checkRange(req, await getHead(broker, req.topic, head.topicId, req.partition));
    try {
      const batches = await readBatches(broker, entries, head.leaderEpoch);
      return { ...result, batches, nextOffset: nextAfter(batches, entries, head.nextOffset) };
    } catch (err) {
      if (!(err instanceof SegmentMissingError) || attempt > 0) throw err;
      head = await getHead(broker, req.topic, head.topicId, req.partition);
      checkRange(req, head);
    }
  }
}

/**
 * Past the last batch returned, or past the last entry read when that is further: a compacted
 * entry may end after its last record, and a placeholder (RFC 0003) holds no batch at all. With
 * no entry, the high watermark (compaction left nothing between the offset and the log end).
 */
function nextAfter(batches: Buffer[], entries: BatchIndexEntry[], highWatermark: number): number {
  const last = batches.length > 0 ? readBatchHeader(batches[batches.length - 1]!) : undefined;
  const afterBatch = last ? last.baseOffset + last.lastOffsetDelta + 1 : 0;
  const afterEntry = entries.length > 0 ? Math.min(entries[entries.length - 1]!.lastOffset + 1, highWatermark) : highWatermark;
  return Math.max(afterBatch, afterEntry);
}

function pick(entries: BatchIndexEntry[], maxBytes: number): BatchIndexEntry[] {
  const picked: BatchIndexEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
    if (picked.length > 0 && bytes + e.byteLength > maxBytes) break;
    picked.push(e);
    bytes += e.byteLength;
  }
  return picked;
}
