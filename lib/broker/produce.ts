import type { Broker } from './context';
import { storageOutage } from '../aws/aws-errors';
import { BrookError, isBrookError } from '../errors';
import type { BrookRecord } from '../log/record-batch';
import { commitBatch } from '../metadata/commit-batch';
import { getHead } from '../metadata/heads';
import { publishBatch } from '../metadata/publish';
import { reserveOffsets } from '../metadata/reserve';
import { checkSequence, readProducerState, type ProducerState } from '../metadata/producer-state';
import { topicConfig } from '../metadata/topic-configs';
import type { CommitExtras } from '../metadata/commit-batch';
import { transactionalCommits } from '../transactions/produce-check';
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
  /** An idempotent batch written before: baseOffset is where it was written then. */
  duplicate?: boolean;
  error?: BrookError;
}

interface Prepared extends PreparedBatches {
  topic: string;
  partition: number;
  topicId: string;
  logAppendTime: number;
  producerState?: ProducerState;
}

/**
 * Produce: validate everything, recognise idempotent retries, write ONE S3 object holding every
 * other partition's batches, then commit each partition: reserve its offsets and publish its
 * index entry (RFC 0003), or with BROOK_COMMIT_PROTOCOL=conditional the head-conditional commit. Bad input is rejected before anything
 * is written. After the PUT, a partition whose commit fails gets its own error; the others are
 * acknowledged.
 */
export async function produce(broker: Broker, parts: ProducePartition[], options: { transactionalId?: string } = {}): Promise<ProducePartitionResult[]> {
  if (parts.length === 0) throw new BrookError('INVALID_REQUEST', 'The request holds no records.');
  const now = Date.now();
  const prepared: Prepared[] = [];
  for (const part of merge(parts)) {
    if (part.records?.length === 0) throw new BrookError('INVALID_REQUEST', `No records for partition ${part.partition} of '${part.topic}'.`);
    const topic = await broker.topics.forPartition(part.topic, part.partition);
    const maxBytes = Number(topicConfig(topic.configs, 'max.message.bytes'));
    const appendTime = topicConfig(topic.configs, 'message.timestamp.type') === 'LogAppendTime' ? now : undefined;
    if (part.records?.some((r) => r.key === null) && topicConfig(topic.configs, 'cleanup.policy').includes('compact')) {
      throw new BrookError('INVALID_RECORD', `Topic '${part.topic}' is compacted (cleanup.policy=compact): every record needs a key.`);
    }
    const batches = part.batches ? validateBatches(part.batches, maxBytes) : encodeRecords(part.records!, maxBytes, appendTime);
    prepared.push({ ...batches, topic: part.topic, partition: part.partition, topicId: topic.topicId, logAppendTime: appendTime ?? -1 });
  }

  // Transactional batches: their transaction must be Ongoing and hold their partition (docs/rfcs/0002-transactions.md).
  const txn = await transactionalCommits(broker, options.transactionalId, prepared);

  // Idempotent batches already written are answered from the producer state, before any PUT.
  const early = new Map<Prepared, ProducePartitionResult>();
  await Promise.all(
    prepared.filter((p) => p.producer).map(async (p) => {
      const result = { topic: p.topic, partition: p.partition, recordCount: p.recordCount, logAppendTime: p.logAppendTime };
      try {
        p.producerState = await readProducerState(broker, p.producer!, p.topicId, p.partition);
        const check = checkSequence(p.producerState, p.producer!);
        if (check.kind === 'duplicate') early.set(p, { ...result, baseOffset: check.baseOffset, duplicate: true });
      } catch (err) {
        if (!isBrookError(err)) throw err;
        early.set(p, { ...result, baseOffset: -1, error: err });
      }
    }),
  );
  const toWrite = prepared.filter((p) => !early.has(p));
  const objectKey = newSegmentKey();
  if (toWrite.length > 0) await putSegment(broker, objectKey, Buffer.concat(toWrite.map((p) => p.bytes)));

  const starts = new Map<Prepared, number>();
  toWrite.reduce((at, p) => (starts.set(p, at), at + p.bytes.length), 0);
  return Promise.all(prepared.map((p) => early.get(p) ?? commit(broker, p, objectKey, starts.get(p)!, now, txn.get(p))));
}

async function commit(broker: Broker, p: Prepared, objectKey: string, byteStart: number, now: number, extras?: CommitExtras): Promise<ProducePartitionResult> {
  const result = { topic: p.topic, partition: p.partition, recordCount: p.recordCount, logAppendTime: p.logAppendTime };
  try {
    const pending = {
      recordCount: p.recordCount,
      objectKey,
      byteStart,
      byteLength: p.bytes.length,
      baseTimestamp: p.baseTimestamp,
      maxTimestamp: p.maxTimestamp,
      appendTime: now,
      producerId: p.producer?.producerId,
      producerEpoch: p.producer?.producerEpoch,
      baseSequence: p.producer?.baseSequence,
    };
    const idempotent = p.producer && { batch: p.producer, state: p.producerState };
    const committed = broker.config.commitProtocol === 'conditional'
      ? await commitBatch(broker, p.topic, await getHead(broker, p.topic, p.topicId, p.partition), pending, idempotent, extras)
      : await publishBatch(broker, p.topic, p.topicId, p.partition, await reserveOffsets(broker, p.topic, p.topicId, p.partition, p.recordCount, extras?.openTxn), pending, idempotent, extras);
    return { ...result, baseOffset: committed.baseOffset, ...(committed.duplicate ? { duplicate: true } : {}) };
  } catch (thrown) {
    // After the PUT other partitions of the request may commit: whatever goes wrong here is this
    // partition's own answer, never the whole request's (chaos seed 2, op p1-op7).
    const err = isBrookError(thrown)
      ? thrown
      : (storageOutage(thrown) ?? new BrookError('UNKNOWN_SERVER_ERROR', `Committing ${p.topic}-${p.partition} failed: ${(thrown as Error)?.message}`, { cause: thrown }));
    if (err.errorName === 'UNKNOWN_TOPIC_OR_PARTITION') broker.topics.invalidate(p.topic);
    return { ...result, baseOffset: -1, error: err };
  }
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
