import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createClients } from '../../lib/aws/clients';
import { decodeRecordBatch, splitBatches } from '../../lib/log/record-batch';
import type { Admin, Brook } from '../../lib/index';
import { startTestServer, uniqueTopic, type TestServer } from './support';

let server: TestServer;
let admin: Admin;
beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {}); // the server logs the 5xx answers injected here
  server = await startTestServer();
  admin = server.brook().admin();
});
afterAll(() => server.close());

async function topic(partitions = 1) {
  const name = uniqueTopic('idem');
  await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }] });
  return name;
}

/** Every record of a partition as [offset, value], with the producer fields of its batch. */
async function readAll(t: string, partition = 0) {
  const res = await fetch(`${server.url}/v3/clusters/brook-local/topics/${t}/partitions/${partition}/records?offset=0&max_wait_ms=0`, {
    headers: { accept: 'application/vnd.kafka.record-batches' },
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return splitBatches(bytes).flatMap(({ start, header }) =>
    decodeRecordBatch(bytes, start).records.map((r) => ({ offset: r.offset, value: r.value!.toString(), producerId: header.producerId, sequence: header.baseSequence })),
  );
}

/** A fetch that lets the server answer the first `times` produce requests, then throws the answer away. */
function droppingFetch(times: number) {
  let dropped = 0;
  const wrapped: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (String(input).endsWith('/batches') && dropped < times) {
      dropped++;
      await res.arrayBuffer();
      throw new TypeError('fetch failed: connection reset after the server answered');
    }
    return res;
  };
  return { fetch: wrapped, dropped: () => dropped };
}

async function producer(brook: Brook, config = {}) {
  const p = brook.producer({ lingerMs: 5, ...config });
  await p.connect();
  return p;
}

describe('idempotent producer', () => {
  it('is on by default: batches carry a producer id and per-partition sequences from 0', async () => {
    const t = await topic(2);
    const p = await producer(server.brook());
    expect(p.isIdempotent()).toBe(true);
    await p.send({ topic: t, messages: [{ partition: 0, value: 'a' }, { partition: 0, value: 'b' }, { partition: 1, value: 'c' }] });
    await p.send({ topic: t, messages: [{ partition: 0, value: 'd' }] });
    const p0 = await readAll(t, 0);
    expect(p0.map((r) => [r.value, r.sequence])).toEqual([['a', 0], ['b', 0], ['d', 2]]);
    expect(p0[0]!.producerId).toBeGreaterThanOrEqual(0);
    expect((await readAll(t, 1)).map((r) => r.sequence)).toEqual([0]);
    await p.disconnect();
  });

  it('a response lost on the way back is retried as a duplicate: one copy, the original offset', async () => {
    const t = await topic();
    const drop = droppingFetch(2);
    const p = await producer(server.brook({ fetch: drop.fetch }));
    const before = server.count('POST', '/batches');
    const meta = await p.send({ topic: t, messages: [{ value: 'once' }, { value: 'only' }] });
    expect(drop.dropped()).toBe(2);
    expect(server.count('POST', '/batches') - before).toBe(3);
    expect(meta[0]!.offset).toBe('0');
    expect((await readAll(t)).map((r) => [r.offset, r.value])).toEqual([[0, 'once'], [1, 'only']]);
    await p.send({ topic: t, messages: [{ value: 'next' }] });
    expect((await readAll(t)).map((r) => r.value)).toEqual(['once', 'only', 'next']);
    await p.disconnect();
  });

  it('without idempotence the same lost response writes the records twice (the case idempotence closes)', async () => {
    const t = await topic();
    const drop = droppingFetch(1);
    const p = await producer(server.brook({ fetch: drop.fetch }), { idempotent: false });
    await p.send({ topic: t, messages: [{ value: 'twice' }] });
    expect((await readAll(t)).map((r) => [r.offset, r.value, r.producerId])).toEqual([[0, 'twice', -1], [1, 'twice', -1]]);
    await p.disconnect();
  });

  it('a commit applied whose replies were all lost server-side is answered retriable, then recognised on retry', async () => {
    const t = await topic();
    const p = await producer(server.brook());
    await p.send({ topic: t, messages: [{ value: 'first' }] });
    // The server resends a commit with an unknown outcome 6 times, then answers a retriable error
    // although the first attempt was applied.
    server.faults.add({ service: 'dynamodb', command: 'TransactWriteItems', mode: 'fail-after', times: 7 });
    const before = server.count('POST', '/batches');
    const meta = await p.send({ topic: t, messages: [{ value: 'second' }] });
    expect(server.faults.injected).toBe(7);
    expect(server.count('POST', '/batches') - before).toBe(2);
    expect(meta[0]!.offset).toBe('1');
    expect((await readAll(t)).map((r) => r.value)).toEqual(['first', 'second']);
    server.faults.clear();
    await p.disconnect();
  });

  it('a failed S3 PUT is retried and written once', async () => {
    const t = await topic();
    const p = await producer(server.brook());
    server.faults.add({ service: 's3', command: 'PutObject', mode: 'fail-before', times: 2 });
    const meta = await p.send({ topic: t, messages: [{ value: 'kept' }] });
    expect(server.faults.injected).toBe(2);
    expect(meta[0]!.offset).toBe('0');
    expect((await readAll(t)).map((r) => r.value)).toEqual(['kept']);
    server.faults.clear();
    await p.disconnect();
  });

  it('keeps each partition in order with up to 5 requests in flight', async () => {
    const partitions = 8;
    const t = await topic(partitions);
    const p = await producer(server.brook(), { lingerMs: 0, maxInFlightRequests: 5 });
    // Slow commits, and partitions becoming ready one after another: requests overlap.
    server.faults.add({ service: 'dynamodb', command: 'TransactWriteItems', mode: 'delay', delayMs: 200, times: Infinity });
    server.maxConcurrentBatches = 0;
    const sends: Array<Promise<unknown>> = [];
    for (let i = 0; i < 160; i++) {
      sends.push(p.send({ topic: t, messages: [{ partition: i % partitions, value: String(i) }] }));
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(sends);
    server.faults.clear();
    // Up to 5 at once (usually exactly 5; fewer when a loaded machine lets partitions share a drain).
    expect(server.maxConcurrentBatches).toBeGreaterThan(1);
    expect(server.maxConcurrentBatches).toBeLessThanOrEqual(5);
    for (let part = 0; part < partitions; part++) {
      const values = (await readAll(t, part)).map((r) => Number(r.value));
      expect(values).toEqual(Array.from({ length: 20 }, (_, k) => k * partitions + part));
    }
    await p.disconnect();
  });

  it('under mixed faults (failed PUTs, lost commit replies, lost answers) every record lands once, in order', async () => {
    const partitions = 4;
    const t = await topic(partitions);
    const drop = droppingFetch(6);
    const p = await producer(server.brook({ fetch: drop.fetch, retry: { initialRetryTime: 10, retries: 20, maxRetryTime: 20_000 } }), { lingerMs: 2 });
    server.faults.add({ service: 's3', command: 'PutObject', mode: 'fail-before', times: 4 });
    server.faults.add({ service: 'dynamodb', command: 'TransactWriteItems', mode: 'fail-after', times: 12 });
    const sends: Array<Promise<unknown>> = [];
    for (let i = 0; i < 80; i++) {
      sends.push(p.send({ topic: t, messages: [{ partition: i % partitions, value: String(i) }] }));
      if (i % 8 === 7) await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(sends);
    expect(server.faults.injected).toBe(16);
    expect(drop.dropped()).toBe(6);
    server.faults.clear();
    for (let part = 0; part < partitions; part++) {
      const values = (await readAll(t, part)).map((r) => Number(r.value));
      expect(values).toEqual(Array.from({ length: 20 }, (_, k) => k * partitions + part));
    }
    await p.disconnect();
  });

  it('after UNKNOWN_PRODUCER_ID (producer state expired) it starts over under a new producer id', async () => {
    const t = await topic();
    const p = await producer(server.brook());
    await p.send({ topic: t, messages: [{ value: 'a' }] });
    const [first] = await readAll(t);
    // Expire the producer's state on this partition, as DynamoDB's TTL would.
    const config = inject('brookConfig');
    const { topic_id } = (await (await fetch(`${server.url}/v3/clusters/brook-local/topics/${t}`)).json()) as { topic_id: string };
    await createClients(config).ddb.send(
      new DeleteCommand({ TableName: config.metadataTable, Key: { pk: `producer#${first!.producerId}`, sk: `${topic_id}#0` } }),
    );
    const meta = await p.send({ topic: t, messages: [{ value: 'b' }] });
    expect(meta[0]!.offset).toBe('1');
    const records = await readAll(t);
    expect(records.map((r) => r.value)).toEqual(['a', 'b']);
    expect(records[1]!.producerId).not.toBe(first!.producerId);
    expect(records[1]!.sequence).toBe(0);
    await p.disconnect();
  });

  it('refuses more than 5 requests in flight when idempotent', () => {
    expect(() => server.brook().producer({ maxInFlightRequests: 6 })).toThrow(/at most 5/);
    expect(() => server.brook().producer({ maxInFlightRequests: 6, idempotent: false })).not.toThrow();
  });
});
