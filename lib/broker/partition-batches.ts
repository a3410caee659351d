import { BrookError } from '../errors';
import type { ProducerBatch } from '../metadata/producer-state';
import {
  CorruptBatchError,
  UnsupportedCompressionError,
  decodeRecordBatch,
  encodeRecordBatch,
  splitBatches,
  type BatchHeader,
  type BrookRecord,
} from '../log/record-batch';

/** Bytes of one or more whole v2 batches for one partition, ready to be stored, with their summary. */
export interface PreparedBatches {
  bytes: Buffer;
  recordCount: number;
  baseTimestamp: number;
  maxTimestamp: number;
  /** Set when an idempotent producer wrote the batches (producerId ≥ 0). */
  producer?: ProducerBatch;
  /** The batches belong to a transaction (the isTransactional attribute). */
  transactional?: boolean;
}

const BATCH_OVERHEAD = 61; // fixed header of a v2 batch
const RECORD_OVERHEAD = 24; // worst-case varints of one record

const approxSize = (r: BrookRecord) =>
  RECORD_OVERHEAD + (r.key?.length ?? 0) + (r.value?.length ?? 0) +
  r.headers.reduce((n, h) => n + 10 + Buffer.byteLength(h.key) + (h.value?.length ?? 0), 0);

/**
 * Encode records as batches of at most `maxMessageBytes` each (Kafka's max.message.bytes applies
 * to a batch). A single record that cannot fit is MESSAGE_TOO_LARGE.
 */
export function encodeRecords(records: BrookRecord[], maxMessageBytes: number, logAppendTime?: number): PreparedBatches {
  const chunks: BrookRecord[][] = [];
  let size = BATCH_OVERHEAD;
  for (const r of records) {
    const s = approxSize(r);
    if (BATCH_OVERHEAD + s > maxMessageBytes) {
      throw new BrookError('MESSAGE_TOO_LARGE', `A record of about ${s} bytes is larger than max.message.bytes (${maxMessageBytes}); send smaller records or raise the topic's max.message.bytes.`);
    }
    if (chunks.length === 0 || size + s > maxMessageBytes) {
      chunks.push([]);
      size = BATCH_OVERHEAD;
    }
    chunks[chunks.length - 1]!.push(logAppendTime === undefined ? r : { ...r, timestamp: logAppendTime });
    size += s;
  }
  const timestampType = logAppendTime === undefined ? 'CreateTime' : 'LogAppendTime';
  const bytes = Buffer.concat(chunks.map((c) => encodeRecordBatch(c, { timestampType })));
  const stamps = records.map((r) => logAppendTime ?? r.timestamp);
  return { bytes, recordCount: records.length, baseTimestamp: Math.min(...stamps), maxTimestamp: Math.max(...stamps) };
}

/**
 * Validate client-encoded batches (the binary path): whole, CRC-correct, gapless, within limits,
 * and every record decodable, as a Kafka broker's LogValidator checks them — a CRC only proves
 * the bytes arrived as sent, not that they hold the records the header claims.
 */
export function validateBatches(bytes: Buffer, maxMessageBytes: number): PreparedBatches {
  let batches;
  try {
    batches = splitBatches(bytes);
    for (const { start } of batches) decodeRecordBatch(bytes, start);
  } catch (err) {
    if (err instanceof CorruptBatchError) throw new BrookError('CORRUPT_MESSAGE', `Record batches are corrupt: ${err.message}`);
    if (err instanceof UnsupportedCompressionError) throw new BrookError('CORRUPT_MESSAGE', `Record batches use a compression codec Brook cannot read: ${err.message}`);
    throw err;
  }
  if (batches.length === 0) throw new BrookError('CORRUPT_MESSAGE', 'No record batch in the request.');
  let recordCount = 0;
  for (const { header } of batches) {
    if (header.sizeInBytes > maxMessageBytes) {
      throw new BrookError('MESSAGE_TOO_LARGE', `A batch of ${header.sizeInBytes} bytes is larger than max.message.bytes (${maxMessageBytes}).`);
    }
    if (header.lastOffsetDelta !== header.recordCount - 1) {
      throw new BrookError('CORRUPT_MESSAGE', `A batch has ${header.recordCount} records but lastOffsetDelta ${header.lastOffsetDelta}; offsets in a batch must be contiguous.`);
    }
    if (header.compression > 4) throw new BrookError('CORRUPT_MESSAGE', `Unknown compression codec ${header.compression}.`);
    if (header.isControlBatch) throw new BrookError('INVALID_REQUEST', 'Clients may not write control batches.');
    recordCount += header.recordCount;
  }
  return {
    bytes,
    recordCount,
    baseTimestamp: Math.min(...batches.map((b) => b.header.baseTimestamp)),
    maxTimestamp: Math.max(...batches.map((b) => b.header.maxTimestamp)),
    producer: producerOf(batches.map((b) => b.header)),
    ...(batches[0]!.header.isTransactional ? { transactional: true } : {}),
  };
}

/** The batches of one partition in one request come from one producer, with contiguous sequences. */
function producerOf(headers: BatchHeader[]): ProducerBatch | undefined {
  const first = headers[0]!;
  if (headers.some((h) => h.isTransactional !== first.isTransactional)) throw new BrookError('INVALID_REQUEST', 'Transactional and plain batches are mixed for one partition.');
  if (first.isTransactional && first.producerId < 0) throw new BrookError('INVALID_REQUEST', 'A transactional batch needs a producer id (transactional producers are idempotent).');
  if (first.producerId < 0) {
    if (headers.some((h) => h.producerId >= 0)) throw new BrookError('INVALID_REQUEST', 'Idempotent and plain batches are mixed for one partition.');
    return undefined;
  }
  if (first.baseSequence < 0) throw new BrookError('INVALID_REQUEST', `An idempotent batch needs a base sequence ≥ 0; got ${first.baseSequence}.`);
  let next = first.baseSequence;
  for (const h of headers) {
    if (h.producerId !== first.producerId || h.producerEpoch !== first.producerEpoch || h.baseSequence !== next) {
      throw new BrookError('OUT_OF_ORDER_SEQUENCE_NUMBER', `Batches for one partition must come from one producer with contiguous sequences; expected sequence ${next}, got ${h.baseSequence}.`);
    }
    next += h.recordCount;
  }
  return { producerId: first.producerId, producerEpoch: first.producerEpoch, baseSequence: first.baseSequence, lastSequence: next - 1 };
}
