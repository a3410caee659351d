// Kafka record batch v2 (magic 2): a 61-byte header (see batch-header.ts) followed
// by recordCount records (see records.ts). This module assembles and takes apart
// whole batches; compressed records sections are decompressed in records.ts.
import { Writer } from './bytes';
import {
  ATTRIBUTES_OFFSET,
  CRC_OFFSET,
  LENGTH_OFFSET,
  LOG_OVERHEAD,
  MAGIC,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  CONTROL_FLAG_MASK,
  readBatchHeader,
  verifyBatchCrc,
  type BatchHeader,
} from './batch-header';
import { crc32c } from './crc32c';
import { CorruptBatchError, asCorrupt } from './errors';
import { sizeOfVarint } from './varint';
import { decodeRecords, sizeOfRecordBody, writeRecord, type BrookRecord, type DecodedRecord } from './records';

export { CorruptBatchError, UnsupportedCompressionError } from './errors';
export { readBatchHeader, verifyBatchCrc, splitBatches, withBaseOffset, withLastOffsetDelta, type BatchHeader } from './batch-header';
export type { BrookRecord, DecodedRecord, RecordHeader } from './records';

export interface EncodeOptions {
  baseOffset?: number; // 0
  partitionLeaderEpoch?: number; // -1
  producerId?: number; // -1 (not idempotent)
  producerEpoch?: number; // -1
  baseSequence?: number; // -1
  isTransactional?: boolean;
  isControlBatch?: boolean;
  /** LogAppendTime: readers use maxTimestamp for every record. */
  timestampType?: 'CreateTime' | 'LogAppendTime';
  /**
   * Each record's offset delta (default 0..n-1). A compacted batch keeps its records' original
   * offsets, with gaps, and its original span (lastOffsetDelta), as Kafka's log cleaner does.
   */
  offsetDeltas?: number[];
  lastOffsetDelta?: number;
}

/**
 * Encodes records into one uncompressed batch. Offset deltas are 0..n-1; as in the
 * Java client, baseTimestamp is the first record's timestamp (later deltas may be negative).
 */
export function encodeRecordBatch(records: BrookRecord[], opts: EncodeOptions = {}): Buffer {
  if (records.length === 0) throw new RangeError('cannot encode an empty record batch');
  const deltas = opts.offsetDeltas;
  if (deltas && (deltas.length !== records.length || deltas.some((d, i) => !Number.isInteger(d) || d < 0 || (i > 0 && d <= deltas[i - 1]!)))) {
    throw new RangeError('offsetDeltas must be one increasing, non-negative integer per record');
  }
  const deltaOf = (i: number) => deltas?.[i] ?? i;
  const lastOffsetDelta = Math.max(opts.lastOffsetDelta ?? 0, deltaOf(records.length - 1));
  const baseTimestamp = records[0]!.timestamp;
  let maxTimestamp = baseTimestamp;
  const bodySizes: number[] = [];
  let size = RECORD_BATCH_OVERHEAD;
  records.forEach((rec, i) => {
    if (!Number.isSafeInteger(rec.timestamp)) throw new RangeError(`record ${i}: bad timestamp ${rec.timestamp}`);
    if (rec.timestamp > maxTimestamp) maxTimestamp = rec.timestamp;
    const body = sizeOfRecordBody(rec, rec.timestamp - baseTimestamp, deltaOf(i));
    bodySizes.push(body);
    size += sizeOfVarint(body) + body;
  });

  const attributes =
    (opts.timestampType === 'LogAppendTime' ? TIMESTAMP_TYPE_MASK : 0) |
    (opts.isTransactional ? TRANSACTIONAL_FLAG_MASK : 0) |
    (opts.isControlBatch ? CONTROL_FLAG_MASK : 0);

  const w = new Writer(size) // exact size: the writer never grows
    .int64(opts.baseOffset ?? 0)
    .int32(0) // batchLength, patched below
    .int32(opts.partitionLeaderEpoch ?? -1)
    .int8(MAGIC)
    .uint32(0) // crc, patched below
    .int16(attributes)
    .int32(lastOffsetDelta)
    .int64(baseTimestamp)
    .int64(maxTimestamp)
    .int64(opts.producerId ?? -1)
    .int16(opts.producerEpoch ?? -1)
    .int32(opts.baseSequence ?? -1)
    .int32(records.length);
  records.forEach((rec, i) => writeRecord(w, rec, rec.timestamp - baseTimestamp, deltaOf(i), bodySizes[i]!));

  const batch = w.finish();
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, LENGTH_OFFSET);
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return batch;
}

/** Decodes the batch at `at`, after checking its CRC. */
export function decodeRecordBatch(buf: Buffer, at = 0): { header: BatchHeader; records: DecodedRecord[] } {
  const header = readBatchHeader(buf, at);
  if (!verifyBatchCrc(buf, at)) throw new CorruptBatchError(`CRC mismatch in batch at ${at}`);
  const payload = buf.subarray(at + RECORD_BATCH_OVERHEAD, at + header.sizeInBytes);
  return { header, records: asCorrupt(() => decodeRecords(payload, header)) };
}
