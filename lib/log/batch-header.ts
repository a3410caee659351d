// The fixed 61-byte head of a Kafka record batch v2 (magic 2), big-endian:
//   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8
//   | crc uint32 | attributes int16 | lastOffsetDelta int32 | baseTimestamp int64
//   | maxTimestamp int64 | producerId int64 | producerEpoch int16 | baseSequence int32
//   | recordCount int32 | records...
// batchLength counts the bytes after itself; the CRC-32C covers attributes..end.
import { Reader } from './bytes';
import { crc32c } from './crc32c';
import { CorruptBatchError, asCorrupt } from './errors';

export const MAGIC = 2;
export const BASE_OFFSET_OFFSET = 0;
export const LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12;
/** Size of a batch with no records; records start here. */
export const RECORD_BATCH_OVERHEAD = 61;

export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;

export interface BatchHeader {
  baseOffset: number;
  /** As stored: bytes after the batchLength field. */
  batchLength: number;
  /** The whole batch, including baseOffset and batchLength. */
  sizeInBytes: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  isTransactional: boolean;
  isControlBatch: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

const corrupt = (message: string) => new CorruptBatchError(message);

/** Parses the head of the batch at `at`, checking that the whole batch lies inside `buf`. */
export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  return asCorrupt(() => {
    if (!Number.isSafeInteger(at) || at < 0 || at > buf.length) throw corrupt(`batch position ${at} outside buffer`);
    const available = buf.length - at;
    if (available < MAGIC_OFFSET + 1) throw corrupt(`truncated batch: ${available} bytes at ${at}`);
    const magic = buf.readInt8(at + MAGIC_OFFSET);
    if (magic !== MAGIC) throw corrupt(`unsupported magic ${magic} at ${at} (only v2 batches)`);
    if (available < RECORD_BATCH_OVERHEAD) throw corrupt(`truncated batch header: ${available} bytes at ${at}`);

    const r = new Reader(buf, at, at + RECORD_BATCH_OVERHEAD, corrupt);
    const baseOffset = r.int64();
    const batchLength = r.int32();
    if (batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) throw corrupt(`batchLength ${batchLength} below the header size`);
    const sizeInBytes = LOG_OVERHEAD + batchLength;
    if (sizeInBytes > available) throw corrupt(`truncated batch: batchLength says ${sizeInBytes} bytes, ${available} left`);
    const partitionLeaderEpoch = r.int32();
    r.int8(); // magic, checked above
    const crc = r.uint32();
    const attributes = r.int16();
    return {
      baseOffset,
      batchLength,
      sizeInBytes,
      partitionLeaderEpoch,
      magic,
      crc,
      attributes,
      compression: attributes & COMPRESSION_CODEC_MASK,
      timestampType: attributes & TIMESTAMP_TYPE_MASK ? 'LogAppendTime' : 'CreateTime',
      isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
      isControlBatch: (attributes & CONTROL_FLAG_MASK) !== 0,
      lastOffsetDelta: r.int32(),
      baseTimestamp: r.int64(),
      maxTimestamp: r.int64(),
      producerId: r.int64(),
      producerEpoch: r.int16(),
      baseSequence: r.int32(),
      recordCount: r.int32(),
    };
  });
}

/** True if the stored CRC matches. Throws CorruptBatchError if the batch cannot even be framed. */
export function verifyBatchCrc(buf: Buffer, at = 0): boolean {
  const h = readBatchHeader(buf, at);
  return crc32c(buf.subarray(at + ATTRIBUTES_OFFSET, at + h.sizeInBytes)) === h.crc;
}

/**
 * Frames a concatenation of whole batches (a produce payload or a segment).
 * Beyond the spec's checks it rejects lastOffsetDelta < 0 and more records than
 * offset deltas, since offsets are assigned from lastOffsetDelta.
 */
export function splitBatches(buf: Buffer): Array<{ start: number; header: BatchHeader }> {
  const out: Array<{ start: number; header: BatchHeader }> = [];
  for (let start = 0; start < buf.length; ) {
    const header = readBatchHeader(buf, start);
    if (header.recordCount <= 0) throw corrupt(`batch at ${start} has record count ${header.recordCount}`);
    if (header.lastOffsetDelta < 0 || header.recordCount > header.lastOffsetDelta + 1) {
      throw corrupt(`batch at ${start}: ${header.recordCount} records but lastOffsetDelta ${header.lastOffsetDelta}`);
    }
    if (!verifyBatchCrc(buf, start)) throw corrupt(`CRC mismatch in batch at ${start}`);
    out.push({ start, header });
    start += header.sizeInBytes;
  }
  return out;
}

/**
 * A copy of one batch spanning `lastOffsetDelta` + 1 offsets: Kafka's cleaner keeps a batch's
 * original last offset when records go, and Brook's lets the last batch of an index entry keep
 * the entry's last offset when the batches after it go. The field is inside the CRC'd part, so
 * the CRC is computed again; the records are untouched (compressed ones stay compressed).
 */
export function withLastOffsetDelta(batch: Buffer, lastOffsetDelta: number): Buffer {
  const h = readBatchHeader(batch);
  if (h.sizeInBytes !== batch.length) throw corrupt(`expected exactly one batch: ${h.sizeInBytes} of ${batch.length} bytes`);
  if (!Number.isInteger(lastOffsetDelta) || lastOffsetDelta < h.lastOffsetDelta || lastOffsetDelta > 0x7fffffff) throw new RangeError(`bad lastOffsetDelta ${lastOffsetDelta}`);
  const copy = Buffer.from(batch);
  copy.writeInt32BE(lastOffsetDelta, ATTRIBUTES_OFFSET + 2);
  copy.writeUInt32BE(crc32c(copy.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return copy;
}

/**
 * A copy of a single batch with baseOffset (and optionally partitionLeaderEpoch)
 * rewritten, as a broker does on append. The CRC starts at attributes, so it stays valid.
 */
export function withBaseOffset(batch: Buffer, baseOffset: number, partitionLeaderEpoch?: number): Buffer {
  const h = readBatchHeader(batch);
  if (h.sizeInBytes !== batch.length) throw corrupt(`expected exactly one batch: ${h.sizeInBytes} of ${batch.length} bytes`);
  if (!Number.isSafeInteger(baseOffset) || baseOffset < 0) throw new RangeError(`bad baseOffset ${baseOffset}`);
  const copy = Buffer.from(batch);
  copy.writeBigInt64BE(BigInt(baseOffset), BASE_OFFSET_OFFSET);
  if (partitionLeaderEpoch !== undefined) copy.writeInt32BE(partitionLeaderEpoch, PARTITION_LEADER_EPOCH_OFFSET);
  return copy;
}
