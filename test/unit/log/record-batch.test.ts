import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRecordBatch,
  encodeRecordBatch,
  readBatchHeader,
  splitBatches,
  verifyBatchCrc,
  withBaseOffset,
  type BrookRecord,
  type EncodeOptions,
} from '../../../lib/log/record-batch';

const T0 = 1_700_000_000_000;
const rec = (r: Partial<BrookRecord>): BrookRecord => ({ key: null, value: null, headers: [], timestamp: T0, ...r });

function roundTrip(records: BrookRecord[], opts?: EncodeOptions) {
  const buf = encodeRecordBatch(records, opts);
  const { header, records: out } = decodeRecordBatch(buf);
  const base = opts?.baseOffset ?? 0;
  expect(out).toEqual(records.map((r, i) => ({ ...r, offset: base + i })));
  return { buf, header };
}

describe('record batch v2 round trip', () => {
  it('keeps null, empty and binary keys and values apart', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    roundTrip([
      rec({}),
      rec({ key: Buffer.alloc(0), value: Buffer.alloc(0) }),
      rec({ key: Buffer.from('k'), value: null }),
      rec({ key: null, value: Buffer.from('v') }),
      rec({ key: all, value: Buffer.from(all).reverse() }),
    ]);
  });

  it('keeps headers: UTF-8 keys, null and empty values, duplicates in order', () => {
    roundTrip([
      rec({
        headers: [
          { key: 'content-type', value: Buffer.from('json') },
          { key: 'ключ-🔑', value: Buffer.from([0, 255, 1]) },
          { key: '', value: Buffer.alloc(0) },
          { key: 'trace', value: null },
          { key: 'dup', value: Buffer.from('1') },
          { key: 'dup', value: Buffer.from('2') },
        ],
      }),
      rec({ headers: [] }),
    ]);
  });

  it('fills in the header fields', () => {
    const records = [rec({ timestamp: T0 + 5 }), rec({ timestamp: T0 + 50 }), rec({ timestamp: T0 - 20 })];
    const { buf, header } = roundTrip(records, {
      baseOffset: 1234,
      partitionLeaderEpoch: 7,
      producerId: 987654321012,
      producerEpoch: 3,
      baseSequence: 42,
      isTransactional: true,
    });
    expect(header).toMatchObject({
      baseOffset: 1234,
      batchLength: buf.length - 12,
      sizeInBytes: buf.length,
      partitionLeaderEpoch: 7,
      magic: 2,
      attributes: 0x10,
      compression: 0,
      timestampType: 'CreateTime',
      isTransactional: true,
      isControlBatch: false,
      lastOffsetDelta: 2,
      baseTimestamp: T0 + 5, // the first record's, as the Java client does: deltas may be negative
      maxTimestamp: T0 + 50,
      producerId: 987654321012,
      producerEpoch: 3,
      baseSequence: 42,
      recordCount: 3,
    });
    expect(readBatchHeader(buf)).toEqual(header);
  });

  it('defaults to a non-idempotent producer and unknown leader epoch', () => {
    const h = readBatchHeader(encodeRecordBatch([rec({})]));
    expect([h.baseOffset, h.partitionLeaderEpoch, h.producerId, h.producerEpoch, h.baseSequence]).toEqual([0, -1, -1, -1, -1]);
    expect(h.attributes).toBe(0);
  });

  it('handles negative and beyond-int32 timestamp deltas', () => {
    roundTrip([
      rec({ timestamp: T0 }),
      rec({ timestamp: T0 - 1 }),
      rec({ timestamp: 0 }),
      rec({ timestamp: T0 + 2 ** 40 }),
      rec({ timestamp: T0 - 2 ** 31 - 7 }),
    ]);
  });

  it('flags control batches and LogAppendTime (every record reads maxTimestamp)', () => {
    const buf = encodeRecordBatch([rec({ timestamp: T0 }), rec({ timestamp: T0 + 9 })], {
      isControlBatch: true,
      timestampType: 'LogAppendTime',
    });
    const { header, records } = decodeRecordBatch(buf);
    expect(header).toMatchObject({ attributes: 0x28, isControlBatch: true, timestampType: 'LogAppendTime' });
    expect(records.map((r) => r.timestamp)).toEqual([T0 + 9, T0 + 9]);
  });

  it('carries many records', () => {
    const records = Array.from({ length: 10_000 }, (_, i) =>
      rec({ key: Buffer.from(`key-${i}`), value: Buffer.alloc(i % 300, i), timestamp: T0 + (i % 17) - 8 }),
    );
    const { header, records: out } = decodeRecordBatch(encodeRecordBatch(records, { baseOffset: 2 ** 40 }));
    const flat = (r: BrookRecord) => `${r.key!.toString('hex')}/${r.value!.toString('hex')}/${r.timestamp}`;
    expect(out.map(flat)).toEqual(records.map(flat)); // flattened: deep-equal of 10k Buffers is slow
    expect(out.map((r) => r.offset)).toEqual(records.map((_, i) => 2 ** 40 + i));
    expect(header.lastOffsetDelta).toBe(9_999);
  });

  it('round-trips arbitrary records', () => {
    const bytes = fc.option(fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), { nil: null });
    const record = fc.record({
      key: bytes,
      value: bytes,
      headers: fc.array(fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 8 }), value: bytes }), { maxLength: 4 }),
      timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
    });
    fc.assert(fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), (records) => void roundTrip(records)), { numRuns: 300 });
  });

  it('returns copies, not views of the input', () => {
    const buf = encodeRecordBatch([rec({ key: Buffer.from('abc'), value: Buffer.from('xyz') })]);
    const { records } = decodeRecordBatch(buf);
    buf.fill(0);
    expect(records[0]!.key!.toString()).toBe('abc');
    expect(records[0]!.value!.toString()).toBe('xyz');
  });

  it('refuses to encode an empty batch or a bad timestamp', () => {
    expect(() => encodeRecordBatch([])).toThrow();
    expect(() => encodeRecordBatch([rec({ timestamp: 1.5 })])).toThrow(RangeError);
  });
});

describe('splitBatches / withBaseOffset', () => {
  const a = encodeRecordBatch([rec({ value: Buffer.from('a') })]);
  const b = encodeRecordBatch([rec({ value: Buffer.from('b1') }), rec({ value: Buffer.from('b2') })], { baseOffset: 1 });
  const c = encodeRecordBatch([rec({ key: Buffer.from('c'), headers: [{ key: 'h', value: null }] })], { baseOffset: 3 });
  const all = Buffer.concat([a, b, c]);

  it('frames a concatenation of batches', () => {
    const parts = splitBatches(all);
    expect(parts.map((p) => p.start)).toEqual([0, a.length, a.length + b.length]);
    expect(parts.map((p) => [p.header.baseOffset, p.header.recordCount])).toEqual([[0, 1], [1, 2], [3, 1]]);
    expect(splitBatches(Buffer.alloc(0))).toEqual([]);
    const second = decodeRecordBatch(all, a.length).records;
    expect(second.map((r) => [r.offset, r.value!.toString()])).toEqual([[1, 'b1'], [2, 'b2']]);
  });

  it('patches baseOffset and leader epoch without breaking the CRC', () => {
    const moved = withBaseOffset(b, 5_000_000_000, 9);
    expect(b.readBigInt64BE(0)).toBe(1n); // the input is untouched
    expect(verifyBatchCrc(moved)).toBe(true);
    const { header, records } = decodeRecordBatch(moved);
    expect([header.baseOffset, header.partitionLeaderEpoch, header.crc]).toEqual([5_000_000_000, 9, readBatchHeader(b).crc]);
    expect(records.map((r) => r.offset)).toEqual([5_000_000_000, 5_000_000_001]);
    expect(readBatchHeader(withBaseOffset(b, 7)).partitionLeaderEpoch).toBe(-1); // epoch left alone when omitted
  });
});
