import { describe, expect, it } from 'vitest';
import { produce } from '../../lib/broker/produce';
import { testBroker } from '../support/broker';
import { txnClient } from './helpers';

/** Transactions beside a range reserved but not yet published (docs/rfcs/0003-hot-partitions.md). */
describe('transactions and unpublished ranges', () => {
  it('chaos seed 2: an abort whose marker lies past an unpublished range hides its records from read_committed', async () => {
    const t = testBroker();
    const tx = txnClient(t);
    const topic = await tx.topic(1);
    const p = await tx.init();
    expect((await tx.add(p, [[topic, 0]])).status).toBe(200);
    expect((await tx.send(p, topic, { 0: ['ABORTED'] })).status).toBe(200); // offset 0

    // A plain writer reserves offset 1 and is held before its publish until we let it go.
    const slow = testBroker();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let reserved!: () => void;
    const inPublish = new Promise<void>((r) => (reserved = r));
    slow.faults.add({ service: 'dynamodb', command: 'PutItem', mode: 'intercept', times: 1, intercept: async () => (reserved(), held) });
    const slowWrite = produce(slow.broker, [{ topic, partition: 0, records: [{ key: null, value: Buffer.from('slow'), headers: [], timestamp: Date.now() }] }]);
    await inPublish;

    expect((await tx.end(p, false)).status).toBe(200); // the abort marker takes offset 2, past the gap at 1
    const during = await tx.read(topic, 0, 'read_committed');
    expect(during.values).toEqual([]);
    expect([during.hwm, during.lso]).toEqual([1, 1]);
    expect((await tx.read(topic, 0, 'read_uncommitted')).values).toEqual(['ABORTED']);

    release();
    expect((await slowWrite)[0]).toMatchObject({ baseOffset: 1 });
    const after = await tx.read(topic, 0, 'read_committed');
    expect(after.values).toEqual(['slow']);
    expect([after.hwm, after.lso]).toEqual([3, 3]);
  });

  it('a batch whose transaction ended between its check and its reservation leaves no open transaction behind', async () => {
    const t = testBroker();
    const tx = txnClient(t);
    const other = txnClient(testBroker());
    const topic = await tx.topic(1);
    const p = await tx.init();
    expect((await tx.add(p, [[topic, 0]])).status).toBe(200);
    expect((await tx.send(p, topic, { 0: ['kept-out'] })).status).toBe(200); // offset 0
    // The next batch passes its transaction check; before it reserves, the transaction is aborted.
    t.faults.add({ service: 'dynamodb', command: 'UpdateItem', mode: 'intercept', times: 1, intercept: async () => void expect((await other.end(p, false)).status).toBe(200) });
    const late = await tx.send(p, topic, { 0: ['late'] });
    expect(JSON.stringify(late.json)).toContain('INVALID_TXN_STATE');
    const read = await tx.read(topic, 0, 'read_committed');
    expect(read.values).toEqual([]);
    expect([read.hwm, read.lso]).toEqual([3, 3]); // record, abort marker, the late batch's given-up offset
  });

  it('chaos seed 19: a transactional batch reserved after the head was read stays past the LSO of that read', async () => {
    const t = testBroker();
    const tx = txnClient(t);
    const topic = await tx.topic(1);
    const p = await tx.init();
    expect((await tx.add(p, [[topic, 0]])).status).toBe(200);
    // A plain writer reserves offset 0 and is held, so the next head read must walk the index.
    const plain = testBroker();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inPublish!: () => void;
    const reserved = new Promise<void>((r) => (inPublish = r));
    plain.faults.add({ service: 'dynamodb', command: 'PutItem', mode: 'intercept', times: 1, intercept: async () => (inPublish(), held) });
    const plainWrite = produce(plain.broker, [{ topic, partition: 0, records: [{ key: null, value: Buffer.from('plain'), headers: [], timestamp: Date.now() }] }]);
    await reserved;
    // The reader reads the head item (counter 1, no open transaction); before its walk of the
    // index, the plain write lands and a transactional batch reserves offset 1 and publishes it.
    const reader = testBroker();
    reader.faults.add({
      service: 'dynamodb',
      command: 'Query',
      mode: 'intercept',
      times: 1,
      intercept: async () => {
        release();
        await plainWrite;
        expect((await tx.send(p, topic, { 0: ['open'] })).status).toBe(200);
      },
    });
    const read = await txnClient(reader).read(topic, 0, 'read_committed');
    expect(read.values).toEqual(['plain']);
    expect(read.lso).toBe(1);
    expect((await tx.read(topic, 0, 'read_committed')).lso).toBe(1); // the open transaction's first offset
    expect((await tx.end(p, false)).status).toBe(200);
    expect((await tx.read(topic, 0, 'read_committed')).values).toEqual(['plain']);
  });
});
