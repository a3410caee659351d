/**
 * Request bodies for one produce shape, built once per cell and sent again and again: the JSON
 * records:batch body, the binary /batches frames, and the bytes Brook's S3 object will hold (the
 * baseline PUTs exactly those). Record values are random so nothing downstream can compress them.
 */
import { randomBytes } from 'node:crypto';
import { encodeFrames } from '../lib/http/batch-frames';
import { encodeRecordBatch, type BrookRecord } from '../lib/log/record-batch';

export interface ProduceShape {
  /** Payload (record value) bytes per request, split evenly over the partitions. */
  requestBytes: number;
  partitions: number;
}

/** Records of 1 KiB where the request allows it, smaller when a partition's share is smaller. */
export function recordLayout(shape: ProduceShape): { recordBytes: number; recordsPerPartition: number } {
  const share = Math.floor(shape.requestBytes / shape.partitions);
  const recordBytes = Math.max(1, Math.min(1024, share));
  return { recordBytes, recordsPerPartition: Math.max(1, Math.floor(share / recordBytes)) };
}

export interface ProducePayload {
  shape: ProduceShape;
  payloadBytes: number;
  recordCount: number;
  recordBytes: number;
  json: Buffer;
  binary: Buffer;
  /** Every partition's batches back to back: the object a produce request writes. */
  segment: Buffer;
  /** The records' values by partition, for clients that encode their own batches (the SDK). */
  values: Array<{ partition: number; value: Buffer }>;
  /** Per partition: its batches' length in the segment and record count. */
  parts: Array<{ partition: number; bytes: number; records: number }>;
}

export function producePayload(topic: string, shape: ProduceShape): ProducePayload {
  const { recordBytes, recordsPerPartition } = recordLayout(shape);
  const now = Date.now();
  const perPartition = Array.from({ length: shape.partitions }, (_, partition) => {
    const records: BrookRecord[] = Array.from({ length: recordsPerPartition }, () => ({
      key: null,
      value: randomBytes(recordBytes),
      headers: [],
      timestamp: now,
    }));
    // Batches of at most 256 KiB of values, well under max.message.bytes (1 MiB), as a Kafka
    // producer splits a partition's records into batch.size batches.
    const batches: Buffer[] = [];
    const perBatch = Math.max(1, Math.floor((256 * 1024) / recordBytes));
    for (let i = 0; i < records.length; i += perBatch) batches.push(encodeRecordBatch(records.slice(i, i + perBatch)));
    return { partition, records, batches: Buffer.concat(batches) };
  });
  const entries = perPartition.flatMap((p) =>
    p.records.map((r, i) => ({ id: `${p.partition}-${i}`, partition_id: p.partition, value: { type: 'BINARY', data: r.value!.toString('base64') } })),
  );
  return {
    shape,
    payloadBytes: shape.partitions * recordsPerPartition * recordBytes,
    recordCount: shape.partitions * recordsPerPartition,
    recordBytes,
    json: Buffer.from(JSON.stringify({ entries })),
    binary: encodeFrames(perPartition.map((p) => ({ topic, partition: p.partition, batches: p.batches }))),
    segment: Buffer.concat(perPartition.map((p) => p.batches)),
    values: perPartition.flatMap((p) => p.records.map((r) => ({ partition: p.partition, value: r.value! }))),
    parts: perPartition.map((p) => ({ partition: p.partition, bytes: p.batches.length, records: p.records.length })),
  };
}
