// Hostile and damaged input: every failure must be CorruptBatchError (or
// UnsupportedCompressionError), never a RangeError or TypeError from below.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CorruptBatchError,
  UnsupportedCompressionError,
  decodeRecordBatch,
  encodeRecordBatch,
  readBatchHeader,
  splitBatches,
  verifyBatchCrc,
  withBaseOffset,
  type BrookRecord,
} from '../../../lib/log/record-batch';
import { reseal, thrown } from './helpers';

const T0 = 1_700_000_000_000;
const records: BrookRecord[] = [
  { key: Buffer.from('key'), value: Buffer.from('value'), headers: [{ key: 'h', value: Buffer.from('v') }], timestamp: T0 },
  { key: null, value: Buffer.alloc(0), headers: [{ key: 'n', value: null }], timestamp: T0 - 3 },
];
const batch = encodeRecordBatch(records, { baseOffset: 10, producerId: 5, producerEpoch: 1, baseSequence: 0 });
const flipped = (at: number) => {
  const b = Buffer.from(batch);
  b[at]! ^= 0x01;
  return b;
};
const expectCorrupt = (fn: () => unknown) => expect(thrown(fn)).toBeInstanceOf(CorruptBatchError);

describe('CRC', () => {
  it('catches a flipped bit anywhere from the CRC field to the end', () => {
    expect(verifyBatchCrc(batch)).toBe(true);
    for (let at = 17; at < batch.length; at++) {
      const b = flipped(at);
      // Bits that break framing (count, lengths) may throw before the CRC is compared; both are corruption.
      let ok: boolean | 'threw';
      try {
        ok = verifyBatchCrc(b);
      } catch (err) {
        expect(err).toBeInstanceOf(CorruptBatchError);
        ok = 'threw';
      }
      expect(ok, `byte ${at}`).not.toBe(true);
      expectCorrupt(() => splitBatches(b));
      expectCorrupt(() => decodeRecordBatch(b));
    }
  });

  it('does not cover baseOffset and partitionLeaderEpoch (so they can be rewritten)', () => {
    for (const at of [7, 12, 13, 15]) expect(verifyBatchCrc(flipped(at))).toBe(true); // low bits: the offset stays a safe integer
    expect(verifyBatchCrc(withBaseOffset(batch, 2 ** 50, 1234))).toBe(true);
  });

  it('rejects a bad magic byte and an inconsistent batchLength', () => {
    expectCorrupt(() => readBatchHeader(flipped(16)));
    for (const at of [8, 9, 10, 11]) {
      expectCorrupt(() => splitBatches(flipped(at)));
      expectCorrupt(() => decodeRecordBatch(flipped(at)));
    }
    const short = Buffer.from(batch);
    short.writeInt32BE(48, 8); // below the 49 bytes every header has after batchLength
    expectCorrupt(() => readBatchHeader(short));
  });
});

describe('truncation', () => {
  it('fails with CorruptBatchError at every length', () => {
    for (let n = 0; n < batch.length; n++) {
      const cut = batch.subarray(0, n);
      expectCorrupt(() => readBatchHeader(cut));
      expectCorrupt(() => verifyBatchCrc(cut));
      expectCorrupt(() => decodeRecordBatch(cut));
      if (n > 0) expectCorrupt(() => splitBatches(cut)); // zero bytes are zero batches
      expectCorrupt(() => splitBatches(Buffer.concat([batch, cut.length ? cut : Buffer.alloc(1)])));
    }
  });

  it('rejects positions outside the buffer', () => {
    for (const at of [-1, batch.length + 1, 0.5]) expectCorrupt(() => decodeRecordBatch(batch, at));
  });

  it('rejects trailing bytes for withBaseOffset', () => {
    expectCorrupt(() => withBaseOffset(Buffer.concat([batch, Buffer.alloc(3)]), 1));
  });
});

describe('structurally bad batches with a valid CRC', () => {
  // Layout of the first record: 61 length, 62 attributes, 63 timestampDelta, 64 offsetDelta, 65 keyLength.
  const craft = (edit: (b: Buffer) => void) => {
    const b = Buffer.from(batch);
    edit(b);
    return reseal(b);
  };

  it('record count above or below the records present', () => {
    for (const count of [1, 3, 1000, 0x7fffffff, -1]) {
      const b = craft((x) => x.writeInt32BE(count, 57));
      expect(verifyBatchCrc(b)).toBe(true);
      expectCorrupt(() => decodeRecordBatch(b));
      // splitBatches only frames: it sees count 1 of lastOffsetDelta 1 as plausible.
      if (count !== 1) expectCorrupt(() => splitBatches(b));
    }
  });

  it('record count 0 or lastOffsetDelta inconsistent is refused by splitBatches', () => {
    expectCorrupt(() => splitBatches(craft((x) => x.writeInt32BE(0, 57))));
    expectCorrupt(() => splitBatches(craft((x) => x.writeInt32BE(0, 23)))); // 2 records, lastOffsetDelta 0
    expectCorrupt(() => splitBatches(craft((x) => x.writeInt32BE(-1, 23))));
  });

  it('bad record lengths and field lengths', () => {
    expect(batch[65]).toBe(6); // keyLength 3, zigzag
    const edits: Array<(b: Buffer) => void> = [
      (b) => (b[61] = 0x7f), // record length -64
      (b) => (b[61] = 0xfe), // record length far past the end (2-byte varint would need more)
      (b) => (b[65] = 0x03), // keyLength -2
      (b) => (b[65] = 0x7e), // keyLength 63, past the record end
      (b) => (b[65] = 0x04), // keyLength 2: fields shift, record length no longer matches
      (b) => b.fill(0xff, 61, 66), // runaway varints
    ];
    for (const edit of edits) expectCorrupt(() => decodeRecordBatch(craft(edit)));
    expect(String(thrown(() => decodeRecordBatch(craft((b) => (b[65] = 0x03)))))).toMatch(/negative key length -2/);
  });

  it('a record whose declared length exceeds its fields', () => {
    const length = batch[61]! >> 1; // zigzag, one byte while < 64
    expect(length).toBeLessThan(63);
    const end = 62 + length;
    const b = Buffer.concat([batch.subarray(0, end), Buffer.from([0]), batch.subarray(end)]); // a stray byte inside record 0
    b[61] = (length + 1) << 1;
    b.writeInt32BE(b.length - 12, 8);
    reseal(b);
    expect(splitBatches(b)).toHaveLength(1); // framing is fine; only the record is malformed
    expect(String(thrown(() => decodeRecordBatch(b)))).toMatch(/record 0: 1 bytes left/);
  });

  it('unknown codecs are unsupported; known codecs over plain bytes are corrupt', () => {
    for (const codec of [5, 6, 7]) {
      const err = thrown(() => decodeRecordBatch(craft((b) => b.writeInt16BE(codec, 21))));
      expect(err).toBeInstanceOf(UnsupportedCompressionError);
      expect((err as UnsupportedCompressionError).codec).toBe(codec);
    }
    for (const codec of [1, 2, 3, 4]) {
      expect(thrown(() => decodeRecordBatch(craft((b) => b.writeInt16BE(codec, 21))))).toBeInstanceOf(CorruptBatchError);
    }
  });

  it('int64 fields beyond the safe integer range', () => {
    expectCorrupt(() => readBatchHeader(craft((b) => b.writeBigInt64BE(2n ** 60n, 0))));
    expectCorrupt(() => readBatchHeader(craft((b) => b.writeBigInt64BE(-(2n ** 60n), 27))));
  });

  it('random damage never escapes as another error type', () => {
    const body = fc.tuple(fc.nat({ max: batch.length - 62 }), fc.uint8Array({ minLength: 1, maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(body, { minLength: 1, maxLength: 4 }), fc.boolean(), (edits, keepCrc) => {
        const b = Buffer.from(batch);
        for (const [at, bytes] of edits) b.set(bytes.subarray(0, b.length - 61 - at), 61 + at);
        if (keepCrc) reseal(b);
        try {
          decodeRecordBatch(b);
          splitBatches(b);
        } catch (err) {
          expect(err instanceof CorruptBatchError || err instanceof UnsupportedCompressionError, String(err)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
