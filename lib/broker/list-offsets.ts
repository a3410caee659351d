import type { Broker } from './context';
import type { IsolationLevel } from './fetch';
import { BrookError } from '../errors';
import { decodeRecordBatch, splitBatches } from '../log/record-batch';
import { findBatchByTimestamp } from '../metadata/batches';
import { getHead } from '../metadata/heads';
import { readRanges } from '../storage/segment-store';
import { getStableHead } from '../transactions/stable-head';

export interface PartitionOffsets {
  topic: string;
  partition: number;
  /** Kafka's log start offset (ListOffsets with timestamp -2). */
  earliestOffset: number;
  /**
   * ListOffsets with timestamp -1: the high watermark, or for read_committed the last stable
   * offset (Kafka's answer, and what KafkaConsumer.endOffsets gives a read_committed consumer).
   */
  latestOffset: number;
}

/** The log start and the latest offset at an isolation level: one consistent GetItem either way. */
async function endsOf(broker: Broker, topicName: string, topicId: string, partition: number, isolation: IsolationLevel) {
  if (isolation === 'read_committed') {
    const h = await getStableHead(broker, topicName, topicId, partition);
    return { logStartOffset: h.logStartOffset, latest: h.lastStableOffset };
  }
  const h = await getHead(broker, topicName, topicId, partition);
  return { logStartOffset: h.logStartOffset, latest: h.nextOffset };
}

export async function listOffsets(broker: Broker, topicName: string, partition: number, isolation: IsolationLevel = 'read_uncommitted'): Promise<PartitionOffsets> {
  const topic = await broker.topics.forPartition(topicName, partition);
  const ends = await endsOf(broker, topicName, topic.topicId, partition, isolation);
  return { topic: topicName, partition, earliestOffset: ends.logStartOffset, latestOffset: ends.latest };
}

/**
 * Kafka's offsetsForTimes: the earliest offset whose record timestamp is at or after `timestamp`,
 * or undefined when no record is that recent (Kafka answers -1). Finds the first index entry whose
 * max timestamp qualifies, then reads that entry's batches to pick the exact record. As Kafka's
 * broker does, an offset at or past the latest offset of the isolation level (the high watermark,
 * or the last stable offset for read_committed) is no answer.
 */
export async function offsetForTimestamp(
  broker: Broker,
  topicName: string,
  partition: number,
  timestamp: number,
  isolation: IsolationLevel = 'read_uncommitted',
): Promise<{ offset: number; timestamp: number } | undefined> {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new BrookError('INVALID_TIMESTAMP', `timestamp must be milliseconds since the epoch (≥ 0); got ${timestamp}.`);
  }
  const topic = await broker.topics.forPartition(topicName, partition);
  const head = await endsOf(broker, topicName, topic.topicId, partition, isolation);
  const entry = await findBatchByTimestamp(broker, topic.topicId, partition, head.logStartOffset, timestamp);
  if (!entry) return undefined;
  const [bytes] = await readRanges(broker, entry.objectKey, [{ start: entry.byteStart, length: entry.byteLength }]);
  let base = entry.baseOffset;
  for (const { start, header } of splitBatches(bytes!)) {
    const { records } = decodeRecordBatch(bytes!, start);
    // Compacted entries store their real offsets, with gaps; others were stored at offset 0.
    const first = entry.absoluteOffsets ? header.baseOffset : base;
    for (const r of records) {
      const offset = first + (r.offset - header.baseOffset);
      if (r.timestamp >= timestamp && offset >= head.logStartOffset) return offset < head.latest ? { offset, timestamp: r.timestamp } : undefined;
    }
    base += header.lastOffsetDelta + 1;
  }
  return undefined;
}
