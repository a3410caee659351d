import { describe, expect, it } from 'vitest';
import { murmur2 } from '../../../lib/log/murmur2';
import { StickyPartitioner, partitionForKey } from '../../../lib/log/partitioner';
import { kafkajs, prng, randomBytes } from './helpers';

const COUNTS = [1, 3, 12, 100];

describe('murmur2', () => {
  it('matches the vectors in Kafka UtilsTest.testMurmur2', () => {
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key)), key).toBe(hash);
  });

  it('matches kafkajs for 1,000 random keys of every tail length', () => {
    const rand = prng(42);
    for (let i = 0; i < 1000; i++) {
      const key = randomBytes(rand, i < 64 ? i : Math.floor(rand() * 200));
      expect(murmur2(key), key.toString('hex')).toBe(kafkajs.murmur2(key));
    }
  });
});

describe('partitionForKey', () => {
  const kafkajsPartition = (key: Buffer, numPartitions: number) =>
    kafkajs.DefaultPartitioner()({
      topic: 't',
      partitionMetadata: Array.from({ length: numPartitions }, (_, partitionId) => ({ partitionId, leader: 0 })),
      message: { key },
    });

  it('agrees with the kafkajs DefaultPartitioner (Java compatible)', () => {
    const rand = prng(43);
    const known = ['', '21', 'foobar', 'abc', 'user-1', 'user-2', 'order:2024-01-01', '🔑', 'a-little-bit-longer-string'];
    const keys = [...known.map((k) => Buffer.from(k)), ...Array.from({ length: 1000 }, () => randomBytes(rand, 1 + Math.floor(rand() * 64)))];
    for (const key of keys) {
      for (const n of COUNTS) expect(partitionForKey(key, n), `${key.toString('hex')} / ${n}`).toBe(kafkajsPartition(key, n));
    }
  });

  it('uses toPositive (mask the sign bit), not Math.abs', () => {
    // murmur2("foobar") = -790332482; & 0x7fffffff = 1357151166; Math.abs would give 790332482.
    expect(partitionForKey(Buffer.from('foobar'), 12)).toBe(6);
    expect(partitionForKey(Buffer.from('foobar'), 100)).toBe(66);
  });

  it('rejects a non-positive partition count', () => {
    expect(() => partitionForKey(Buffer.from('k'), 0)).toThrow(RangeError);
  });
});

describe('StickyPartitioner', () => {
  it('sticks to one partition per topic until its batch completes', () => {
    const sp = new StickyPartitioner(prng(1));
    const first = sp.partition('a', 12);
    for (let i = 0; i < 50; i++) expect(sp.partition('a', 12)).toBe(first);
    sp.onNewBatch('a', first);
    const second = sp.partition('a', 12);
    expect(second).not.toBe(first);
    for (let i = 0; i < 50; i++) expect(sp.partition('a', 12)).toBe(second);
  });

  it('never re-picks the completed partition, even if the random source would', () => {
    const sp = new StickyPartitioner(() => 0.5); // always the middle
    expect(sp.partition('t', 3)).toBe(1);
    sp.onNewBatch('t', 1);
    expect(sp.partition('t', 3)).not.toBe(1);
  });

  it('ignores a stale onNewBatch and keeps topics independent', () => {
    const sp = new StickyPartitioner(prng(2));
    const a = sp.partition('a', 100);
    const b = sp.partition('b', 100);
    sp.onNewBatch('a', (a + 1) % 100); // someone else's old partition
    expect(sp.partition('a', 100)).toBe(a);
    sp.onNewBatch('a', a);
    sp.partition('a', 100);
    expect(sp.partition('b', 100)).toBe(b);
  });

  it('stays in range: a single partition, and a shrinking topic', () => {
    const sp = new StickyPartitioner(() => 0.999999);
    expect(sp.partition('t', 1)).toBe(0);
    sp.onNewBatch('t', 0);
    expect(sp.partition('t', 1)).toBe(0);
    expect(sp.partition('u', 100)).toBe(99);
    expect(sp.partition('u', 10)).toBe(9);
  });

  it('spreads over all partitions as batches complete', () => {
    const sp = new StickyPartitioner(prng(3));
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const p = sp.partition('t', 12);
      seen.add(p);
      sp.onNewBatch('t', p);
    }
    expect(seen.size).toBe(12);
  });
});
