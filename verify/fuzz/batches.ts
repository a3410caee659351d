/**
 * Binary produce bodies (frames of Kafka v2 record batches) that are certainly invalid: valid
 * encodeRecordBatch output flipped, truncated, extended or given impossible header fields, and
 * frames that are cut short or point at the wrong place. A byte change counts only where the
 * format guarantees detection: the magic byte, the stored CRC, or a burst of at most 4 bytes
 * under the CRC-32C (which detects every burst of 32 bits or less).
 */
import fc from 'fast-check';
import { encodeRecordBatch, type BrookRecord } from '../../lib/log/record-batch';
import { crc32c } from '../../lib/log/crc32c';
import { bad, legalString, show, type Part } from './values';

const LENGTH = 8;
const MAGIC = 16;
const CRC = 17;
const ATTRIBUTES = 21;
const LAST_OFFSET_DELTA = 23;
const RECORD_COUNT = 57;
const HEADER = 61;

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => Buffer.from(b));
const record: fc.Arbitrary<BrookRecord> = fc.record({
  key: fc.option(bytes(16)),
  value: fc.option(bytes(48)),
  headers: fc.array(fc.record({ key: legalString(0, 8), value: fc.option(bytes(8)) }), { maxLength: 2 }),
  timestamp: fc.integer({ min: 0, max: 4_102_444_800_000 }),
});

/** A valid, small (well under 2,000 bytes) uncompressed batch; its base offset is arbitrary, as a producer's may be. */
export const validBatch: fc.Arbitrary<Buffer> = fc
  .tuple(fc.array(record, { minLength: 1, maxLength: 3 }), fc.nat(1_000_000))
  .map(([records, baseOffset]) => encodeRecordBatch(records, { baseOffset }));

/** A valid batch larger than `maxBytes` (a topic's max.message.bytes). */
export const oversizedBatch = (maxBytes: number) =>
  fc.integer({ min: 1, max: 2_000 }).map((extra) => encodeRecordBatch([{ key: null, value: Buffer.alloc(maxBytes + extra, 7), headers: [], timestamp: 1 }]));

const withCrc = (b: Buffer) => {
  b.writeUInt32BE(crc32c(b.subarray(ATTRIBUTES)), CRC);
  return b;
};
const copy = (b: Buffer) => Buffer.from(b);
const setInt32 = (b: Buffer, at: number, v: number) => {
  const c = copy(b);
  c.writeInt32BE(v, at);
  return c;
};

/** One valid batch made invalid, with a description of how. */
export function corruptBatch(batch: fc.Arbitrary<Buffer> = validBatch): fc.Arbitrary<Part<Buffer>> {
  return batch.chain((b) => {
    const count = b.readInt32BE(RECORD_COUNT);
    const actualLength = b.length - 12;
    return fc.oneof(
      // Byte bursts the format always detects.
      bad(fc.integer({ min: 1, max: 255 }).map((x) => flip(b, MAGIC, [x])), 'magic byte changed'),
      bad(fc.tuple(fc.nat(3), fc.array(fc.integer({ min: 1, max: 255 }), { minLength: 1, maxLength: 4 })).map(([at, xs]) => flip(b, CRC + at, xs.slice(0, 4 - at))), 'stored CRC changed'),
      bad(
        fc.tuple(fc.nat(b.length - ATTRIBUTES - 1), fc.array(fc.integer({ min: 1, max: 255 }), { minLength: 1, maxLength: 4 })).map(([at, xs]) => flip(b, ATTRIBUTES + at, xs)),
        'CRC-covered bytes changed',
      ),
      // Cut short or followed by bytes that cannot be a batch (a batch is at least 61 bytes, magic 2).
      bad(fc.nat(b.length - 1).map((k) => b.subarray(0, k)), (t) => `batch truncated to ${t.length} of ${b.length} bytes`),
      bad(fc.uint8Array({ minLength: 1, maxLength: 60 }).map((x) => Buffer.concat([b, x])), (t) => `${t.length - b.length} stray bytes after the batch`),
      // Impossible header fields, CRC recomputed so only the field is wrong.
      bad(fc.integer({ min: -128, max: 127 }).filter((m) => m !== 2).map((m) => { const c = copy(b); c.writeInt8(m, MAGIC); return c; }), (t) => `magic ${t.readInt8(MAGIC)}`),
      bad(
        fc.oneof(fc.integer({ min: -(2 ** 31), max: 0 }), fc.integer({ min: count + 1, max: count + 1000 }), ...(count > 1 ? [fc.integer({ min: 1, max: count - 1 })] : [])).map((n) => withCrc(setInt32(b, RECORD_COUNT, n))),
        (t) => `recordCount ${t.readInt32BE(RECORD_COUNT)} for ${count} records`,
      ),
      bad(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).filter((n) => n !== count - 1).map((n) => withCrc(setInt32(b, LAST_OFFSET_DELTA, n))), (t) => `lastOffsetDelta ${t.readInt32BE(LAST_OFFSET_DELTA)} for ${count} records`),
      bad(fc.integer({ min: 5, max: 7 }).map((codec) => { const c = copy(b); c.writeInt16BE((c.readInt16BE(ATTRIBUTES) & ~7) | codec, ATTRIBUTES); return withCrc(c); }), 'unknown compression codec'),
      bad(fc.constant(null).map(() => { const c = copy(b); c.writeInt16BE(c.readInt16BE(ATTRIBUTES) | 0x20, ATTRIBUTES); return withCrc(c); }), 'control batch from a client'),
      bad(fc.oneof(fc.integer({ min: -(2 ** 31), max: HEADER - 13 }), fc.integer({ min: actualLength + 1, max: 2 ** 31 - 1 })).map((n) => setInt32(b, LENGTH, n)), (t) => `batchLength ${t.readInt32BE(LENGTH)}, actual ${actualLength}`),
      // Records section that does not match the header, CRC recomputed: only decoding the records shows it.
      bad(fc.integer({ min: 1, max: b.length - HEADER }).map((k) => withCrc(setInt32(b.subarray(0, b.length - k), LENGTH, actualLength - k))), (t) => `records section cut by ${b.length - t.length} bytes (header and CRC fixed)`),
      bad(fc.uint8Array({ minLength: 1, maxLength: 20 }).map((x) => withCrc(setInt32(Buffer.concat([b, x]), LENGTH, actualLength + x.length))), (t) => `${t.length - b.length} bytes after the last record (header and CRC fixed)`),
      bad(fc.constant(null).map(() => withCrc(setInt32(setInt32(b, RECORD_COUNT, count + 1), LAST_OFFSET_DELTA, count))), `header declares ${count + 1} records, ${count} present (CRC fixed)`),
    );
  });
}

function flip(b: Buffer, at: number, masks: number[]): Buffer {
  const c = copy(b);
  masks.slice(0, c.length - at).forEach((m, i) => (c[at + i]! ^= m));
  return c;
}

/** One frame: topicLength int16 | topic | partition int32 | length int32 | batches (see lib/http/batch-frames.ts). */
export function frame(topic: Buffer, partition: number, batches: Buffer): Buffer {
  const head = Buffer.alloc(10 + topic.length);
  head.writeInt16BE(topic.length, 0);
  topic.copy(head, 2);
  head.writeInt32BE(partition, 2 + topic.length);
  head.writeInt32BE(batches.length, 6 + topic.length);
  return Buffer.concat([head, batches]);
}

/** Body-level damage to a sequence of frames whose last frame starts at `lastStart`. */
export function corruptFrames(body: Buffer, lastStart: number, lastTopicLength: number): fc.Arbitrary<Part<Buffer>> {
  const rest = body.length - lastStart;
  const at = (field: number) => lastStart + field;
  return fc.oneof(
    bad(fc.integer({ min: lastStart + 1, max: body.length - 1 }).map((k) => body.subarray(0, k)), (t) => `frames truncated to ${t.length} of ${body.length} bytes`),
    bad(fc.uint8Array({ minLength: 1, maxLength: 11 }).map((x) => Buffer.concat([body, x])), (t) => `${t.length - body.length} stray bytes after the frames`),
    bad(fc.oneof(fc.integer({ min: -32768, max: 0 }), fc.integer({ min: rest - 9, max: 32767 })).map((n) => { const c = copy(body); c.writeInt16BE(n, at(0)); return c; }), (t) => `topic length ${t.readInt16BE(at(0))}`),
    bad(fc.oneof(fc.integer({ min: -(2 ** 31), max: 0 }), fc.integer({ min: rest - 10 - lastTopicLength + 1, max: 2 ** 31 - 1 })).map((n) => setInt32(body, at(6 + lastTopicLength), n)), (t) => `frame length ${t.readInt32BE(at(6 + lastTopicLength))}`),
    bad(fc.integer({ min: 1, max: Math.max(1, rest - 11 - lastTopicLength) }).map((n) => setInt32(body, at(6 + lastTopicLength), n)), (t) => `frame length ${t.readInt32BE(at(6 + lastTopicLength))} cuts its batch short`),
  );
}

/** Bodies that cannot hold a frame at all: empty, or fewer bytes than the smallest valid frame (72). */
export const hopelessBody: fc.Arbitrary<Part<Buffer>> = fc.oneof(
  bad(fc.constant(Buffer.alloc(0)), 'empty body'),
  bad(fc.uint8Array({ minLength: 1, maxLength: 71 }).map((b) => Buffer.from(b)), (b) => `${b.length} random bytes`),
  bad(fc.constantFrom('{"records":[]}', 'null', '[]').map((t) => Buffer.from(t)), (b) => `JSON ${show(b.toString())} instead of frames`),
);

/** One or two valid batches back to back, as a producer sends them for one partition. */
export const validBatches: fc.Arbitrary<Part<Buffer>> = fc.array(validBatch, { minLength: 1, maxLength: 2 }).map((bs) => ({ value: Buffer.concat(bs) }));
