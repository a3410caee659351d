import type { Broker } from './context';
import { BrookError } from '../errors';
import { decodeRecordBatch, splitBatches } from '../log/record-batch';
import { findBatchByTimestamp } from '../metadata/batches';
import { getHead } from '../metadata/heads';
import { readRanges } from '../storage/segment-store';

export interface PartitionOffsets {
  topic: string;
  partition: number;
  /** Kafka's log start offset (ListOffsets with timestamp -2). */
  earliestOffset: number;
  /** Kafka's log end offset / high watermark (ListOffsets with timestamp -1). */
  latestOffset: number;
}

export async function listOffsets(broker: Broker, topicName: string, partition: number): Promise<PartitionOffsets> {
  const topic = await broker.topics.forPartition(topicName, partition);
  const head = await getHead(broker, topicName, topic.topicId, partition);
  return { topic: topicName, partition, earliestOffset: head.logStartOffset, latestOffset: head.nextOffset };
}

/**
 * Kafka's offsetsForTimes: the earliest offset whose record timestamp is at or after `timestamp`,
 * or undefined when no record is that recent (Kafka answers -1). Finds the first index entry whose
 * max timestamp qualifies, then reads that entry's batches to pick the exact record.
 */
export async function offsetForTimestamp(
  broker: Broker,
  topicName: string,
  partition: number,
  timestamp: number,
): Promise<{ offset: number; timestamp: number } | undefined> {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new BrookError('INVALID_TIMESTAMP', `timestamp must be milliseconds since the epoch (≥ 0); got ${timestamp}.`);
  }
  const topic = await broker.topics.forPartition(topicName, partition);
  const head = await getHead(broker, topicName, topic.topicId, partition);
  const entry = await findBatchByTimestamp(broker, topic.topicId, partition, head.logStartOffset, timestamp);
  if (!entry) return undefined;
  const [bytes] = await readRanges(broker, entry.objectKey, [{ start: entry.byteStart, length: entry.byteLength }]);
  let base = entry.baseOffset;
  for (const { start, header } of splitBatches(bytes!)) {
    const { records } = decodeRecordBatch(bytes!, start);
    for (const r of records) {
      const offset = base + (r.offset - header.baseOffset);
      if (r.timestamp >= timestamp && offset >= head.logStartOffset) return { offset, timestamp: r.timestamp };
    }
    base += header.lastOffsetDelta + 1;
  }
  return undefined;
}
