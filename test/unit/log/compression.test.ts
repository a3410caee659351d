import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readBatchHeader, verifyBatchCrc, RECORD_BATCH_OVERHEAD } from '../../../lib/log/batch-header';
import { CompressionTypes, compress, compressBatch, decompress, supportsCodec, xxh32 } from '../../../lib/log/compression';
import { CorruptBatchError, UnsupportedCompressionError } from '../../../lib/log/errors';
import { encodeRecordBatch, type BrookRecord } from '../../../lib/log/record-batch';
import { decodeRecords } from '../../../lib/log/records';
import { kafkajs, prng, randomBytes } from './helpers';

const rand = prng(11);
const inputs: Array<[string, Buffer]> = [
  ['empty', Buffer.alloc(0)],
  ['one byte', Buffer.from('a')],
  ['short text', Buffer.from('hello hello hello hello hello hello')],
  ['random 100 KB', randomBytes(rand, 100_000)],
  ['repetitive 400 KB', Buffer.from('abcdefgh'.repeat(50_000))],
  ['mixed 1 MiB', Buffer.concat([randomBytes(rand, 70_000), Buffer.alloc(500_000, 7), Buffer.from('record '.repeat(70_000)), randomBytes(rand, 13)])],
];
const codecs = [
  ['gzip', CompressionTypes.GZIP],
  ['snappy', CompressionTypes.Snappy],
  ['lz4', CompressionTypes.LZ4],
  ['zstd', CompressionTypes.ZSTD],
] as const;
const MAX_BUFFER = 64 * 1024 * 1024;
const hasCli = (cmd: string) => {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const T0 = 1_700_000_000_000;
const records: BrookRecord[] = Array.from({ length: 200 }, (_, i) => ({
  key: i % 3 ? Buffer.from(`key-${i % 10}`) : null,
  value: i === 7 ? null : Buffer.from(`value number ${i} `.repeat(5)),
  headers: i % 4 ? [] : [{ key: 'h', value: Buffer.from(String(i)) }],
  timestamp: T0 + i,
}));

describe('codecs round-trip', () => {
  for (const [name, codec] of codecs) {
    it.skipIf(!supportsCodec(codec, 'compress'))(`${name}`, () => {
      for (const [what, data] of inputs) {
        const packed = compress(codec, data);
        expect(decompress(codec, packed).equals(data), `${name}: ${what}`).toBe(true);
      }
      expect(compress(codec, inputs[4]![1]).length).toBeLessThan(inputs[4]![1].length / 20);
    });
  }

  it('zstd: decompression works on every Node (fzstd where node:zlib has no zstd)', () => {
    // `printf 'hello zstd hello zstd hello zstd\n' | zstd -c` (zstd 1.5)
    const frame = Buffer.from('28b52ffd04589500006068656c6c6f207a737464200a0100fe8a17a9ebdeff', 'hex');
    expect(decompress(CompressionTypes.ZSTD, frame).toString()).toBe('hello zstd hello zstd hello zstd\n');
  });

  it('none and unknown codecs', () => {
    expect(decompress(0, Buffer.from('x')).toString()).toBe('x');
    expect(() => compress(5, Buffer.from('x'))).toThrow(UnsupportedCompressionError);
    expect(() => decompress(7, Buffer.from('x'))).toThrow(UnsupportedCompressionError);
  });
});

describe('LZ4 frame format', () => {
  it('writes what Kafka writes: FLG 0x60 (independent blocks), BD 0x40 (64 KiB), header checksum', () => {
    const frame = compress(CompressionTypes.LZ4, Buffer.from('hello'));
    expect(frame.readUInt32LE(0)).toBe(0x184d2204);
    expect([frame[4], frame[5], frame[6]]).toEqual([0x60, 0x40, (xxh32(Buffer.from([0x60, 0x40])) >>> 8) & 0xff]);
    expect(frame.readUInt32LE(frame.length - 4)).toBe(0); // EndMark
  });

  it('reads block and content checksums, and rejects a wrong one', () => {
    // `printf '…' | lz4 -c -BX` (lz4 1.9.4): block checksums and a content checksum.
    const frame = Buffer.from('04224d187440bd14000000af68656c6c6f206c7a34200a001b506c7a34210ae51644ab0000000028aba269', 'hex');
    expect(decompress(CompressionTypes.LZ4, frame).toString()).toBe('hello lz4 hello lz4 hello lz4 hello lz4 hello lz4 hello lz4!\n');
    const bad = Buffer.from(frame);
    bad[bad.length - 1]! ^= 1;
    expect(() => decompress(CompressionTypes.LZ4, bad)).toThrow(/content checksum/);
  });

  it('xxHash32 matches the reference vectors', () => {
    expect(xxh32(Buffer.alloc(0))).toBe(0x02cc5d05);
    expect(xxh32(Buffer.from('a'))).toBe(0x550d7456);
    expect(xxh32(Buffer.from('abc'))).toBe(0x32d153ff);
    expect(xxh32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
  });

  it.skipIf(!hasCli('lz4'))('interoperates with the reference lz4 tool both ways (all frame options)', () => {
    for (const [what, data] of inputs) {
      expect(execFileSync('lz4', ['-d', '-c'], { input: compress(CompressionTypes.LZ4, data), maxBuffer: MAX_BUFFER }).equals(data), what).toBe(true);
      for (const args of [[], ['-BD'], ['-BX'], ['--content-size'], ['-B4', '-BD'], ['-B7', '--no-frame-crc'], ['-9']]) {
        const theirs = execFileSync('lz4', ['-c', '-q', ...args], { input: data, maxBuffer: MAX_BUFFER });
        expect(decompress(CompressionTypes.LZ4, theirs).equals(data), `${what} ${args.join(' ')}`).toBe(true);
      }
    }
  });

  it.skipIf(!hasCli('zstd'))('reads frames from the reference zstd tool', () => {
    for (const [what, data] of inputs) {
      for (const level of ['-1', '-19']) {
        expect(decompress(CompressionTypes.ZSTD, execFileSync('zstd', ['-c', '-q', level], { input: data, maxBuffer: MAX_BUFFER })).equals(data), what).toBe(true);
      }
      if (supportsCodec(CompressionTypes.ZSTD, 'compress')) {
        expect(execFileSync('zstd', ['-d', '-c', '-q'], { input: compress(CompressionTypes.ZSTD, data), maxBuffer: MAX_BUFFER }).equals(data), what).toBe(true);
      }
    }
  });
});

describe('snappy (xerial framing, as Kafka writes it)', () => {
  it('writes the xerial header and reads raw snappy too', () => {
    const packed = compress(CompressionTypes.Snappy, Buffer.from('x'.repeat(100_000)));
    expect(packed.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001');
    // snappy-java falls back to one raw block when the header is missing; so do we.
    const raw = packed.subarray(20, 20 + packed.readInt32BE(16));
    expect(decompress(CompressionTypes.Snappy, raw).toString()).toBe('x'.repeat(32 * 1024));
  });
});

describe('bad input', () => {
  for (const [name, codec] of codecs) {
    it(`${name}: garbage and truncation are CorruptBatchError`, () => {
      const valid = supportsCodec(codec, 'compress') ? compress(codec, inputs[5]![1]) : undefined;
      const garbage = [randomBytes(rand, 200), Buffer.alloc(0), ...(valid ? [valid.subarray(0, valid.length >> 1)] : [])];
      for (const g of garbage) expect(() => decompress(codec, g)).toThrow(CorruptBatchError);
    });

    it.skipIf(!supportsCodec(codec, 'compress'))(`${name}: more than maxLength out is refused (compression bombs)`, () => {
      const bomb = compress(codec, Buffer.alloc(4 * 1024 * 1024));
      expect(bomb.length).toBeLessThan(300_000);
      expect(() => decompress(codec, bomb, 1024 * 1024)).toThrow(CorruptBatchError);
      expect(decompress(codec, bomb, 4 * 1024 * 1024).length).toBe(4 * 1024 * 1024);
    });
  }
});

describe('compressed record batches', () => {
  for (const [name, codec] of codecs) {
    it.skipIf(!supportsCodec(codec, 'compress'))(`${name}: compressBatch keeps the header, sets the codec, reseals the CRC; decodeRecords reads it`, () => {
      const plain = encodeRecordBatch(records, { producerId: 42, producerEpoch: 3, baseSequence: 100, isTransactional: true });
      const packed = compressBatch(plain, codec);
      expect(packed.length).toBeLessThan(plain.length / 3);
      expect(verifyBatchCrc(packed)).toBe(true);
      const h = readBatchHeader(packed);
      const p = readBatchHeader(plain);
      expect(h).toEqual({ ...p, crc: h.crc, attributes: p.attributes | codec, compression: codec, batchLength: packed.length - 12, sizeInBytes: packed.length });
      expect(h.isTransactional).toBe(true);
      const decoded = decodeRecords(packed.subarray(RECORD_BATCH_OVERHEAD), h);
      expect(decoded).toEqual(records.map((r, i) => ({ ...r, offset: i })));
    });
  }

  it('a corrupt compressed payload is CorruptBatchError from decodeRecords', () => {
    const packed = compressBatch(encodeRecordBatch(records), CompressionTypes.GZIP);
    const h = readBatchHeader(packed);
    const payload = Buffer.from(packed.subarray(RECORD_BATCH_OVERHEAD));
    payload[payload.length >> 1]! ^= 0xff;
    expect(() => decodeRecords(payload, h)).toThrow(CorruptBatchError);
  });

  it('decodes a gzip batch made by kafkajs (kafkajs ships gzip only), and kafkajs decodes ours', async () => {
    const theirs = (
      await kafkajs.RecordBatch({
        compression: CompressionTypes.GZIP,
        firstOffset: 0,
        firstTimestamp: T0,
        maxTimestamp: T0 + records.length - 1,
        partitionLeaderEpoch: 0,
        lastOffsetDelta: records.length - 1,
        records: records.map((r, i) =>
          kafkajs.Record({ offsetDelta: i, timestampDelta: r.timestamp - T0, key: r.key, value: r.value, headers: Object.fromEntries(r.headers.map((x) => [x.key, x.value])) }),
        ),
      })
    ).buffer;
    const h = readBatchHeader(theirs);
    expect(h.compression).toBe(CompressionTypes.GZIP);
    expect(verifyBatchCrc(theirs)).toBe(true);
    expect(decodeRecords(theirs.subarray(RECORD_BATCH_OVERHEAD, h.sizeInBytes), h)).toEqual(records.map((r, i) => ({ ...r, offset: i })));

    const ours = compressBatch(encodeRecordBatch(records), CompressionTypes.GZIP);
    const batch = await kafkajs.decodeBatch(new kafkajs.Decoder(ours));
    expect(batch.records.map((r: any) => [r.offset, r.key, r.value])).toEqual(records.map((r, i) => [String(i), r.key, r.value]));
  });
});
