import { describe, expect, it } from 'vitest';
import { testBroker } from '../support/broker';
import { txnClient } from './helpers';

describe('transactions: commit and abort', () => {
  const t = testBroker();
  const tx = txnClient(t);

  it('a committed transaction over 3 partitions and a group\'s offsets becomes visible all at once', async () => {
    const topic = await tx.topic(3);
    const input = await tx.topic(1);
    const p = await tx.init();
    expect((await tx.add(p, [[topic, 0], [topic, 1], [topic, 2]])).json.state).toBe('Ongoing');
    const sent = await tx.send(p, topic, { 0: ['a0', 'a1'], 1: ['b0'], 2: ['c0'] });
    expect(sent.json.data.map((d: any) => d.error_code)).toEqual([0, 0, 0]);
    await tx.send(p, topic, { 0: ['a2'] });
    expect((await tx.offsets(p, 'g-commit', [[input, 0, 0]])).status).toBe(200);

    for (const partition of [0, 1, 2]) {
      const committed = await tx.read(topic, partition, 'read_committed');
      expect(committed.values).toEqual([]);
      expect(committed.lso).toBe(0); // the open transaction's first offset
      expect(committed.next).toBe(0);
      expect((await tx.read(topic, partition, 'read_uncommitted')).values.length).toBeGreaterThan(0);
    }
    expect(await tx.committed('g-commit', input)).toEqual([-1]);

    t.counter.reset();
    const end = await tx.end(p, true);
    expect(end.status, end.text).toBe(200);
    expect(end.json.state).toBe('CompleteCommit');
    await t.broker.background.settled(); // the hint updates follow the answer
    // EndTxn: read the item, prepare, read 3 heads, one PUT of the marker, reserve 3 marker offsets,
    // one transaction for everything, then 3 updates of the publishedThrough hint (RFC 0003).
    expect(t.counter.snapshot()).toEqual({ 'dynamodb:GetItem': 4, 'dynamodb:TransactWriteItems': 2, 'dynamodb:UpdateItem': 6, 's3:PutObject': 1 });

    expect((await tx.read(topic, 0, 'read_committed')).values).toEqual(['a0', 'a1', 'a2']);
    expect((await tx.read(topic, 1, 'read_committed')).values).toEqual(['b0']);
    expect((await tx.read(topic, 2, 'read_committed')).values).toEqual(['c0']);
    const after = await tx.read(topic, 0, 'read_committed');
    expect(after.lso).toBe(after.hwm); // the marker took offset 3; nothing is open
    expect(after.hwm).toBe(4);
    expect(await tx.committed('g-commit', input)).toEqual([0]);
    // A retry of the EndTxn whose answer was lost is answered, not refused.
    expect((await tx.end(p, true)).status).toBe(200);
  });

  it('an aborted transaction is never returned to read_committed; read_uncommitted sees the data, never the markers', async () => {
    const topic = await tx.topic(1);
    const p = await tx.init();
    await tx.add(p, [[topic, 0]]);
    await tx.send(p, topic, { 0: ['x1', 'x2'] });
    await tx.offsets(p, 'g-abort', [[topic, 0, 2]]);
    const end = await tx.end(p, false);
    expect(end.json.state).toBe('CompleteAbort');
    // The next transaction of the same producer commits.
    await tx.add(p, [[topic, 0]]);
    await tx.send(p, topic, { 0: ['y1'] });
    expect((await tx.end(p, true)).status).toBe(200);

    expect((await tx.read(topic, 0, 'read_committed')).values).toEqual(['y1']);
    const all = await tx.read(topic, 0, 'read_uncommitted');
    expect(all.values).toEqual(['x1', 'x2', 'y1']);
    expect(all.hwm).toBe(5); // x1 x2 abort-marker y1 commit-marker
    expect(await tx.committed('g-abort', topic)).toEqual([-1]);

    // The binary multi-partition fetch: control batches stay (clients skip them), aborted batches go.
    const res = await t.app.request('http://brook.test/v3/clusters/brook-local/fetch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ isolation_level: 'read_committed', max_wait_ms: 0, partitions: [{ topic_name: topic, partition_id: 0, offset: 0 }] }),
    });
    const { decodeFetchResponse } = await import('../../lib/http/fetch-frames');
    const { splitBatches } = await import('../../lib/log/record-batch');
    const [part] = decodeFetchResponse(Buffer.from(await res.arrayBuffer()));
    const headers = splitBatches(part!.batches).map((b) => `${b.header.baseOffset}${b.header.isControlBatch ? 'c' : ''}`);
    expect(headers).toEqual(['2c', '3', '4c']);
    expect(part).toMatchObject({ high_watermark: 5, last_stable_offset: 5, next_offset: 5 });
  });

  it('keeps the LSO at the first open transaction\'s first offset while it is open', async () => {
    const topic = await tx.topic(1);
    const a = await tx.init();
    const b = await tx.init();
    await tx.add(a, [[topic, 0]]);
    await tx.add(b, [[topic, 0]]);
    await tx.send(b, topic, { 0: ['b1'] }); // offset 0
    await tx.send(a, topic, { 0: ['a1'] }); // offset 1
    await tx.send(b, topic, { 0: ['b2'] }); // offset 2
    expect((await tx.read(topic, 0, 'read_committed')).lso).toBe(0);
    await tx.end(b, true); // marker at 3; a is still open from 1
    let r = await tx.read(topic, 0, 'read_committed');
    expect(r.lso).toBe(1);
    expect(r.values).toEqual(['b1']);
    await tx.end(a, false); // marker at 4
    r = await tx.read(topic, 0, 'read_committed');
    expect(r.lso).toBe(5);
    expect(r.values).toEqual(['b1', 'b2']);
  });
});
