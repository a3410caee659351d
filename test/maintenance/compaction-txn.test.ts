import { describe, expect, it } from 'vitest';
import { encodeFrames } from '../../lib/http/batch-frames';
import { decodeRecordBatch, encodeRecordBatch, splitBatches } from '../../lib/log/record-batch';
import { mergeSmallObjects } from '../../lib/maintenance/merge-small-objects';
import { runMaintenance } from '../../lib/maintenance/run';
import { getStableHead } from '../../lib/transactions/stable-head';
import { call, isolatedBroker, uniqueTopic } from '../support/broker';
import { C, txnClient, type TxnProducer } from '../transactions/helpers';

type KV = [key: string, value: string | null];
const str = (s: string | null) => (s === null ? null : { type: 'STRING', data: s });
const LATER = () => Date.now() + 120_000;

/** A compacted topic (1 partition) with a plain and a keyed transactional producer. */
async function compacted(extra: Array<{ name: string; value: string }> = []) {
  const t = await isolatedBroker();
  const tx = txnClient(t);
  const topic = uniqueTopic('compact-txn');
  expect((await call(t.app, 'POST', `${C}/topics`, { topic_name: topic, configs: [{ name: 'cleanup.policy', value: 'compact' }, ...extra] })).status).toBe(201);
  const plain = async (key: string, value: string | null) => expect((await call(t.app, 'POST', `${C}/topics/${topic}/records`, { key: str(key), value: str(value) })).status).toBe(200);
  /** One transactional batch of keyed records (the raw helper's send() writes keyless ones). */
  const send = async (p: TxnProducer, records: KV[]) => {
    const baseSequence = p.seq.get(`${topic}#0`) ?? 0;
    p.seq.set(`${topic}#0`, baseSequence + records.length);
    const batches = encodeRecordBatch(
      records.map(([k, v]) => ({ key: Buffer.from(k), value: v === null ? null : Buffer.from(v), headers: [], timestamp: Date.now() })),
      { producerId: p.pid, producerEpoch: p.epoch, baseSequence, isTransactional: true },
    );
    const res = await call(t.app, 'POST', `${C}/batches?transactional_id=${p.tid}`, new Uint8Array(encodeFrames([{ topic, partition: 0, batches }])), { 'content-type': 'application/vnd.brook.batches' });
    expect(res.status, res.text).toBe(200);
  };
  const txn = async (p: TxnProducer, records: KV[], end?: boolean) => {
    expect((await tx.add(p, [[topic, 0]])).status).toBe(200);
    await send(p, records);
    if (end !== undefined) expect((await tx.end(p, end)).status).toBe(200);
  };
  const read = async (isolation: 'read_committed' | 'read_uncommitted', offset = 0, maxBytes = 1 << 20) => {
    const res = await call(t.app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=${offset}&max_bytes=${maxBytes}&max_wait_ms=0&key_format=STRING&value_format=STRING&isolation_level=${isolation}`);
    expect(res.status, res.text).toBe(200);
    return { items: res.json.data.map((r: any) => `${r.offset}:${r.key.data}=${r.value?.data ?? 'null'}`), next: res.json.next_offset as number, hwm: res.json.high_watermark as number };
  };
  /** The batches a Kafka client would get: base offset, span, flags, records' offsets. */
  const batches = async () => {
    const res = await call(t.app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=0&max_wait_ms=0`, undefined, { accept: 'application/vnd.kafka.record-batches' });
    return splitBatches(res.bytes).map(({ start }) => {
      const { header: h, records } = decodeRecordBatch(res.bytes, start);
      return { base: h.baseOffset, last: h.baseOffset + h.lastOffsetDelta, control: h.isControlBatch, txn: h.isTransactional, pid: h.producerId, offsets: records.map((r) => r.offset) };
    });
  };
  return { t, tx, topic, plain, txn, read, batches };
}

describe('log compaction of partitions with transactions (Kafka\'s transaction-aware cleaner)', () => {
  it('drops aborted records, compacts committed transactional records by key, keeps markers and offsets', async () => {
    const { t, tx, plain, txn, read, batches } = await compacted();
    await plain('k1', 'a'); // 0
    await plain('k2', 'b'); // 1
    const p = await tx.init();
    await txn(p, [['k1', 'X'], ['k3', 'Y']], false); // 2, 3, abort marker 4
    await txn(p, [['k2', 'c'], ['k4', 'd']], true); // 5, 6, commit marker 7
    await plain('k4', 'e'); // 8
    expect((await read('read_uncommitted')).items).toEqual(['0:k1=a', '1:k2=b', '2:k1=X', '3:k3=Y', '5:k2=c', '6:k4=d', '8:k4=e']);

    const report = await runMaintenance(t.broker, { now: LATER(), merge: false });
    // b (superseded by the committed c), d (by e), and X, Y of the aborted transaction. X never
    // superseded a: a record of an aborted transaction does not count as the latest of its key.
    expect(report).toMatchObject({ recordsCompacted: 4, abortedRecordsCompacted: 2 });
    for (const level of ['read_uncommitted', 'read_committed'] as const) {
      expect(await read(level)).toEqual({ items: ['0:k1=a', '5:k2=c', '8:k4=e'], next: 9, hwm: 9 });
    }
    expect(await batches()).toEqual([
      { base: 0, last: 0, control: false, txn: false, pid: -1, offsets: [0] },
      { base: 4, last: 4, control: true, txn: true, pid: p.pid, offsets: [4] }, // the abort marker stays
      { base: 5, last: 6, control: false, txn: true, pid: p.pid, offsets: [5] }, // still transactional, still spans 5..6
      { base: 7, last: 7, control: true, txn: true, pid: p.pid, offsets: [7] }, // the commit marker stays
      { base: 8, last: 8, control: false, txn: false, pid: -1, offsets: [8] },
    ]);
    expect((await runMaintenance(t.broker, { now: LATER(), merge: false })).recordsCompacted).toBe(0);
  });

  it('compacts only below the last stable offset: an open transaction neither supersedes nor is cleaned, and the rest still is', async () => {
    const { t, tx, plain, txn, read } = await compacted();
    await plain('k', 'v1'); // 0
    await plain('k', 'v2'); // 1
    const p = await tx.init(undefined, 900_000); // outlives the pass's clock: the pass must not abort it as expired
    await txn(p, [['k', 'v3']]); // 2, open: LSO 2
    await plain('k', 'v4'); // 3, above the LSO

    // v1 goes (v2 is the latest below the LSO); v2 stays: v3 may still abort, and v4 lies past the LSO.
    expect((await runMaintenance(t.broker, { now: LATER(), merge: false })).recordsCompacted).toBe(1);
    expect((await read('read_uncommitted')).items).toEqual(['1:k=v2', '2:k=v3', '3:k=v4']);

    await tx.end(p, false); // abort marker 4: everything is stable now
    const report = await runMaintenance(t.broker, { now: LATER(), merge: false });
    expect(report).toMatchObject({ recordsCompacted: 2, abortedRecordsCompacted: 1 });
    expect(await read('read_uncommitted')).toEqual({ items: ['3:k=v4'], next: 5, hwm: 5 });
  });

  it('a merged entry whose last batch goes keeps its last offset: consumers step past the dropped range', async () => {
    const { t, tx, topic, plain, txn, read, batches } = await compacted();
    await plain('x', '1'); // 0
    const p = await tx.init(undefined, 900_000);
    await txn(p, [['y', 'aborted']]); // 1, open
    const { topicId } = await t.broker.topics.get(topic);
    // Merged while the transaction is open: one entry [0, 1] that ends with the transactional batch.
    expect((await mergeSmallObjects(t.broker, topic, await getStableHead(t.broker, topic, topicId, 0), { minAgeMs: 0 })).entriesReplaced).toBe(2);
    await tx.end(p, false); // abort marker 2

    expect((await runMaintenance(t.broker, { now: LATER(), merge: false })).abortedRecordsCompacted).toBe(1);
    expect((await batches())[0]).toEqual({ base: 0, last: 1, control: false, txn: false, pid: -1, offsets: [0] });
    for (const level of ['read_uncommitted', 'read_committed'] as const) {
      expect(await read(level)).toEqual({ items: ['0:x=1'], next: 3, hwm: 3 });
      // One entry per fetch: from inside the dropped range, on to the marker, not back to the same entry.
      expect(await read(level, 1, 1)).toMatchObject({ items: [], next: 2 });
      expect(await read(level, 0, 1)).toMatchObject({ items: ['0:x=1'], next: 2 });
    }
  });

  it('tombstones of committed transactions go after delete.retention.ms, like any', async () => {
    const { t, tx, plain, txn, read } = await compacted([{ name: 'delete.retention.ms', value: '60000' }]);
    await plain('k', 'v'); // 0
    const p = await tx.init();
    await txn(p, [['k', null]], true); // 1, commit marker 2
    await runMaintenance(t.broker, { now: Date.now() + 1_000, merge: false });
    expect((await read('read_committed')).items).toEqual(['1:k=null']);
    await runMaintenance(t.broker, { now: Date.now() + 120_000, merge: false });
    expect(await read('read_committed')).toEqual({ items: [], next: 3, hwm: 3 });
  });
});
