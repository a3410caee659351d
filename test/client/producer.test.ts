import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaJSProtocolError, Partitioners, type Admin, type RecordMetadata } from '../../lib/index';
import { startTestServer, uniqueTopic, type TestServer } from './support';

const require = createRequire(import.meta.url);
const kafkajs = require('kafkajs');

let server: TestServer;
let admin: Admin;
beforeAll(async () => {
  server = await startTestServer();
  admin = server.brook().admin();
  await admin.connect();
});
afterAll(() => server.close());

async function topic(partitions: number, configEntries: Array<{ name: string; value: string }> = []) {
  const name = uniqueTopic('prod');
  await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions, configEntries }] });
  return name;
}

describe('producer', () => {
  it('sends a send() touching 3 partitions as one HTTP request and one S3 object', async () => {
    const t = await topic(3);
    const producer = server.brook().producer({ lingerMs: 5 });
    await producer.connect();
    server.counter.reset();
    const before = server.count('POST', '/batches');
    const meta = await producer.send({ topic: t, messages: [0, 1, 2, 0, 1, 2].map((p, i) => ({ partition: p, value: `v${i}` })) });
    expect(server.count('POST', '/batches') - before).toBe(1);
    expect(server.counter.get('s3:PutObject')).toBe(1);
    expect(server.counter.get('dynamodb:TransactWriteItems')).toBe(3);
    expect(meta.map((m) => [m.topicName, m.partition, m.errorCode, m.offset])).toEqual([
      [t, 0, 0, '0'],
      [t, 1, 0, '0'],
      [t, 2, 0, '0'],
    ]);
    await producer.disconnect();
  });

  it('lingers: sends made within lingerMs share one request; a full batch goes at once', async () => {
    const t = await topic(2);
    const producer = server.brook().producer({ lingerMs: 300 });
    await producer.connect();
    const before = server.count('POST', '/batches');
    const started = Date.now();
    const sends = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.send({ topic: t, messages: [{ partition: i % 2, value: `m${i}` }] })));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(server.count('POST', '/batches') - before).toBe(1);
    // Each send learns the offset of its own record.
    const offsets = sends.map((m) => m[0]!.offset).sort();
    expect(new Set(offsets).size).toBe(10);

    const big = server.brook().producer({ lingerMs: 60_000, batchSize: 1024 });
    await big.connect();
    const t0 = Date.now();
    await big.send({ topic: t, messages: [{ partition: 0, value: Buffer.alloc(2000, 1) }] });
    expect(Date.now() - t0).toBeLessThan(5_000);
    await Promise.all([producer.disconnect(), big.disconnect()]);
  });

  it('places keyed records with murmur2 exactly as kafkajs DefaultPartitioner', async () => {
    const partitions = 7;
    const t = await topic(partitions);
    const producer = server.brook().producer({ lingerMs: 5 });
    await producer.connect();
    const keys = ['alice', 'bob', 'carol', 'user-1', 'user-2', 'order:42', '', 'ünïcode', '🐟', 'a'.repeat(100)];
    const results = await Promise.all(keys.map((key) => producer.send({ topic: t, messages: [{ key, value: 'x' }] })));
    const oracle = kafkajs.Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: partitions }, (_, p) => ({ partitionId: p, leader: 0 }));
    const expected = keys.map((key) => oracle({ topic: t, partitionMetadata, message: { key: Buffer.from(key) } }));
    expect(results.map((r) => r[0]!.partition)).toEqual(expected);
    expect(new Set(expected).size).toBeGreaterThan(1);
    await producer.disconnect();
  });

  it('keeps keyless records of one linger window on one partition (sticky), then moves on', async () => {
    const t = await topic(4);
    const producer = server.brook().producer({ lingerMs: 20 });
    await producer.connect();
    const first = await producer.send({ topic: t, messages: Array.from({ length: 50 }, (_, i) => ({ value: `k${i}` })) });
    expect(first).toHaveLength(1);
    const second = await producer.send({ topic: t, messages: [{ value: 'next' }] });
    expect(second[0]!.partition).not.toBe(first[0]!.partition);
    await producer.disconnect();
  });

  it('uses a custom partitioner in the kafkajs signature; an explicit partition wins', async () => {
    const t = await topic(3);
    const seen: unknown[] = [];
    const producer = server.brook().producer({
      lingerMs: 5,
      createPartitioner: () => (args) => {
        seen.push(args);
        return args.partitionMetadata.length - 1;
      },
    });
    await producer.connect();
    const meta = await producer.send({ topic: t, messages: [{ key: 'a', value: 'x' }, { value: 'y', partition: 0 }] });
    expect(meta.map((m) => m.partition)).toEqual([2, 0]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ topic: t, message: { key: 'a', value: 'x' } });
    expect(Partitioners.DefaultPartitioner()({ topic: t, partitionMetadata: [0, 1, 2].map((p) => ({ partitionId: p }) as never), message: { key: 'alice', value: null } })).toBe(
      kafkajs.Partitioners.DefaultPartitioner()({ topic: t, partitionMetadata: [0, 1, 2].map((p) => ({ partitionId: p })), message: { key: Buffer.from('alice') } }),
    );
    await producer.disconnect();
  });

  it('acks 0 resolves without waiting for the commit; flush() waits for it', async () => {
    const t = await topic(1);
    const producer = server.brook().producer({ lingerMs: 0 });
    await producer.connect();
    server.faults.add({ service: 'dynamodb', command: 'TransactWriteItems', mode: 'delay', delayMs: 1500, times: 1 });
    const started = Date.now();
    const meta: RecordMetadata[] = await producer.send({ topic: t, acks: 0, messages: [{ value: 'fire' }] });
    expect(Date.now() - started).toBeLessThan(500);
    expect(meta).toEqual([{ topicName: t, partition: 0, errorCode: 0, offset: '-1', baseOffset: '-1' }]);
    expect((await admin.fetchTopicOffsets(t))[0]!.high).toBe('0');
    await producer.flush();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect((await admin.fetchTopicOffsets(t))[0]!.high).toBe('1');
    await producer.disconnect();
    server.faults.clear();
  });

  it('surfaces a non-retriable error with its Kafka name, and a bad batch does not sink the others', async () => {
    const t = await topic(2, [{ name: 'max.message.bytes', value: '2000' }]);
    const producer = server.brook().producer({ lingerMs: 50 });
    await producer.connect();
    const before = server.count('POST', '/batches');
    const [tooLarge, fine] = await Promise.allSettled([
      producer.send({ topic: t, messages: [{ partition: 0, value: Buffer.alloc(5000, 7) }] }),
      producer.send({ topic: t, messages: [{ partition: 1, value: 'small' }] }),
    ]);
    expect(tooLarge.status).toBe('rejected');
    const err = (tooLarge as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(KafkaJSProtocolError);
    expect(err).toMatchObject({ name: 'KafkaJSProtocolError', type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false });
    expect(fine.status).toBe('fulfilled');
    // One shared request refused as a whole, then each batch alone.
    expect(server.count('POST', '/batches') - before).toBe(3);

    const unknown = await producer.send({ topic: uniqueTopic('missing'), messages: [{ value: 'x' }] }).catch((e) => e);
    expect(unknown).toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3 });
    const badPartition = await producer.send({ topic: t, messages: [{ value: 'x', partition: 9 }] }).catch((e) => e);
    expect(badPartition).toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    const noValue = await producer.send({ topic: t, messages: [{ key: 'k' } as never] }).catch((e) => e);
    expect(noValue.name).toBe('KafkaJSNonRetriableError');
    await producer.disconnect();
    const closed = await producer.send({ topic: t, messages: [{ value: 'late' }] }).catch((e) => e);
    expect(closed.message).toMatch(/disconnected/);
  });

  it('sendBatch sends several topics in one request', async () => {
    const [a, b] = [await topic(1), await topic(2)];
    const producer = server.brook().producer({ lingerMs: 5 });
    await producer.connect();
    const before = server.count('POST', '/batches');
    const meta = await producer.sendBatch({ topicMessages: [{ topic: a, messages: [{ value: '1' }] }, { topic: b, messages: [{ value: '2', partition: 1 }] }] });
    expect(meta.map((m) => [m.topicName, m.partition, m.offset])).toEqual([
      [a, 0, '0'],
      [b, 1, '0'],
    ]);
    expect(server.count('POST', '/batches') - before).toBe(1);
    await producer.disconnect();
  });
});
