import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPartitions } from '../../lib/broker/create-partitions';
import { groupHeartbeat } from '../../lib/broker/group-heartbeat';
import { count } from '../../lib/groups/assignment';
import { readGroup } from '../../lib/metadata/group-store';
import { testBroker } from '../support/broker';
import { Observer, SETTINGS, T0, TestMember, expectExclusive, ownership, settle, topicWith } from './helpers';

describe('rebalancing (KIP-848 model) against DynamoDB Local', () => {
  const { broker, counter } = testBroker();

  it('3 members share a 6-partition topic; a 4th joins and one crashes; every partition is owned again, never by two', async () => {
    const topic = await topicWith(broker, 6);
    const groupId = `g-${randomUUID()}`;
    const obs = new Observer(broker, groupId);
    const [a, b, c] = [0, 1, 2].map(() => new TestMember(broker, groupId, [topic]));
    let now = T0;
    await settle([a!, b!, c!], obs, now, 6);
    const owners = ownership([a!, b!, c!]);
    expect(owners.size).toBe(6);
    expect([a!, b!, c!].map((m) => count(m.owned))).toEqual([2, 2, 2]);

    // A 4th member joins; then c crashes (stops heartbeating).
    const d = new TestMember(broker, groupId, [topic]);
    now += 100;
    await d.heartbeat(now);
    await obs.observe();
    await settle([a!, b!, c!, d], obs, now, 6);
    expect([a!, b!, c!, d].map((m) => count(m.owned)).sort()).toEqual([1, 1, 2, 2]);

    // c is silent; the others keep heartbeating while the clock passes its session timeout.
    for (let step = 0; step < 6; step++) {
      now += 250;
      for (const m of [a!, b!, d]) {
        await m.heartbeat(now);
        await obs.observe();
      }
    }
    const group = await obs.observe();
    expect(Object.keys(group.members).sort()).toEqual([a!.memberId, b!.memberId, d.memberId].sort());
    expect(ownership([a!, b!, d]).size).toBe(6);
    expect([a!, b!, d].map((m) => count(m.owned))).toEqual([2, 2, 2]);
    // The crashed member's heartbeat is now refused: it must rejoin.
    await expect(c!.heartbeat(now)).rejects.toMatchObject({ errorName: 'UNKNOWN_MEMBER_ID' });
    expect(obs.versions.size).toBeGreaterThan(10);
  });

  it('a partition moves only after its owner revoked it', async () => {
    const topic = await topicWith(broker, 2);
    const groupId = `g-${randomUUID()}`;
    const obs = new Observer(broker, groupId);
    const a = new TestMember(broker, groupId, [topic]);
    await a.heartbeat(T0);
    expect(a.owned).toEqual({ [topic]: [0, 1] });

    const b = new TestMember(broker, groupId, [topic]);
    const joined = await b.heartbeat(T0 + 1);
    expect(joined.assignment).toEqual({}); // its target partition still belongs to a
    // a is told to keep one partition; until it confirms, b still gets nothing.
    const told = await a.heartbeat(T0 + 2, { ownedPartitions: { [topic]: [0, 1] } });
    expect(count(told.assignment)).toBe(1);
    a.owned = { [topic]: [0, 1] }; // a is slow: it still holds both
    await a.heartbeat(T0 + 3, { ownedPartitions: { [topic]: [0, 1] } });
    expect((await b.heartbeat(T0 + 4)).assignment).toEqual({});
    expectExclusive((await obs.observe()));
    // a confirms; now b gets the partition.
    await a.heartbeat(T0 + 5, { ownedPartitions: told.assignment });
    const got = await b.heartbeat(T0 + 6);
    expect(count(got.assignment)).toBe(1);
    expect(ownership([a, b]).size).toBe(2);
  });

  it('a member that does not revoke within its rebalance timeout is removed', async () => {
    const topic = await topicWith(broker, 2);
    const groupId = `g-${randomUUID()}`;
    const a = new TestMember(broker, groupId, [topic], { rebalanceTimeoutMs: 500 });
    await a.heartbeat(T0);
    const b = new TestMember(broker, groupId, [topic]);
    await b.heartbeat(T0 + 1);
    await a.heartbeat(T0 + 2, { ownedPartitions: { [topic]: [0, 1] } }); // told to revoke one
    // a keeps heartbeating but never lets go; past the deadline it is fenced out.
    await a.heartbeat(T0 + 300, { ownedPartitions: { [topic]: [0, 1] } });
    await expect(a.heartbeat(T0 + 600, { ownedPartitions: { [topic]: [0, 1] } })).rejects.toMatchObject({ errorName: 'UNKNOWN_MEMBER_ID' });
    expect((await b.heartbeat(T0 + 601)).assignment).toEqual({ [topic]: [0, 1] });
  });

  it('a member leaving cleanly releases its partitions at once', async () => {
    const topic = await topicWith(broker, 4);
    const groupId = `g-${randomUUID()}`;
    const obs = new Observer(broker, groupId);
    const a = new TestMember(broker, groupId, [topic]);
    const b = new TestMember(broker, groupId, [topic]);
    await settle([a, b], obs, T0, 4);
    const left = await a.leave(T0 + 10);
    expect(left).toMatchObject({ memberId: a.memberId, memberEpoch: -1, assignment: {} });
    expect((await b.heartbeat(T0 + 11)).assignment).toEqual({ [topic]: [0, 1, 2, 3] });
    // A leave resent after a lost answer succeeds again.
    expect((await a.leave(T0 + 12)).memberEpoch).toBe(-1);
  });

  it('a static member that leaves with -2 and rejoins keeps its assignment without a rebalance', async () => {
    const topic = await topicWith(broker, 4);
    const groupId = `g-${randomUUID()}`;
    const obs = new Observer(broker, groupId);
    const a = new TestMember(broker, groupId, [topic], { instanceId: 'host-a' });
    const b = new TestMember(broker, groupId, [topic], { instanceId: 'host-b' });
    await settle([a, b], obs, T0, 4);
    const before = await obs.observe();
    const aOwned = a.owned;
    expect((await a.leave(T0 + 10, -2)).memberEpoch).toBe(-2);

    // While it is away, another process with the same instance id... is the restart itself.
    const restarted = new TestMember(broker, groupId, [topic], { instanceId: 'host-a' });
    const back = await restarted.heartbeat(T0 + 20);
    expect(back.memberId).not.toBe(a.memberId);
    expect(back.assignment).toEqual(aOwned);
    const after = await obs.observe();
    expect(after.groupEpoch).toBe(before.groupEpoch); // no rebalance
    expect(Object.keys(after.members)).not.toContain(a.memberId);
    // The old member id is fenced; a second live process with the same instance id is refused.
    await expect(a.heartbeat(T0 + 21, { memberEpoch: back.memberEpoch })).rejects.toMatchObject({ errorName: 'FENCED_INSTANCE_ID' });
    const twin = new TestMember(broker, groupId, [topic], { instanceId: 'host-a' });
    await expect(twin.heartbeat(T0 + 22)).rejects.toMatchObject({ errorName: 'UNRELEASED_INSTANCE_ID' });
  });

  it('epochs: a stale epoch is fenced, the previous one (lost answer) is accepted, a rejoin with the same id keeps the partitions', async () => {
    const topic = await topicWith(broker, 2);
    const groupId = `g-${randomUUID()}`;
    const a = new TestMember(broker, groupId, [topic]);
    const first = await a.heartbeat(T0);
    const b = new TestMember(broker, groupId, [topic]);
    await b.heartbeat(T0 + 1);
    await a.heartbeat(T0 + 2); // revoke one
    const moved = await a.heartbeat(T0 + 3); // confirmed: epoch moves on
    expect(moved.memberEpoch).toBeGreaterThan(first.memberEpoch);
    const { group } = await readGroup(broker, groupId);
    const prev = group!.members[a.memberId]!.previousMemberEpoch;
    expect((await a.heartbeat(T0 + 4, { memberEpoch: prev })).memberEpoch).toBe(moved.memberEpoch);
    await expect(a.heartbeat(T0 + 5, { memberEpoch: moved.memberEpoch + 5 })).rejects.toMatchObject({ errorName: 'FENCED_MEMBER_EPOCH' });
    const rejoined = await a.heartbeat(T0 + 6, { memberEpoch: 0, ownedPartitions: {} });
    expect(rejoined.memberId).toBe(a.memberId);
    expect(rejoined.assignment).toEqual(moved.assignment);
  });

  it('concurrent heartbeats conflict and retry; no version ever has a partition twice', async () => {
    const topic = await topicWith(broker, 12);
    const groupId = `g-${randomUUID()}`;
    const obs = new Observer(broker, groupId);
    const members = Array.from({ length: 5 }, () => new TestMember(broker, groupId, [topic]));
    for (let round = 0; round < 8; round++) {
      await Promise.all(members.map((m) => m.heartbeat(T0 + round)));
      await obs.observe();
    }
    const group = await obs.observe();
    expect(Object.keys(group.members)).toHaveLength(5);
    expect(ownership(members).size).toBe(12);
  });

  it('a heartbeat that changes nothing costs 1 Query and 1 PutItem', async () => {
    const topic = await topicWith(broker, 2);
    const groupId = `g-${randomUUID()}`;
    const obs = new Observer(broker, groupId);
    const a = new TestMember(broker, groupId, [topic]);
    await settle([a], obs, T0, 2);
    counter.reset();
    await a.heartbeat(T0 + 50);
    expect(counter.snapshot()).toEqual({ 'dynamodb:PutItem': 1, 'dynamodb:Query': 1 });
  });

  it('session timeouts are bounded and the interval follows the session timeout', async () => {
    const topic = await topicWith(broker, 1);
    const groupId = `g-${randomUUID()}`;
    const req = { memberId: '', memberEpoch: 0, subscribedTopicNames: [topic] };
    await expect(groupHeartbeat(broker, groupId, { ...req, sessionTimeoutMs: 50 }, { now: T0, settings: SETTINGS })).rejects.toMatchObject({ errorName: 'INVALID_SESSION_TIMEOUT' });
    const res = await groupHeartbeat(broker, groupId, { ...req, sessionTimeoutMs: 150 }, { now: T0, settings: SETTINGS });
    expect(res.heartbeatIntervalMs).toBe(50);
  });

  it('subscribing by regex picks up matching topics, and new partitions bump the group epoch', async () => {
    const prefix = `rx${randomUUID().slice(0, 6)}`;
    const t1 = await topicWith(broker, 1, prefix);
    const groupId = `g-${randomUUID()}`;
    const a = new TestMember(broker, groupId, [], { subscribedTopicNames: undefined, subscribedTopicRegex: `${prefix}-.*` });
    expect((await a.heartbeat(T0)).assignment).toEqual({ [t1]: [0] });
    const epoch = (await readGroup(broker, groupId)).group!.groupEpoch;

    // A new matching topic and a new partition; another Lambda (cold topic cache) serves the next heartbeat.
    const t2 = await topicWith(broker, 1, prefix);
    await createPartitions(broker, t1, 2);
    const elsewhere = new TestMember(testBroker().broker, groupId, [], { subscribedTopicNames: undefined, subscribedTopicRegex: `${prefix}-.*` });
    Object.assign(elsewhere, { memberId: a.memberId, memberEpoch: a.memberEpoch, owned: a.owned });
    expect((await elsewhere.heartbeat(T0 + 1)).assignment).toEqual({ [t1]: [0, 1], [t2]: [0] });
    expect((await readGroup(broker, groupId)).group!.groupEpoch).toBe(epoch + 1);
  });
});
