// The producer's pieces on their own: accumulator sizes and drains, sequence numbers.
import { describe, expect, it } from 'vitest';
import { encodeRecordBatch, type BrookRecord } from '../../lib/log/record-batch';
import { RecordAccumulator } from '../../lib/client/producer/accumulator';
import { Sequences } from '../../lib/client/producer/sequence';

const rec = (value: string, timestamp = 1_700_000_000_000): BrookRecord => ({ key: null, value: Buffer.from(value), headers: [{ key: 'h', value: null }], timestamp });

describe('RecordAccumulator', () => {
  it('knows each batch’s encoded size exactly and starts a new batch at batchSize', () => {
    const acc = new RecordAccumulator({ batchSize: 1000, lingerMs: 100, maxRequestSize: 10_000 });
    const placed = Array.from({ length: 40 }, (_, i) => acc.append('t', 0, rec(`value-${i}`.repeat(i % 4), 1_700_000_000_000 + i * 7919), 0, 0));
    const batches = acc.batches();
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) {
      expect(encodeRecordBatch(b.records).length).toBe(b.size);
      expect(b.size).toBeLessThanOrEqual(1000);
    }
    expect(batches.slice(0, -1).every((b) => b.sealed)).toBe(true);
    expect(placed[0]!.index).toBe(0);
  });

  it('is ready after lingerMs, when full, or when flushing; a drain takes one batch per partition', () => {
    const acc = new RecordAccumulator({ batchSize: 1000, lingerMs: 100, maxRequestSize: 10_000 });
    acc.append('t', 0, rec('a'), 0, 1000);
    acc.append('t', 1, rec('b'), 0, 1050);
    expect(acc.ready(1050, false)).toEqual({ ready: false, wakeAt: 1100 });
    expect(acc.ready(1050, true).ready).toBe(true);
    expect(acc.ready(1100, false).ready).toBe(true);
    // The drain takes partition 1 too although it has not lingered: one request, one S3 object.
    const drained = acc.drain(1100);
    expect(drained.map((b) => b.partition).sort()).toEqual([0, 1]);
    expect(drained.every((b) => b.inFlight && b.sealed)).toBe(true);
    // In flight: the partition waits; a new append opens a new batch behind it.
    acc.append('t', 0, rec('c'), 0, 1100);
    expect(acc.drain(5000)).toEqual([]);
    acc.remove(drained[0]!);
    expect(acc.drain(5000).map((b) => b.records[0]!.value!.toString())).toEqual(['c']);
  });

  it('keeps a request under maxRequestSize and sends a solo batch alone', () => {
    const acc = new RecordAccumulator({ batchSize: 1000, lingerMs: 0, maxRequestSize: 700 });
    for (let p = 0; p < 3; p++) acc.append('t', p, rec('x'.repeat(250)), 0, 0);
    expect(acc.drain(0)).toHaveLength(2);
    const [b] = acc.batches().filter((x) => !x.inFlight);
    b!.solo = true;
    for (const x of acc.batches()) x.inFlight = false;
    expect(acc.drain(0)).toHaveLength(2); // not the solo one: it leads its own request
    for (const x of acc.batches()) x.inFlight = false;
    expect(acc.drain(0).filter((x) => x.solo)).toHaveLength(1);
  });
});

describe('Sequences', () => {
  it('takes a new producer id rather than wrap past 2^31 - 1 (the server does not wrap)', async () => {
    let next = 1;
    const seq = new Sequences(async () => ({ producerId: next++, producerEpoch: 0 }));
    expect((await seq.assign('p', 0x7ffffff0)).baseSequence).toBe(0);
    expect(await seq.assign('p', 0x0f)).toEqual({ producerId: 1, producerEpoch: 0, baseSequence: 0x7ffffff0 }); // last sequence 2^31 - 2
    expect(await seq.assign('p', 0x01)).toEqual({ producerId: 1, producerEpoch: 0, baseSequence: 0x7fffffff }); // last sequence 2^31 - 1
    expect(await seq.assign('p', 0x01)).toEqual({ producerId: 2, producerEpoch: 0, baseSequence: 0 });
  });

  it('assigns per partition, rolls back the last batch, and restarts from 0 under a new id after a bump', async () => {
    let next = 10;
    const seq = new Sequences(async () => ({ producerId: next++, producerEpoch: 0 }));
    const a = await seq.assign('p0', 3);
    const b = await seq.assign('p0', 2);
    expect([a.baseSequence, b.baseSequence, (await seq.assign('p1', 1)).baseSequence]).toEqual([0, 3, 0]);
    expect(seq.rollback('p0', a, 3)).toBe(false); // not the last one assigned
    expect(seq.rollback('p0', b, 2)).toBe(true);
    expect((await seq.assign('p0', 1)).baseSequence).toBe(3);
    seq.bump(a);
    seq.bump(a); // a second failure of the same id does not bump again
    const c = await seq.assign('p0', 1);
    expect(c).toEqual({ producerId: 11, producerEpoch: 0, baseSequence: 0 });
  });
});
