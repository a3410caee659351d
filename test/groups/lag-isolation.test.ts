import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commitOffsets } from '../../lib/broker/commit-offsets';
import { groupLag } from '../../lib/broker/group-lag';
import { readGroup } from '../../lib/metadata/group-store';
import { call, testBroker } from '../support/broker';
import { C, txnClient } from '../transactions/helpers';
import { SETTINGS, T0, TestMember } from './helpers';

const opts = (now: number) => ({ now, settings: SETTINGS });

describe('lag of read_committed consumers is measured to the last stable offset', () => {
  const t = testBroker();
  const tx = txnClient(t);
  const plain = (topic: string, partition: number, n: number) =>
    call(t.app, 'POST', `${C}/topics/${topic}/records:batch`, { entries: Array.from({ length: n }, (_, i) => ({ id: String(i), partition_id: partition, value: { data: i } })) });

  /** Each partition: 3 plain records, then an open transaction of 2 (offsets 3, 4): LSO 3, high watermark 5. */
  async function openTransaction(partitions = 1) {
    const topic = await tx.topic(partitions);
    const all = Array.from({ length: partitions }, (_, i) => i);
    for (const i of all) expect((await plain(topic, i, 3)).status).toBe(207);
    const p = await tx.init();
    await tx.add(p, all.map((i) => [topic, i]));
    expect((await tx.send(p, topic, Object.fromEntries(all.map((i) => [i, ['t0', 't1']])))).status).toBe(200);
    return { topic, p };
  }
  const row = async (groupId: string, now: number, isolationLevel?: 'read_committed' | 'read_uncommitted') => {
    const lag = await groupLag(t.broker, groupId, { ...opts(now), isolationLevel });
    return lag.rows.map((r) => ({ end: r.logEndOffset, lag: r.lag, level: r.isolationLevel }));
  };

  it("a member's isolation_level decides; the group keeps it after the member leaves; ?isolation_level overrides", async () => {
    const { topic, p } = await openTransaction();
    const committed = new TestMember(t.broker, `rc-${randomUUID()}`, [topic], { isolationLevel: 'read_committed' });
    const uncommitted = new TestMember(t.broker, `ru-${randomUUID()}`, [topic], { isolationLevel: 'read_uncommitted' });
    const silent = new TestMember(t.broker, `none-${randomUUID()}`, [topic]); // an older client: says nothing
    for (const m of [committed, uncommitted, silent]) {
      expect((await m.heartbeat(T0)).assignment).toEqual({ [topic]: [0] });
      await commitOffsets(t.broker, m.groupId, { memberId: m.memberId, memberEpoch: m.memberEpoch, offsets: [{ topic, partition: 0, offset: 1 }] }, opts(T0));
    }
    expect((await readGroup(t.broker, committed.groupId)).group!.isolationLevel).toBe('read_committed');
    expect((await readGroup(t.broker, silent.groupId)).group!.isolationLevel).toBeUndefined();
    // Saying the same level again is the steady-state heartbeat: 1 Query + 1 PutItem, no group write.
    t.counter.reset();
    await committed.heartbeat(T0);
    expect(t.counter.snapshot()).toEqual({ 'dynamodb:Query': 1, 'dynamodb:PutItem': 1 });

    expect(await row(committed.groupId, T0 + 1)).toEqual([{ end: 3, lag: 2, level: 'read_committed' }]);
    expect(await row(uncommitted.groupId, T0 + 1)).toEqual([{ end: 5, lag: 4, level: 'read_uncommitted' }]);
    expect(await row(silent.groupId, T0 + 1)).toEqual([{ end: 5, lag: 4, level: 'read_uncommitted' }]);
    expect(await row(committed.groupId, T0 + 1, 'read_uncommitted')).toEqual([{ end: 5, lag: 4, level: 'read_uncommitted' }]);
    expect(await row(silent.groupId, T0 + 1, 'read_committed')).toEqual([{ end: 3, lag: 2, level: 'read_committed' }]);

    // The partition has no owner once the member left: the group's recorded level still applies.
    await committed.leave(T0 + 2);
    expect(await row(committed.groupId, T0 + 3)).toEqual([{ end: 3, lag: 2, level: 'read_committed' }]);

    // The commit marker takes offset 5: the LSO catches up with the high watermark.
    expect((await tx.end(p, true)).status).toBe(200);
    expect(await row(committed.groupId, T0 + 4)).toEqual([{ end: 6, lag: 5, level: 'read_committed' }]);
    expect(await row(uncommitted.groupId, T0 + 4)).toEqual([{ end: 6, lag: 5, level: 'read_uncommitted' }]);
  });

  it('in a mixed group each owned partition is measured at its owner\'s level, the group at read_committed', async () => {
    const { topic } = await openTransaction(2);
    const groupId = `mixed-${randomUUID()}`;
    const a = new TestMember(t.broker, groupId, [topic], { isolationLevel: 'read_committed' });
    const b = new TestMember(t.broker, groupId, [topic], { isolationLevel: 'read_uncommitted' });
    for (let i = 0; i < 6; i++) for (const m of [a, b]) await m.heartbeat(T0 + i);
    expect([a.owned[topic], b.owned[topic]].map((ps) => ps?.length)).toEqual([1, 1]);
    for (const m of [a, b]) {
      await commitOffsets(t.broker, groupId, { memberId: m.memberId, memberEpoch: m.memberEpoch, offsets: [{ topic, partition: m.owned[topic]![0]!, offset: 1 }] }, opts(T0 + 10));
    }
    expect((await readGroup(t.broker, groupId)).group!.isolationLevel).toBe('read_committed');
    const expected = (p: number) => ((a.owned[topic]![0] === p) ? { end: 3, lag: 2, level: 'read_committed' } : { end: 5, lag: 4, level: 'read_uncommitted' });
    expect(await row(groupId, T0 + 11)).toEqual([expected(0), expected(1)]);
    // Once the read_committed member leaves, the group's level follows the members left (its
    // partition will go to one of them): read_uncommitted for the unowned partition too.
    await a.leave(T0 + 12);
    expect((await readGroup(t.broker, groupId)).group!.isolationLevel).toBe('read_uncommitted');
    expect((await row(groupId, T0 + 13)).map((r) => r.level)).toEqual(['read_uncommitted', 'read_uncommitted']);
  });

  it('over HTTP: heartbeat isolation_level, the lag routes and their ?isolation_level, resources that say the level', async () => {
    const { topic } = await openTransaction();
    const g = `http-rc-${randomUUID().slice(0, 8)}`;
    const joined = await call(t.app, 'POST', `${C}/consumer-groups/${g}/heartbeat`, { member_epoch: 0, subscribed_topic_names: [topic], isolation_level: 'read_committed' });
    expect(joined.status, joined.text).toBe(200);
    const member = { member_id: joined.json.member_id, member_epoch: joined.json.member_epoch };
    expect((await call(t.app, 'POST', `${C}/consumer-groups/${g}/offsets:commit`, { ...member, offsets: [{ topic_name: topic, partition_id: 0, offset: 1 }] })).status).toBe(200);

    const lags = await call(t.app, 'GET', `${C}/consumer-groups/${g}/lags`);
    expect(lags.json.data).toEqual([expect.objectContaining({ current_offset: 1, log_end_offset: 3, lag: 2, isolation_level: 'read_committed' })]);
    const hw = await call(t.app, 'GET', `${C}/consumer-groups/${g}/lags/${topic}/partitions/0?isolation_level=read_uncommitted`);
    expect(hw.json).toMatchObject({ log_end_offset: 5, lag: 4, isolation_level: 'read_uncommitted' });
    expect((await call(t.app, 'GET', `${C}/consumer-groups/${g}/lag-summary`)).json).toMatchObject({ max_lag: 2, total_lag: 2 });
    expect((await call(t.app, 'GET', `${C}/consumer-groups/${g}/lag-summary?isolation_level=read_uncommitted`)).json).toMatchObject({ max_lag: 4, total_lag: 4 });
    expect((await call(t.app, 'GET', `${C}/consumer-groups/${g}/status`)).json).toMatchObject({ max_lag: 2, partitions: [expect.objectContaining({ log_end_offset: 3, lag: 2 })] });
    expect((await call(t.app, 'GET', `${C}/consumer-groups/${g}`)).json.isolation_level).toBe('read_committed');
    expect((await call(t.app, 'GET', `${C}/consumer-groups/${g}/consumers/${member.member_id}`)).json.isolation_level).toBe('read_committed');

    expect((await call(t.app, 'GET', `${C}/consumer-groups/${g}/lags?isolation_level=committed`)).status).toBe(400);
    const bad = await call(t.app, 'POST', `${C}/consumer-groups/${g}/heartbeat`, { ...member, isolation_level: 'serializable' });
    expect(bad.status).toBe(400);
  });
});
