import { randomInt } from 'node:crypto';
import type { Broker } from '../broker/context';
import type { ProducePartition, ProducePartitionResult } from '../broker/produce';
import { BrookError } from '../errors';
import type { BrookRecord } from '../log/record-batch';
import { partitionForKey } from '../log/partitioner';
import { decodeBase64, toBytes, type DataType } from './record-data';
import type { ProduceRecordBody } from './schemas';

/** Where each REST record went: its partition and its index within that partition's records. */
export interface Placement {
  partition: number;
  index: number;
  timestamp: number;
  key: { type: DataType; size: number } | null;
  value: { type: DataType; size: number } | null;
}

const sized = (field: ProduceRecordBody['key'], bytes: Buffer | null) =>
  bytes === null ? null : { type: (field?.type ?? 'JSON') as DataType, size: bytes.length };

/**
 * Turn REST records into per-partition record lists. Partition choice follows the Java client:
 * an explicit partition_id; else murmur2 of the serialized key bytes; else one partition picked at
 * random for all keyless records of the request (the sticky partitioner's "one batch" rule).
 */
export async function planProduce(broker: Broker, topicName: string, bodies: ProduceRecordBody[]) {
  const topic = await broker.topics.get(topicName);
  const sticky = randomInt(topic.partitionsCount);
  const byPartition = new Map<number, BrookRecord[]>();
  const placements: Placement[] = bodies.map((body, i) => {
    const where = bodies.length > 1 ? `record ${i}: ` : '';
    const key = toBytes(body.key, `${where}key`);
    const value = toBytes(body.value, `${where}value`);
    const headers = (body.headers ?? []).map((h, j) => ({
      key: h.name,
      value: h.value === null || h.value === undefined ? null : decodeBase64(h.value, `${where}headers[${j}].value`),
    }));
    const timestamp = toMillis(body.timestamp, where);
    const partition = body.partition_id ?? (key !== null ? partitionForKey(key, topic.partitionsCount) : sticky);
    const list = byPartition.get(partition) ?? [];
    byPartition.set(partition, list);
    list.push({ key, value, headers, timestamp });
    return { partition, index: list.length - 1, timestamp, key: sized(body.key, key), value: sized(body.value, value) };
  });
  const parts: ProducePartition[] = [...byPartition].map(([partition, records]) => ({ topic: topicName, partition, records }));
  return { parts, placements };
}

function toMillis(ts: ProduceRecordBody['timestamp'], where: string): number {
  if (ts === null || ts === undefined) return Date.now();
  const ms = typeof ts === 'number' ? ts : Date.parse(ts);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new BrookError('INVALID_TIMESTAMP', `${where}timestamp must be an ISO-8601 date-time or milliseconds since the epoch.`);
  return ms;
}

/** The v3 delivery report of one record, from its partition's produce result. */
export function deliveryReport(clusterId: string, topicName: string, p: Placement, results: ProducePartitionResult[]) {
  const r = results.find((x) => x.partition === p.partition)!;
  if (r.error) return { error: r.error };
  return {
    report: {
      error_code: 200,
      cluster_id: clusterId,
      topic_name: topicName,
      partition_id: p.partition,
      offset: r.baseOffset + p.index,
      timestamp: new Date(r.logAppendTime >= 0 ? r.logAppendTime : p.timestamp).toISOString(),
      key: p.key,
      value: p.value,
    },
  };
}
