import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../../lib/log/bytes';
import {
  VarintError,
  readVarint,
  readVarlong,
  sizeOfVarint,
  sizeOfVarlong,
  writeVarint,
  writeVarlong,
} from '../../../lib/log/varint';
import { kafkajs } from './helpers';

const encode = (write: typeof writeVarint, v: number) => {
  const buf = Buffer.alloc(10);
  return buf.subarray(0, write(buf, 0, v));
};
const kafkajsVarint = (v: number) => new kafkajs.Encoder().writeVarInt(v).buffer as Buffer;
const kafkajsVarlong = (v: number) => new kafkajs.Encoder().writeVarLong(v).buffer as Buffer;

describe('varint', () => {
  it('encodes the zigzag LEB128 bytes from Kafka ByteUtilsTest', () => {
    const cases: Array<[number, number[]]> = [
      [0, [0x00]],
      [-1, [0x01]],
      [1, [0x02]],
      [63, [0x7e]],
      [-64, [0x7f]],
      [64, [0x80, 0x01]],
      [-65, [0x81, 0x01]],
      [8191, [0xfe, 0x7f]],
      [-8192, [0xff, 0x7f]],
      [8192, [0x80, 0x80, 0x01]],
      [2147483647, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
      [-2147483648, [0xff, 0xff, 0xff, 0xff, 0x0f]],
    ];
    for (const [v, bytes] of cases) {
      expect([...encode(writeVarint, v)], `${v}`).toEqual(bytes);
      expect(sizeOfVarint(v)).toBe(bytes.length);
      expect(readVarint(Buffer.from(bytes), 0)).toEqual({ value: v, next: bytes.length });
    }
  });

  it('round-trips every int32 shape and matches kafkajs', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (v) => {
        const bytes = encode(writeVarint, v);
        expect(bytes).toEqual(kafkajsVarint(v));
        expect(sizeOfVarint(v)).toBe(bytes.length);
        expect(readVarint(bytes, 0).value).toBe(v);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects non-int32 values on write', () => {
    for (const v of [2 ** 31, -(2 ** 31) - 1, 1.5, NaN]) expect(() => encode(writeVarint, v)).toThrow(RangeError);
  });

  it('rejects truncated and over-long input on read', () => {
    expect(() => readVarint(Buffer.from([0x80, 0x80]), 0)).toThrow(VarintError);
    expect(() => readVarint(Buffer.from([0x80, 0x01]), 0, 1)).toThrow(VarintError); // end bound is honoured
    expect(() => readVarint(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), 0)).toThrow(VarintError);
  });
});

describe('varlong', () => {
  it('round-trips safe integers (fast and BigInt paths) and matches kafkajs', () => {
    const edges = [0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const check = (v: number) => {
      const bytes = encode(writeVarlong, v);
      expect(bytes, `${v}`).toEqual(kafkajsVarlong(v));
      expect(sizeOfVarlong(v)).toBe(bytes.length);
      expect(readVarlong(bytes, 0)).toEqual({ value: v, next: bytes.length });
    };
    edges.forEach(check);
    fc.assert(fc.property(fc.maxSafeInteger(), (v) => check(v)), { numRuns: 2000 });
    fc.assert(fc.property(fc.integer({ min: -(2 ** 27), max: 2 ** 27 }), (v) => check(v)), { numRuns: 500 });
  });

  it('rejects unsafe, truncated and over-long input', () => {
    expect(() => encode(writeVarlong, 2 ** 53)).toThrow(RangeError);
    expect(() => readVarlong(Buffer.from([0xff, 0xff]), 0)).toThrow(VarintError);
    expect(() => readVarlong(Buffer.alloc(11, 0x80), 0)).toThrow(VarintError);
    // zigzag(2^53) = 2^54: a valid Kafka varlong, but not a safe JS number
    const big = Buffer.from(new kafkajs.Encoder().writeVarLong(2n ** 53n).buffer as Buffer);
    expect(() => readVarlong(big, 0)).toThrow(VarintError);
  });
});

describe('Writer / Reader', () => {
  it('grows on write and reads back every field', () => {
    const w = new Writer(1);
    w.int8(-5).int16(-300).int32(-70000).uint32(0xfffffff0).int64(-(2 ** 50)).varint(-123).varlong(2 ** 45);
    const blob = Buffer.from(Array.from({ length: 1000 }, (_, i) => i & 0xff));
    w.bytes(blob);
    const buf = w.finish();
    const fail = (m: string) => new Error(`fail: ${m}`);
    const r = new Reader(buf, 0, buf.length, fail);
    expect([r.int8(), r.int16(), r.int32(), r.uint32(), r.int64(), r.varint(), r.varlong()]).toEqual([
      -5, -300, -70000, 0xfffffff0, -(2 ** 50), -123, 2 ** 45,
    ]);
    expect(r.bytes(1000)).toEqual(blob);
    expect(r.remaining).toBe(0);
  });

  it('reports every out-of-range read through its fail callback', () => {
    const fail = (m: string) => new SyntaxError(m);
    const buf = Buffer.from([0, 0, 0, 1, 0x80]);
    expect(() => new Reader(buf, 0, 3, fail).int32()).toThrow(SyntaxError);
    expect(() => new Reader(buf, 4, 5, fail).varint()).toThrow(SyntaxError);
    expect(() => new Reader(buf, 0, 5, fail).bytes(-1)).toThrow(SyntaxError);
    expect(() => new Reader(buf, 0, 6, fail)).toThrow(SyntaxError);
    const huge = Buffer.alloc(8);
    huge.writeBigInt64BE(2n ** 60n);
    expect(() => new Reader(huge, 0, 8, fail).int64()).toThrow(SyntaxError);
  });
});
