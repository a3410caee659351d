// kafkajs's own record batch encoder/decoder as an oracle for byte-level compatibility.
import { describe, expect, it } from 'vitest';
import { decodeRecordBatch, encodeRecordBatch, type BrookRecord } from '../../../lib/log/record-batch';
import { kafkajs, prng, randomBytes } from './helpers';

interface Case {
  name: string;
  records: BrookRecord[];
  producer?: { producerId: number; producerEpoch: number; baseSequence: number; isTransactional: boolean };
}

const T0 = 1_700_000_000_000;
const rec = (r: Partial<BrookRecord>): BrookRecord => ({ key: null, value: null, headers: [], timestamp: T0, ...r });
const rand = prng(7);

const cases: Case[] = [
  { name: 'one plain record', records: [rec({ key: Buffer.from('k'), value: Buffer.from('hello') })] },
  {
    name: 'null and empty keys and values',
    records: [rec({}), rec({ key: Buffer.alloc(0), value: Buffer.alloc(0) }), rec({ value: Buffer.from('v') })],
  },
  { name: 'all byte values', records: [rec({ key: Buffer.from(Array.from({ length: 256 }, (_, i) => i)), value: Buffer.from([255, 0]) })] },
  {
    name: 'UTF-8 headers (kafkajs cannot encode null header values)',
    records: [
      rec({
        value: Buffer.from('x'),
        headers: [
          { key: 'ключ', value: Buffer.from('значение') },
          { key: 'emoji-🎉', value: Buffer.alloc(0) },
          { key: 'dup', value: Buffer.from('1') },
          { key: 'dup', value: Buffer.from('2') },
        ],
      }),
    ],
  },
  {
    name: 'negative and large timestamp deltas',
    records: [rec({ timestamp: T0 }), rec({ timestamp: T0 - 1000 }), rec({ timestamp: T0 + 2 ** 35 }), rec({ timestamp: T0 - 2 ** 33 })],
  },
  {
    name: 'idempotent transactional producer',
    records: [rec({ value: Buffer.from('a') }), rec({ value: Buffer.from('b') })],
    producer: { producerId: 123456789012, producerEpoch: 4, baseSequence: 99, isTransactional: true },
  },
  {
    name: '500 random records',
    records: Array.from({ length: 500 }, (_, i) =>
      rec({
        key: rand() < 0.2 ? null : randomBytes(rand, Math.floor(rand() * 40)),
        value: rand() < 0.1 ? null : randomBytes(rand, Math.floor(rand() * 400)),
        headers: rand() < 0.5 ? [] : [{ key: `h${i}`, value: randomBytes(rand, 5) }],
        timestamp: T0 + Math.floor(rand() * 20000) - 10000,
      }),
    ),
  },
];

/** kafkajs takes headers as an object; repeated keys become arrays (keys here are never integer-like). */
function kafkajsHeaders(headers: BrookRecord['headers']): Record<string, Buffer | Buffer[]> {
  const out: Record<string, Buffer[]> = {};
  for (const h of headers) (out[h.key] ??= []).push(h.value!);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
}

async function kafkajsEncode(c: Case, baseOffset: number, partitionLeaderEpoch: number): Promise<Buffer> {
  const base = c.records[0]!.timestamp;
  const encoder = await kafkajs.RecordBatch({
    compression: 0,
    firstOffset: baseOffset,
    firstTimestamp: base,
    maxTimestamp: Math.max(...c.records.map((r) => r.timestamp)),
    partitionLeaderEpoch,
    lastOffsetDelta: c.records.length - 1,
    transactional: c.producer?.isTransactional ?? false,
    producerId: c.producer?.producerId ?? -1,
    producerEpoch: c.producer?.producerEpoch ?? -1,
    firstSequence: c.producer?.baseSequence ?? -1,
    records: c.records.map((r, i) =>
      kafkajs.Record({ offsetDelta: i, timestampDelta: r.timestamp - base, key: r.key, value: r.value, headers: kafkajsHeaders(r.headers) }),
    ),
  });
  return encoder.buffer;
}

describe('byte compatibility with kafkajs', () => {
  for (const c of cases) {
    it(`${c.name}: identical bytes, decoded both ways`, async () => {
      const ours = encodeRecordBatch(c.records, { baseOffset: 77, partitionLeaderEpoch: 5, ...c.producer });
      const theirs = await kafkajsEncode(c, 77, 5);
      expect(ours.equals(theirs)).toBe(true);

      // Ours decodes theirs.
      const decoded = decodeRecordBatch(theirs).records;
      expect(decoded).toEqual(c.records.map((r, i) => ({ ...r, offset: 77 + i })));

      // Theirs decodes ours.
      const batch = await kafkajs.decodeBatch(new kafkajs.Decoder(ours));
      expect(batch.firstOffset).toBe('77');
      expect(batch.inTransaction).toBe(c.producer?.isTransactional ?? false);
      expect(batch.producerId).toBe(String(c.producer?.producerId ?? -1));
      expect(
        batch.records.map((r: any) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers })),
      ).toEqual(
        c.records.map((r, i) => ({
          offset: String(77 + i),
          timestamp: String(r.timestamp),
          key: r.key,
          value: r.value,
          headers: kafkajsHeaders(r.headers),
        })),
      );
    });
  }
});
