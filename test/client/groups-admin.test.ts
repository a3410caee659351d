// The admin client's group calls in kafkajs's shapes, the consumer's group events and regex
// subscriptions, against the real server with short group timeouts.
import { randomUUID } from 'node:crypto';
import { AssignerProtocol } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaJSDeleteGroupsError, type Admin, type Consumer, type Producer } from '../../lib/index';
import { startTestServer, uniqueTopic, until, type TestServer } from './support';

process.env.BROOK_GROUP_MIN_SESSION_TIMEOUT_MS = '300';
process.env.BROOK_GROUP_HEARTBEAT_INTERVAL_MS = '100';

let server: TestServer;
let admin: Admin;
let producer: Producer;
beforeAll(async () => {
  server = await startTestServer();
  admin = server.brook().admin();
  producer = server.brook().producer({ lingerMs: 5 });
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await server.close();
});

async function consumer(groupId: string, topics: Array<string | RegExp>, seen: string[]): Promise<Consumer> {
  const c = server.brook().consumer({ groupId, sessionTimeout: 1_500, maxWaitTimeInMs: 200, clientId: 'admin-test' });
  await c.subscribe({ topics, fromBeginning: true });
  await c.run({ autoCommitInterval: 100, eachMessage: async ({ topic, partition, message }) => void seen.push(`${topic}/${partition}@${message.offset}`) });
  return c;
}

describe('group admin', () => {
  it('lists, describes, fetches offsets and lag; refuses resets and deletes while the group has members, then does them', async () => {
    const t = uniqueTopic('adm');
    await admin.createTopics({ topics: [{ topic: t, numPartitions: 3 }] });
    await producer.send({ topic: t, messages: Array.from({ length: 6 }, (_, i) => ({ partition: i % 3, value: `v${i}` })) });
    const groupId = `g-${randomUUID()}`;
    const seen: string[] = [];
    const [a, b] = [await consumer(groupId, [t], seen), await consumer(groupId, [t], seen)];
    await until(async () => (await admin.describeGroups([groupId])).groups[0]!, (g) => g.state === 'Stable' && g.members.length === 2 && g.members.every((m) => m.assignment.length > 0));
    await until(async () => (await admin.fetchOffsets({ groupId, topics: [t] }))[0]!.partitions.map((p) => p.offset), (o) => o.every((x) => x === '2'));

    expect((await admin.listGroups()).groups).toContainEqual({ groupId, protocolType: 'consumer', state: 'Stable' });
    const [described, unknown] = (await admin.describeGroups([groupId, `nope-${randomUUID()}`])).groups;
    expect(described).toMatchObject({ groupId, errorCode: 0, protocol: 'uniform', protocolType: 'consumer', state: 'Stable' });
    const assigned = described!.members.flatMap((m) => {
      expect(AssignerProtocol.MemberMetadata.decode(m.memberMetadata)).toMatchObject({ version: 0, topics: [t] });
      const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment)!;
      expect(decoded.assignment).toEqual(Object.fromEntries(m.assignment.map((x) => [x.topic, x.partitions])));
      expect(m).toMatchObject({ clientId: 'admin-test', instanceId: null, memberEpoch: described!.assignmentEpoch });
      return decoded.assignment[t]!;
    });
    expect(assigned.sort()).toEqual([0, 1, 2]);
    expect(unknown).toMatchObject({ state: 'Dead', members: [], errorCode: 0 });
    expect(await a.describeGroup()).toEqual(described);

    expect(await admin.fetchOffsets({ groupId, topics: [t] })).toEqual([{ topic: t, partitions: [0, 1, 2].map((partition) => ({ partition, offset: '2', metadata: null })) }]);
    const lag = await admin.fetchGroupLag(groupId);
    expect(lag).toMatchObject({ groupId, status: 'OK', totalLag: 0, maxLag: 0 });
    expect(lag.partitions.map((p) => [p.partition, p.currentOffset, p.logEndOffset, p.lag, p.status, p.clientId])).toEqual([0, 1, 2].map((p) => [p, 2, 2, 0, 'OK', 'admin-test']));

    await expect(admin.resetOffsets({ groupId, topic: t, earliest: true })).rejects.toMatchObject({ type: 'NON_EMPTY_GROUP' });
    await expect(admin.setOffsets({ groupId, topic: t, partitions: [{ partition: 0, offset: '1' }] })).rejects.toMatchObject({ type: 'NON_EMPTY_GROUP' });
    const err = await admin.deleteGroups([groupId]).catch((e) => e);
    expect(err).toBeInstanceOf(KafkaJSDeleteGroupsError);
    expect(err.groups).toMatchObject([{ groupId, error: { type: 'NON_EMPTY_GROUP' } }]);

    await Promise.all([a.disconnect(), b.disconnect()]);
    await admin.resetOffsets({ groupId, topic: t, earliest: true });
    await admin.setOffsets({ groupId, topic: t, partitions: [{ partition: 1, offset: '1' }] });
    expect((await admin.fetchOffsets({ groupId }))[0]!.partitions.map((p) => p.offset)).toEqual(['0', '1', '0']);
    await admin.resetOffsets({ groupId, topic: t }); // latest
    expect((await admin.fetchOffsets({ groupId, topics: [t] }))[0]!.partitions.map((p) => p.offset)).toEqual(['2', '2', '2']);

    expect(await admin.deleteGroups([groupId])).toEqual([{ groupId, errorCode: 0 }]);
    expect((await admin.describeGroups([groupId])).groups[0]!.state).toBe('Dead');
    expect((await admin.fetchOffsets({ groupId, topics: [t] }))[0]!.partitions.map((p) => p.offset)).toEqual(['-1', '-1', '-1']);
  });

  it('a group subscribes by RegExp; the consumer emits group_join, heartbeat and commit_offsets events', async () => {
    const base = uniqueTopic('rx');
    const [x, y, other] = [`${base}-x`, `${base}-y`, `other-${base}`];
    await admin.createTopics({ topics: [x, y, other].map((topic) => ({ topic, numPartitions: 1 })) });
    await producer.sendBatch({ topicMessages: [x, y, other].map((topic) => ({ topic, messages: [{ value: topic }] })) });
    const groupId = `g-${randomUUID()}`;
    const seen: string[] = [];
    const c = server.brook().consumer({ groupId, sessionTimeout: 1_500, maxWaitTimeInMs: 200 });
    const events: string[] = [];
    for (const e of [c.events.GROUP_JOIN, c.events.HEARTBEAT, c.events.COMMIT_OFFSETS, c.events.REBALANCING]) c.on(e, ({ type }) => void events.push(type));
    await c.subscribe({ topics: [new RegExp(`^${base}-`)], fromBeginning: true });
    await c.run({ autoCommitInterval: 50, eachMessage: async ({ topic, partition, message }) => void seen.push(`${topic}/${partition}@${message.offset}`) });
    await until(() => seen.length, (n) => n === 2);
    await until(() => new Set(events).size, (n) => n === 4);
    expect(seen.sort()).toEqual([`${x}/0@0`, `${y}/0@0`]);
    const members = (await c.describeGroup()).members;
    expect(members.map((m) => m.assignment.map((a) => a.topic).sort())).toEqual([[x, y]]);
    await c.disconnect();
    expect((await admin.fetchOffsets({ groupId })).map((o) => o.topic).sort()).toEqual([x, y]);
  });
});
