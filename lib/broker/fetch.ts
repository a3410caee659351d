import type { Broker } from './context';
import { BrookError } from '../errors';
import { splitBatches, withBaseOffset } from '../log/record-batch';
import { findBatches } from '../metadata/batches';
import { getHead } from '../metadata/heads';
import type { BatchIndexEntry, PartitionHead } from '../metadata/types';
import { readRanges } from '../storage/segment-store';
import { waitForHead } from './long-poll';

export interface FetchRequest {
  topic: string;
  partition: number;
  offset: number;
  /** Kafka's max.partition.fetch.bytes: at least one batch is returned even if it is larger. */
  maxBytes?: number;
  /** Kafka's fetch.max.wait.ms: how long to wait at the log end for new records. */
  maxWaitMs?: number;
}

export interface FetchResult {
  topic: string;
  partition: number;
  highWatermark: number;
  logStartOffset: number;
  /** Whole batches with their offsets patched in; the first may start before the fetch offset. */
  batches: Buffer[];
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_WAIT_MS = 500;
const INDEX_PAGE = 64;

export async function fetch(broker: Broker, req: FetchRequest): Promise<FetchResult> {
  const topic = await broker.topics.forPartition(req.topic, req.partition);
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
  let head = await getHead(broker, req.topic, topic.topicId, req.partition);
  checkRange(req, head);
  if (req.offset === head.nextOffset) {
    head = await waitForHead(broker, req.topic, head, req.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
    checkRange(req, head);
  }
  const result = { topic: req.topic, partition: req.partition, highWatermark: head.nextOffset, logStartOffset: head.logStartOffset };
  if (req.offset >= head.nextOffset) return { ...result, batches: [] };

  const entries = pickEntries(
    await findBatches(broker, topic.topicId, req.partition, req.offset, { limit: INDEX_PAGE, endOffset: head.nextOffset }),
    maxBytes,
  );
  return { ...result, batches: await readBatches(broker, entries, head.leaderEpoch) };
}

function checkRange(req: FetchRequest, head: PartitionHead): void {
  if (!Number.isSafeInteger(req.offset) || req.offset < head.logStartOffset || req.offset > head.nextOffset) {
    throw new BrookError(
      'OFFSET_OUT_OF_RANGE',
      `Offset ${req.offset} is out of range for ${req.topic}-${req.partition}: readable offsets are ${head.logStartOffset} to ${head.nextOffset}.`,
    );
  }
}

/** Entries up to maxBytes, always at least one so that a consumer makes progress. */
function pickEntries(entries: BatchIndexEntry[], maxBytes: number): BatchIndexEntry[] {
  const picked: BatchIndexEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
    if (picked.length > 0 && bytes + e.byteLength > maxBytes) break;
    picked.push(e);
    bytes += e.byteLength;
  }
  return picked;
}

/** One coalesced set of ranged GETs per object, then offsets patched into each batch. */
async function readBatches(broker: Broker, entries: BatchIndexEntry[], leaderEpoch: number): Promise<Buffer[]> {
  const byObject = new Map<string, BatchIndexEntry[]>();
  for (const e of entries) byObject.set(e.objectKey, [...(byObject.get(e.objectKey) ?? []), e]);
  const bytes = new Map<BatchIndexEntry, Buffer>();
  await Promise.all(
    [...byObject].map(async ([key, list]) => {
      const parts = await readRanges(broker, key, list.map((e) => ({ start: e.byteStart, length: e.byteLength })));
      list.forEach((e, i) => bytes.set(e, parts[i]!));
    }),
  );
  return entries.flatMap((e) => {
    let next = e.baseOffset;
    const data = bytes.get(e)!;
    return splitBatches(data).map(({ start, header }) => {
      const batch = withBaseOffset(data.subarray(start, start + header.sizeInBytes), next, leaderEpoch);
      next += header.lastOffsetDelta + 1;
      return batch;
    });
  });
}
