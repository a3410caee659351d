import type { Broker } from './context';
import { BrookError, isBrookError } from '../errors';
import type { BrookRecord } from '../log/record-batch';
import { commitBatch } from '../metadata/commit-batch';
import { getHead } from '../metadata/heads';
import { topicConfig } from '../metadata/topic-configs';
import { newSegmentKey, putSegment } from '../storage/segment-store';
import { encodeRecords, validateBatches, type PreparedBatches } from './partition-batches';

/** Records for one partition: decoded records (JSON API) or client-encoded v2 batches (binary API). */
export interface ProducePartition {
  topic: string;
  partition: number;
  records?: BrookRecord[];
  batches?: Buffer;
}

export interface ProducePartitionResult {
  topic: string;
  partition: number;
  baseOffset: number;
  recordCount: number;
  /** The time the broker appended the batch, or -1 when the topic keeps CreateTime (Kafka's answer). */
  logAppendTime: number;
  error?: BrookError;
}

interface Prepared extends PreparedBatches {
  topic: string;
  partition: number;
  topicId: string;
  logAppendTime: number;
}

/**
 * Produce: validate everything, write ONE S3 object holding every partition's batches, then
 * commit each partition. Bad input is rejected before anything is written. After the PUT, a
 * partition whose commit fails gets its own error; the others are acknowledged.
 */
export async function produce(broker: Broker, parts: ProducePartition[]): Promise<ProducePartitionResult[]> {
  if (parts.length === 0) throw new BrookError('INVALID_REQUEST', 'The request holds no records.');
  const now = Date.now();
  const prepared: Prepared[] = [];
  for (const part of merge(parts)) {
    if (part.records?.length === 0) throw new BrookError('INVALID_REQUEST', `No records for partition ${part.partition} of '${part.topic}'.`);
    const topic = await broker.topics.forPartition(part.topic, part.partition);
    const maxBytes = Number(topicConfig(topic.configs, 'max.message.bytes'));
    const appendTime = topicConfig(topic.configs, 'message.timestamp.type') === 'LogAppendTime' ? now : undefined;
    const batches = part.batches ? validateBatches(part.batches, maxBytes) : encodeRecords(part.records!, maxBytes, appendTime);
    prepared.push({ ...batches, topic: part.topic, partition: part.partition, topicId: topic.topicId, logAppendTime: appendTime ?? -1 });
  }

  const objectKey = newSegmentKey();
  await putSegment(broker, objectKey, Buffer.concat(prepared.map((p) => p.bytes)));

  let byteStart = 0;
  return Promise.all(
    prepared.map(async (p) => {
      const start = byteStart;
      byteStart += p.bytes.length;
      const result = { topic: p.topic, partition: p.partition, recordCount: p.recordCount, logAppendTime: p.logAppendTime };
      try {
        const head = await getHead(broker, p.topic, p.topicId, p.partition);
        const { baseOffset } = await commitBatch(broker, p.topic, head, {
          recordCount: p.recordCount,
          objectKey,
          byteStart: start,
          byteLength: p.bytes.length,
          baseTimestamp: p.baseTimestamp,
          maxTimestamp: p.maxTimestamp,
          appendTime: now,
          producerId: p.producerId,
          producerEpoch: p.producerEpoch,
          baseSequence: p.baseSequence,
        });
        return { ...result, baseOffset };
      } catch (err) {
        if (!isBrookError(err)) throw err;
        if (err.errorName === 'UNKNOWN_TOPIC_OR_PARTITION') broker.topics.invalidate(p.topic);
        return { ...result, baseOffset: -1, error: err };
      }
    }),
  );
}

/** Records of one request for the same partition go into one batch run and one index item. */
function merge(parts: ProducePartition[]): ProducePartition[] {
  const byKey = new Map<string, ProducePartition>();
  for (const part of parts) {
    const key = `${part.topic}\u0000${part.partition}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...part, records: part.records && [...part.records] });
    else if (seen.records && part.records) seen.records.push(...part.records);
    else if (seen.batches && part.batches) seen.batches = Buffer.concat([seen.batches, part.batches]);
    else throw new BrookError('INVALID_REQUEST', `Partition ${part.partition} of '${part.topic}' is given both as records and as batches.`);
  }
  return [...byKey.values()];
}
