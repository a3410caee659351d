import { describe, expect, it } from 'vitest';
import { runMaintenance } from '../../lib/maintenance/run';
import { casTxn, readTxn } from '../../lib/transactions/txn-store';
import { isolatedBroker, testBroker } from '../support/broker';
import { txnClient } from './helpers';

describe('transactions: fencing and recovery', () => {
  const t = testBroker();
  const tx = txnClient(t);

  it('a second producer with the same transactional id fences the first and aborts its open transaction', async () => {
    const topic = await tx.topic(2);
    const zombie = await tx.init();
    await tx.add(zombie, [[topic, 0], [topic, 1]]);
    await tx.send(zombie, topic, { 0: ['z0'] });
    const fresh = await tx.init(zombie.tid);
    expect(fresh.pid).toBe(zombie.pid);
    expect(fresh.epoch).toBeGreaterThan(zombie.epoch);
    expect((await tx.read(topic, 0, 'read_committed')).values).toEqual([]);
    expect((await tx.read(topic, 0, 'read_committed')).lso).toBe(2); // z0 and its abort marker

    t.counter.reset();
    const send = await tx.send(zombie, topic, { 1: ['late'] });
    expect(send.status).toBe(409);
    expect(send.json.error_name).toBe('PRODUCER_FENCED');
    expect(t.counter.get('s3:PutObject') + t.counter.get('dynamodb:TransactWriteItems')).toBe(0);
    const commit = await tx.end(zombie, true);
    expect(commit.status).toBe(409);
    expect(commit.json).toMatchObject({ error_name: 'PRODUCER_FENCED', kafka_error_code: 90 });
    expect((await tx.add(zombie, [[topic, 1]])).json.error_name).toBe('PRODUCER_FENCED');

    await tx.add(fresh, [[topic, 1]]);
    expect((await tx.send(fresh, topic, { 1: ['ok'] })).json.data[0].error_code).toBe(0);
    expect((await tx.end(fresh, true)).status).toBe(200);
    expect((await tx.read(topic, 1, 'read_committed')).values).toEqual(['ok']);
    expect((await tx.read(topic, 0, 'read_uncommitted')).values).toEqual(['z0']);
  });

  it('a crash between PrepareCommit and the markers is completed by the next InitProducerId', async () => {
    const topic = await tx.topic(2);
    const p = await tx.init();
    await tx.add(p, [[topic, 0], [topic, 1]]);
    await tx.send(p, topic, { 0: ['a'], 1: ['b'] });
    await tx.offsets(p, 'g-crash', [[topic, 1, 1]]);
    // EndTxn's first write, then the process dies.
    const txn = (await readTxn(t.broker, p.tid))!;
    expect((await casTxn(t.broker, txn, { ...txn, state: 'PrepareCommit', updatedAt: Date.now() })).ok).toBe(true);
    expect((await tx.read(topic, 0, 'read_committed')).values).toEqual([]);
    expect((await tx.add(p, [[topic, 0]])).json.error_name).toBe('CONCURRENT_TRANSACTIONS');

    const next = await tx.init(p.tid);
    expect(next.epoch).toBe(p.epoch + 1);
    expect((await tx.read(topic, 0, 'read_committed')).values).toEqual(['a']);
    expect((await tx.read(topic, 1, 'read_committed')).values).toEqual(['b']);
    expect(await tx.committed('g-crash', topic)).toEqual([-1, 1]);
    expect((await readTxn(t.broker, p.tid))!.state).toBe('Empty');
  });

  it('bad input is a clear 4xx that writes nothing', async () => {
    const topic = await tx.topic(2);
    const p = await tx.init();
    t.counter.reset();
    const endNone = await tx.end(p, true);
    expect(endNone.status).toBe(409);
    expect(endNone.json).toMatchObject({ error_name: 'INVALID_TXN_STATE', kafka_error_code: 48 });
    const unknown = await tx.end({ ...p, tid: 'never-initialised' }, false);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error_name: 'TRANSACTIONAL_ID_NOT_FOUND', kafka_error_code: 105 });
    expect((await tx.send(p, topic, { 0: ['no-txn'] })).json.error_name).toBe('INVALID_TXN_STATE');
    await tx.add(p, [[topic, 0]]);
    t.counter.reset();
    const notAdded = await tx.send(p, topic, { 1: ['x'] });
    expect(notAdded.status).toBe(409);
    expect(notAdded.json.error_name).toBe('INVALID_TXN_STATE');
    expect(notAdded.json.message).toMatch(/not added/);
    const wrongPid = await tx.add({ ...p, pid: p.pid + 1 }, [[topic, 1]]);
    expect(wrongPid.json).toMatchObject({ error_name: 'INVALID_PRODUCER_ID_MAPPING', kafka_error_code: 49 });
    const noId = await t.app.request(`http://brook.test/v3/clusters/brook-local/batches`, { method: 'POST', headers: { 'content-type': 'application/vnd.brook.batches' }, body: new Uint8Array(0) });
    expect(noId.status).toBe(400);
    const badTimeout = await t.app.request('http://brook.test/v3/clusters/brook-local/producers', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ transactional_id: 'x', transaction_timeout_ms: 0 }) });
    expect(((await badTimeout.json()) as any).error_name).toBe('INVALID_TRANSACTION_TIMEOUT');
    expect(t.counter.get('s3:PutObject') + t.counter.get('dynamodb:TransactWriteItems')).toBe(0);
    expect((await tx.read(topic, 1, 'read_uncommitted')).hwm).toBe(0);
  });

  it('counts the requests of a whole transaction', async () => {
    const topic = await tx.topic(3);
    await t.broker.topics.forPartition(topic, 0); // a warm topic cache
    t.counter.reset();
    const p = await tx.init();
    const init = t.counter.snapshot();
    t.counter.reset();
    await tx.add(p, [[topic, 0], [topic, 1], [topic, 2]]);
    await tx.send(p, topic, { 0: ['a'], 1: ['b'], 2: ['c'] });
    await t.broker.background.settled(); // else a head read may find the hint not yet moved, and walk the index
    await tx.offsets(p, 'g-count', [[topic, 0, 0]]);
    await tx.end(p, true);
    // Warm topic cache. Init (new id): GetItem + counter UpdateItem + one-item transaction.
    expect(init).toEqual({ 'dynamodb:GetItem': 1, 'dynamodb:TransactWriteItems': 1, 'dynamodb:UpdateItem': 1 });
    await t.broker.background.settled(); // the hint updates follow the answer
    // add: Get + Transact; send: Get txn + 3 × (Get producer state, reserve, publish, hint); offsets: BatchGet + Get + Transact;
    // end: Get + Transact (prepare) + 3 Get heads + PUT + 3 reserve + Transact + 3 hint.
    expect(t.counter.snapshot()).toEqual({
      'dynamodb:BatchGetItem': 1,
      'dynamodb:GetItem': 1 + 4 + 1 + 4,
      'dynamodb:UpdateItem': 6 + 6,
      'dynamodb:TransactWriteItems': 1 + 3 + 1 + 2,
      's3:PutObject': 2,
    });
  });
});

describe('transactions: timeout', () => {
  it('maintenance aborts a transaction past transaction.timeout.ms and fences its producer', async () => {
    const t = await isolatedBroker();
    const tx = txnClient(t);
    const topic = await tx.topic(1);
    const p = await tx.init(undefined, 1000);
    await tx.add(p, [[topic, 0]]);
    await tx.send(p, topic, { 0: ['stale'] });
    expect((await runMaintenance(t.broker, { merge: false })).transactionsAborted).toBe(0);
    const report = await runMaintenance(t.broker, { now: Date.now() + 5000, merge: false });
    expect(report.transactionsAborted).toBe(1);
    const r = await tx.read(topic, 0, 'read_committed');
    expect(r.values).toEqual([]);
    expect(r.lso).toBe(r.hwm);
    expect((await tx.end(p, true)).json.error_name).toBe('PRODUCER_FENCED');
  });
});
