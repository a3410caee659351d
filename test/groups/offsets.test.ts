import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commitOffsets } from '../../lib/broker/commit-offsets';
import { fetchOffsets } from '../../lib/broker/fetch-offsets';
import { deleteGroup } from '../../lib/broker/group-delete';
import { describeGroup } from '../../lib/broker/group-describe';
import { produce } from '../../lib/broker/produce';
import { resetOffsets } from '../../lib/broker/reset-offsets';
import { readOffsets } from '../../lib/metadata/offset-store';
import { testBroker } from '../support/broker';
import { SETTINGS, T0, TestMember, topicWith } from './helpers';

const opts = (now: number) => ({ now, settings: SETTINGS });
const rec = (v: string, timestamp = Date.now()) => ({ key: null, value: Buffer.from(v), headers: [], timestamp });

describe('committed offsets', () => {
  const { broker, counter } = testBroker();

  async function fill(topic: string, partitions: number, n: number, timestamp?: number) {
    await produce(broker, Array.from({ length: partitions }, (_, partition) => ({ topic, partition, records: Array.from({ length: n }, (_, i) => rec(`r${i}`, timestamp)) })));
  }

  it('a member commits its own partitions; a fenced or stale member, or a partition it does not own, is rejected', async () => {
    const topic = await topicWith(broker, 2);
    await fill(topic, 2, 5);
    const groupId = `g-${randomUUID()}`;
    const a = new TestMember(broker, groupId, [topic]);
    await a.heartbeat(T0);
    const b = new TestMember(broker, groupId, [topic]);
    await b.heartbeat(T0 + 1);
    await a.heartbeat(T0 + 2); // a is told to give up one partition; it still owns it until it confirms
    const [kept] = a.owned[topic]!;
    const given = kept === 0 ? 1 : 0;
    // While revoking, a may still commit the partition it is giving up (onPartitionsRevoked).
    await commitOffsets(broker, groupId, { memberId: a.memberId, memberEpoch: a.memberEpoch, offsets: [{ topic, partition: given, offset: 3, metadata: 'm' }] }, opts(T0 + 3));
    await a.heartbeat(T0 + 4); // confirms; its epoch moves on
    await b.heartbeat(T0 + 5); // b now owns `given`

    const commit = (memberId: string, memberEpoch: number, partition: number) =>
      commitOffsets(broker, groupId, { memberId, memberEpoch, offsets: [{ topic, partition, offset: 4 }] }, opts(T0 + 6));
    await expect(commit(a.memberId, a.memberEpoch, given)).rejects.toMatchObject({ errorName: 'STALE_MEMBER_EPOCH' }); // no longer a's
    await expect(commit(a.memberId, a.memberEpoch - 1, kept!)).rejects.toMatchObject({ errorName: 'STALE_MEMBER_EPOCH' });
    await expect(commit('no-such-member', 1, kept!)).rejects.toMatchObject({ errorName: 'UNKNOWN_MEMBER_ID' });
    await expect(commitOffsets(broker, groupId, { offsets: [{ topic, partition: 0, offset: 1 }] }, opts(T0 + 6))).rejects.toMatchObject({ errorName: 'UNKNOWN_MEMBER_ID' });
    await commit(b.memberId, b.memberEpoch, given);
    await commit(a.memberId, a.memberEpoch, kept!);

    // A member removed for silence is fenced: its commit is refused once the removal is written.
    await b.heartbeat(T0 + 800);
    await b.heartbeat(T0 + 1_500); // a has been silent past its session timeout
    await expect(commit(a.memberId, a.memberEpoch, kept!)).rejects.toMatchObject({ errorName: 'UNKNOWN_MEMBER_ID' });

    const fetched = await fetchOffsets(broker, groupId, [topic]);
    expect(fetched.map((f) => [f.partition, f.committedOffset])).toEqual([[0, 4], [1, 4]]);
  });

  it('simple commits (no member) work while the group has no members; fetch answers -1 where nothing was committed', async () => {
    const topic = await topicWith(broker, 3);
    await fill(topic, 3, 2);
    const groupId = `g-${randomUUID()}`;
    expect((await fetchOffsets(broker, groupId, [topic])).map((f) => f.committedOffset)).toEqual([-1, -1, -1]);
    await commitOffsets(broker, groupId, { offsets: [{ topic, partition: 1, offset: 2, metadata: 'hello' }] }, opts(T0));
    const fetched = await fetchOffsets(broker, groupId, [topic]);
    expect(fetched.map((f) => f.committedOffset)).toEqual([-1, 2, -1]);
    expect(fetched[1]).toMatchObject({ metadata: 'hello', commitTimestamp: T0 });
    expect((await describeGroup(broker, groupId, opts(T0))).state).toBe('EMPTY');
    await expect(commitOffsets(broker, groupId, { offsets: [{ topic, partition: 0, offset: 3 }] }, opts(T0))).rejects.toMatchObject({ errorName: 'OFFSET_OUT_OF_RANGE' });
  });

  it('commits more than one transaction holds (each chunk checked)', async () => {
    const topic = await topicWith(broker, 150);
    const groupId = `g-${randomUUID()}`;
    counter.reset();
    await commitOffsets(broker, groupId, { offsets: Array.from({ length: 150 }, (_, partition) => ({ topic, partition, offset: 0 })) }, opts(T0));
    expect(counter.get('dynamodb:TransactWriteItems')).toBe(2);
    expect(await readOffsets(broker, groupId)).toHaveLength(150);
  });

  it('reset offsets: refused while members are live, dry run writes nothing, executes when empty', async () => {
    const topic = await topicWith(broker, 2);
    await fill(topic, 2, 10, 1_000);
    await fill(topic, 2, 10, 5_000);
    const groupId = `g-${randomUUID()}`;
    const a = new TestMember(broker, groupId, [topic]);
    await a.heartbeat(T0);
    await commitOffsets(broker, groupId, { memberId: a.memberId, memberEpoch: a.memberEpoch, offsets: [{ topic, partition: 0, offset: 12 }, { topic, partition: 1, offset: 15 }] }, opts(T0));
    const req = { topics: [{ topic }], strategy: { kind: 'earliest' as const }, execute: true };
    await expect(resetOffsets(broker, groupId, req, opts(T0 + 10))).rejects.toMatchObject({ errorName: 'NON_EMPTY_GROUP' });
    await expect(resetOffsets(broker, groupId, { ...req, execute: false }, opts(T0 + 10))).rejects.toMatchObject({ errorName: 'NON_EMPTY_GROUP' });
    await expect(deleteGroup(broker, groupId, opts(T0 + 10))).rejects.toMatchObject({ errorName: 'NON_EMPTY_GROUP' });

    // a crashes; after its session timeout the group counts as empty.
    const later = opts(T0 + 2_000);
    counter.reset();
    const plans = {
      earliest: await resetOffsets(broker, groupId, { ...req, execute: false }, later),
      latest: await resetOffsets(broker, groupId, { ...req, strategy: { kind: 'latest' }, execute: false }, later),
      shift: await resetOffsets(broker, groupId, { ...req, strategy: { kind: 'shift', by: -20 }, execute: false }, later),
      offset: await resetOffsets(broker, groupId, { topics: [{ topic, partitions: [1] }], strategy: { kind: 'offset', offset: 99 }, execute: false }, later),
      datetime: await resetOffsets(broker, groupId, { ...req, strategy: { kind: 'datetime', timestamp: 3_000 }, execute: false }, later),
    };
    for (const name of ['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']) expect(counter.get(`dynamodb:${name}`)).toBe(0);
    expect(plans.earliest.map((e) => [e.partition, e.previousOffset, e.newOffset])).toEqual([[0, 12, 0], [1, 15, 0]]);
    expect(plans.latest.map((e) => e.newOffset)).toEqual([20, 20]);
    expect(plans.shift.map((e) => e.newOffset)).toEqual([0, 0]); // clamped to the log start
    expect(plans.offset.map((e) => [e.partition, e.newOffset])).toEqual([[1, 20]]); // clamped to the log end
    expect(plans.datetime.map((e) => e.newOffset)).toEqual([10, 10]);
    expect((await fetchOffsets(broker, groupId, [topic])).map((f) => f.committedOffset)).toEqual([12, 15]);

    await resetOffsets(broker, groupId, { ...req, strategy: { kind: 'shift', by: -2 } }, later);
    expect((await fetchOffsets(broker, groupId, [topic])).map((f) => f.committedOffset)).toEqual([10, 13]);
    // The departed member was written out of the group on the way.
    expect(Object.keys((await describeGroup(broker, groupId, later)).group.members)).toEqual([]);
  });

  it('delete group removes the group and its offsets', async () => {
    const topic = await topicWith(broker, 1);
    await fill(topic, 1, 1);
    const groupId = `g-${randomUUID()}`;
    await commitOffsets(broker, groupId, { offsets: [{ topic, partition: 0, offset: 1 }] }, opts(T0));
    await deleteGroup(broker, groupId, opts(T0));
    await expect(describeGroup(broker, groupId, opts(T0))).rejects.toMatchObject({ errorName: 'GROUP_ID_NOT_FOUND' });
    expect(await readOffsets(broker, groupId)).toEqual([]);
    await expect(deleteGroup(broker, groupId, opts(T0))).rejects.toMatchObject({ errorName: 'GROUP_ID_NOT_FOUND' });
  });
});
