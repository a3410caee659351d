import { describe, expect, it } from 'vitest';
import { runMaintenance } from '../../lib/maintenance/run';
import { mergeSmallObjects } from '../../lib/maintenance/merge-small-objects';
import { getStableHead } from '../../lib/transactions/stable-head';
import { readAborted } from '../../lib/transactions/aborted-index';
import { readCommitted } from '../../lib/transactions/read-committed';
import { call, isolatedBroker, testBroker, type TestBroker } from '../support/broker';
import { C, txnClient } from './helpers';

const markers = async (t: TestBroker, topic: string) => {
  const { topicId } = await t.broker.topics.get(topic);
  return (await readAborted(t.broker, topicId, 0, 0, 1e15)).map((a) => [a.firstOffset, a.lastOffset]);
};
const plain = (t: TestBroker, topic: string, value: string) => call(t.app, 'POST', `${C}/topics/${topic}/records`, { partition_id: 0, value: { type: 'STRING', data: value } });
const deleteRecords = (t: TestBroker, topic: string, offset: number) => call(t.app, 'POST', `${C}/topics/${topic}/partitions/0/records:delete`, { offset });

describe('the aborted-transactions index follows the log start', () => {
  const t = testBroker();
  const tx = txnClient(t);

  it('DeleteRecords drops entries whose abort marker is below the new log start, and keeps one whose transaction straddles it', async () => {
    const topic = await tx.topic(1);
    const p = await tx.init();
    // 0: aborted a1 | 1: plain | 2: aborted a2 (same transaction) | 3: abort marker
    await tx.add(p, [[topic, 0]]);
    await tx.send(p, topic, { 0: ['a1'] });
    expect((await plain(t, topic, 'p1')).status).toBe(200);
    await tx.send(p, topic, { 0: ['a2'] });
    expect((await tx.end(p, false)).json.state).toBe('CompleteAbort');
    // 4: aborted b1 | 5: abort marker | 6: committed c1 | 7: commit marker
    await tx.add(p, [[topic, 0]]);
    await tx.send(p, topic, { 0: ['b1'] });
    await tx.end(p, false);
    await tx.add(p, [[topic, 0]]);
    await tx.send(p, topic, { 0: ['c1'] });
    await tx.end(p, true);
    expect(await markers(t, topic)).toEqual([[0, 3], [4, 5]]);

    // Log start 1: the first transaction began below it but a2 (offset 2) is still readable, so its entry stays.
    expect((await deleteRecords(t, topic, 1)).json.low_watermark).toBe(1);
    expect(await markers(t, topic)).toEqual([[0, 3], [4, 5]]);
    const from1 = await call(t.app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=1&max_wait_ms=0&value_format=STRING&isolation_level=read_committed`);
    expect(from1.json.data.map((r: any) => r.value.data)).toEqual(['p1', 'c1']);

    // Log start 4: the first abort marker (3) is below it; b1's (5) is not, and b1 is still filtered.
    await deleteRecords(t, topic, 4);
    expect(await markers(t, topic)).toEqual([[4, 5]]);
    expect((await call(t.app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=3&isolation_level=read_committed`)).status).toBe(416);
    const from4 = await call(t.app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=4&max_wait_ms=0&value_format=STRING&isolation_level=read_committed`);
    expect(from4.json.data.map((r: any) => r.value.data)).toEqual(['c1']);

    // Up to the high watermark: nothing left to filter, nothing left in the index.
    expect((await deleteRecords(t, topic, -1)).json.low_watermark).toBe(8);
    expect(await markers(t, topic)).toEqual([]);
  });

  it('a read_committed fetch whose head was read before the log start moved answers OFFSET_OUT_OF_RANGE, never an aborted batch', async () => {
    const topic = await tx.topic(1);
    const p = await tx.init();
    // 0: aborted x | 1: abort marker | 2: plain — merged into ONE index entry that straddles log start 2.
    await tx.add(p, [[topic, 0]]);
    await tx.send(p, topic, { 0: ['x'] });
    await tx.end(p, false);
    await plain(t, topic, 'after');
    const { topicId } = await t.broker.topics.get(topic);
    const stale = await getStableHead(t.broker, topic, topicId, 0);
    expect((await mergeSmallObjects(t.broker, topic, stale, { minAgeMs: 0 })).entriesReplaced).toBe(3);

    // The fetch read its head here; then DeleteRecords moves the log start and trims marker 1.
    await deleteRecords(t, topic, 2);
    expect(await markers(t, topic)).toEqual([]);
    const req = { topic, partition: 0, offset: 0, isolationLevel: 'read_committed' as const };
    await expect(readCommitted(t.broker, req, stale)).rejects.toMatchObject({ errorName: 'OFFSET_OUT_OF_RANGE' });
    // From the new log start the merged entry is read whole; its aborted batch lies below the offset asked for.
    const fresh = await readCommitted(t.broker, { ...req, offset: 2 }, await getStableHead(t.broker, topic, topicId, 0));
    expect(fresh.nextOffset).toBe(3);
  });
});

describe('retention trims the aborted-transactions index', () => {
  it('a maintenance pass that moves the log start past abort markers deletes their entries and says how many', async () => {
    const t = await isolatedBroker();
    const tx = txnClient(t);
    const topic = await tx.topic(1);
    expect((await call(t.app, 'POST', `${C}/topics/${topic}/configs:alter`, { data: [{ name: 'retention.ms', value: '3600000' }] })).status).toBe(204);
    const p = await tx.init();
    for (const commit of [false, false, true]) {
      await tx.add(p, [[topic, 0]]);
      await tx.send(p, topic, { 0: ['v'] });
      await tx.end(p, commit);
    }
    expect(await markers(t, topic)).toEqual([[0, 1], [2, 3]]);
    expect((await runMaintenance(t.broker, { now: Date.now() + 60_000, merge: false })).abortedEntriesDeleted).toBe(0);
    const report = await runMaintenance(t.broker, { now: Date.now() + 2 * 3_600_000, merge: false });
    expect(report).toMatchObject({ partitionsTrimmed: 1, abortedEntriesDeleted: 2 });
    expect(await markers(t, topic)).toEqual([]);
  });
});
