import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from '../../lib/index';
import { startTestServer, uniqueTopic, type TestServer } from '../client/support';

let server: TestServer;
let admin: Admin;
beforeAll(async () => {
  server = await startTestServer();
  admin = server.brook().admin();
});
afterAll(() => server.close());

async function values(topic: string, partition: number, isolation: string) {
  const res = await fetch(`${server.url}/v3/clusters/brook-local/topics/${topic}/partitions/${partition}/records?offset=0&max_wait_ms=0&value_format=STRING&isolation_level=${isolation}`);
  return ((await res.json()) as any).data.map((r: any) => r.value.data as string);
}
const committedOffsets = async (group: string, topic: string) => {
  const res = await fetch(`${server.url}/v3/clusters/brook-local/consumer-groups/${group}/offsets?topics=${topic}`);
  return ((await res.json()) as any).data.map((o: any) => o.committed_offset as number);
};

describe('SDK: transactional producer (kafkajs shape)', () => {
  it('commits sends and offsets together, aborts them together', async () => {
    const topic = uniqueTopic('sdk-txn');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    const producer = server.brook().producer({ transactionalId: `sdk-${topic}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await expect(producer.send({ topic, messages: [{ value: 'outside' }] })).rejects.toThrow(/within a transaction/);

    const tx = await producer.transaction();
    await tx.send({ topic, messages: [0, 1, 2].map((p) => ({ partition: p, value: `c${p}` })) });
    await tx.sendOffsets({ consumerGroupId: `g-${topic}`, topics: [{ topic, partitions: [{ partition: 0, offset: '1' }] }] });
    expect(await values(topic, 0, 'read_committed')).toEqual([]);
    expect(await committedOffsets(`g-${topic}`, topic)).toEqual([-1, -1, -1]);
    await tx.commit();
    for (const p of [0, 1, 2]) expect(await values(topic, p, 'read_committed')).toEqual([`c${p}`]);
    expect(await committedOffsets(`g-${topic}`, topic)).toEqual([1, -1, -1]);

    const tx2 = await producer.transaction();
    await tx2.send({ topic, messages: [{ partition: 1, value: 'dropped' }] });
    await tx2.abort();
    expect(await values(topic, 1, 'read_committed')).toEqual(['c1']);
    expect(await values(topic, 1, 'read_uncommitted')).toEqual(['c1', 'dropped']);
    await producer.disconnect();
  });

  it('a new instance with the same transactional id fences the old one', async () => {
    const topic = uniqueTopic('sdk-fence');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const old = server.brook().producer({ transactionalId: `fence-${topic}`, maxInFlightRequests: 1 });
    await old.connect();
    const tx = await old.transaction();
    await tx.send({ topic, messages: [{ value: 'zombie' }] });

    const fresh = server.brook().producer({ transactionalId: `fence-${topic}`, maxInFlightRequests: 1 });
    await fresh.connect();
    await expect(tx.send({ topic, messages: [{ value: 'late' }] })).rejects.toMatchObject({ type: 'PRODUCER_FENCED' });
    await expect(tx.commit()).rejects.toMatchObject({ type: 'PRODUCER_FENCED' });

    const ok = await fresh.transaction();
    await ok.send({ topic, messages: [{ value: 'fresh' }] });
    await ok.commit();
    expect(await values(topic, 0, 'read_committed')).toEqual(['fresh']);
    await fresh.disconnect();
  });
});
