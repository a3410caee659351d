import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaJSProtocolError, type Admin } from '../../lib/index';
import { startTestServer, uniqueTopic, type TestServer } from './support';

let server: TestServer;
let admin: Admin;
beforeAll(async () => {
  server = await startTestServer();
  admin = server.brook().admin();
  await admin.connect();
});
afterAll(() => server.close());

describe('admin', () => {
  it('creates, lists, describes, grows and deletes topics', async () => {
    const a = uniqueTopic('adm');
    const b = uniqueTopic('adm');
    expect(await admin.createTopics({ topics: [{ topic: a, numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '3600000' }] }, { topic: b }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: a, numPartitions: 3 }] })).toBe(false); // already there, as kafkajs answers
    expect(await admin.listTopics()).toEqual(expect.arrayContaining([a, b]));

    const meta = await admin.fetchTopicMetadata({ topics: [a, b] });
    expect(meta.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionId)])).toEqual([
      [a, [0, 1, 2]],
      [b, [0]],
    ]);
    expect(meta.topics[0]!.partitions[0]).toEqual({ partitionErrorCode: 0, partitionId: 0, leader: 0, replicas: [0], isr: [0], offlineReplicas: [] });

    await admin.createPartitions({ topicPartitions: [{ topic: b, count: 4 }] });
    expect((await admin.fetchTopicMetadata({ topics: [b] })).topics[0]!.partitions).toHaveLength(4);
    const fewer = await admin.createPartitions({ topicPartitions: [{ topic: b, count: 2 }] }).catch((e) => e);
    expect(fewer).toMatchObject({ name: 'KafkaJSProtocolError', type: 'INVALID_PARTITIONS', code: 37, retriable: false });

    await admin.deleteTopics({ topics: [a, b] });
    const names = await admin.listTopics();
    expect(names).not.toContain(a);
    expect(names).not.toContain(b);
    const gone = await admin.fetchTopicMetadata({ topics: [a] }).catch((e) => e);
    expect(gone).toBeInstanceOf(KafkaJSProtocolError);
    expect(gone).toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, status: 404 });
  });

  it('fetches offsets in the kafkajs shape, and by timestamp', async () => {
    const t = uniqueTopic('offs');
    await admin.createTopics({ topics: [{ topic: t, numPartitions: 2 }] });
    const producer = server.brook().producer({ lingerMs: 0 });
    await producer.connect();
    const t0 = 1_700_000_000_000;
    await producer.send({ topic: t, messages: [0, 1, 2].map((i) => ({ partition: 0, value: `v${i}`, timestamp: String(t0 + i * 1000) })) });
    await producer.disconnect();

    expect(await admin.fetchTopicOffsets(t)).toEqual([
      { partition: 0, offset: '3', high: '3', low: '0' },
      { partition: 1, offset: '0', high: '0', low: '0' },
    ]);
    expect(await admin.fetchTopicOffsetsByTimestamp(t, t0 + 1500)).toEqual([
      { partition: 0, offset: '2' },
      { partition: 1, offset: '0' }, // no record that recent: the high watermark, as kafkajs answers
    ]);
    expect(await admin.fetchTopicOffsetsByTimestamp(t, t0 + 10_000)).toEqual([
      { partition: 0, offset: '3' },
      { partition: 1, offset: '0' },
    ]);
  });

  it('surfaces Kafka errors by name and checks its arguments like kafkajs', async () => {
    const bad = await admin.createTopics({ topics: [{ topic: 'not a valid name!' }] }).catch((e) => e);
    expect(bad).toMatchObject({ name: 'KafkaJSProtocolError', type: 'INVALID_TOPIC_EXCEPTION', code: 17, retriable: false });
    const badConfig = await admin.createTopics({ topics: [{ topic: uniqueTopic(), configEntries: [{ name: 'no.such.config', value: '1' }] }] }).catch((e) => e);
    expect(badConfig).toMatchObject({ type: 'INVALID_CONFIG', code: 40 });
    await expect(admin.createTopics({ topics: [{ topic: 'x' }, { topic: 'x' }] })).rejects.toThrow(/multiple entries/);
    await expect(admin.fetchTopicOffsets('' as string)).rejects.toMatchObject({ name: 'KafkaJSNonRetriableError' });
    expect(await admin.describeCluster()).toMatchObject({ clusterId: 'brook-local', brokers: [{ nodeId: 0, host: '127.0.0.1' }] });
  });
});
