import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createTopic } from '../../lib/broker/create-topic';
import { fetch } from '../../lib/broker/fetch';
import { produce } from '../../lib/broker/produce';
import { decodeRecordBatch } from '../../lib/log/record-batch';
import { collectGarbage } from '../../lib/maintenance/collect-garbage';
import { runMaintenance } from '../../lib/maintenance/run';
import { listSegments } from '../../lib/storage/segment-listing';
import { call, isolatedBroker, uniqueTopic } from '../support/broker';

const C = '/v3/clusters/brook-local';
const rec = (v: string, timestamp = Date.now()) => ({ key: null, value: Buffer.from(v), headers: [], timestamp });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function countObjects(broker: Awaited<ReturnType<typeof isolatedBroker>>['broker']) {
  let n = 0;
  for await (const page of listSegments(broker)) n += page.length;
  return n;
}

async function readValues(broker: Awaited<ReturnType<typeof isolatedBroker>>['broker'], topic: string, partition: number) {
  const out: string[] = [];
  for (let offset = 0; ; ) {
    const res = await fetch(broker, { topic, partition, offset, maxWaitMs: 0 });
    const recs = res.batches.flatMap((b) => decodeRecordBatch(b).records).filter((r) => r.offset >= offset);
    out.push(...recs.map((r) => r.value!.toString()));
    if (recs.length === 0 || offset >= res.highWatermark) return out;
    offset = recs[recs.length - 1]!.offset + 1;
  }
}

describe('garbage collection', () => {
  it('deletes objects nothing references once they are older than the grace period', async () => {
    const { broker } = await isolatedBroker();
    const topic = uniqueTopic('gc');
    await createTopic(broker, { topicName: topic, partitionsCount: 1 });
    await produce(broker, [{ topic, partition: 0, records: [rec('kept')] }]);
    for (const i of [1, 2, 3]) {
      await broker.clients.s3.send(new PutObjectCommand({ Bucket: broker.config.bucket, Key: `segments/orphan-${i}`, Body: Buffer.from('crash between PUT and commit') }));
    }
    expect(await countObjects(broker)).toBe(4);
    expect((await collectGarbage(broker, { graceMs: 60_000 })).objectsDeleted).toBe(0); // too young
    await sleep(1_200);
    const report = await collectGarbage(broker, { graceMs: 1_000 });
    expect(report.objectsDeleted).toBe(3);
    expect(await countObjects(broker)).toBe(1);
    expect(await readValues(broker, topic, 0)).toEqual(['kept']);
  });

  it('never deletes a committed object while producers are busy', async () => {
    const { broker } = await isolatedBroker();
    const topic = uniqueTopic('gc-race');
    await createTopic(broker, { topicName: topic, partitionsCount: 4 });
    let producing = true;
    let runs = 0;
    const sweeper = (async () => {
      while (producing) {
        await collectGarbage(broker, { graceMs: 3_000 });
        runs++;
      }
    })();
    const acked = await Promise.all(
      [0, 1, 2, 3].map(async (partition) => {
        const values: string[] = [];
        for (let i = 0; i < 25; i++) {
          const [r] = await produce(broker, [{ topic, partition, records: [rec(`p${partition}-${i}`)] }]);
          expect(r!.error).toBeUndefined();
          values.push(`p${partition}-${i}`);
        }
        return values;
      }),
    );
    producing = false;
    await sweeper;
    expect(runs).toBeGreaterThan(1);
    await sleep(3_100);
    await collectGarbage(broker, { graceMs: 3_000 });
    for (const partition of [0, 1, 2, 3]) expect(await readValues(broker, topic, partition)).toEqual(acked[partition]);
    expect(await countObjects(broker)).toBe(100);
  });

  it('removes the index entries and objects of a deleted topic', async () => {
    const { broker, app } = await isolatedBroker();
    const topic = uniqueTopic('gc-deleted');
    await createTopic(broker, { topicName: topic, partitionsCount: 2 });
    await produce(broker, [0, 1].map((partition) => ({ topic, partition, records: [rec('gone')] })));
    expect((await call(app, 'DELETE', `${C}/topics/${topic}`)).status).toBe(204);
    const report = await collectGarbage(broker, { graceMs: 0, now: Date.now() + 1_000 });
    expect(report.entriesOfDeletedTopics).toBe(2);
    expect(report.objectsDeleted).toBe(1);
  });

  it('a fetch racing retention and collection gets its records or OFFSET_OUT_OF_RANGE, never a 5xx or a partial batch', async () => {
    const { broker, app } = await isolatedBroker();
    const topic = uniqueTopic('gc-fetch-race');
    await call(app, 'POST', `${C}/topics`, { topic_name: topic, configs: [{ name: 'retention.ms', value: '1000' }] });
    const base = Date.now();
    for (let i = 0; i < 30; i++) {
      await call(app, 'POST', `${C}/topics/${topic}/records`, { value: { type: 'STRING', data: `v${i}` }, timestamp: base + i * 1000 });
    }
    let trimming = true;
    const trimmer = (async () => {
      // Move the clock forward: each run expires a few more entries; collection deletes their objects.
      for (let t = 2; t <= 32; t += 3) await runMaintenance(broker, { now: base + t * 1000, graceMs: 0 });
      trimming = false;
    })();
    const seen = { ok: 0, outOfRange: 0 };
    while (trimming) {
      for (const offset of [0, 10, 20, 29]) {
        const res = await call(app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=${offset}&max_wait_ms=0&value_format=STRING`);
        if (res.status === 416) {
          seen.outOfRange++;
          continue;
        }
        expect(res.status).toBe(200);
        seen.ok++;
        const offsets = res.json.data.map((r: any) => r.offset);
        expect(offsets[0]).toBe(offset);
        expect(res.json.data.map((r: any) => r.value.data)).toEqual(offsets.map((o: number) => `v${o}`));
        const raw = await call(app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=${offset}&max_wait_ms=0`, undefined, { accept: 'application/vnd.kafka.record-batches' });
        expect([200, 416]).toContain(raw.status);
        if (raw.status === 200 && raw.bytes.length > 0) expect(() => decodeRecordBatch(raw.bytes)).not.toThrow();
      }
    }
    await trimmer;
    // Every entry has expired by now: the whole log is out of range.
    expect((await call(app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=0&max_wait_ms=0`)).status).toBe(416);
    expect(seen.ok + seen.outOfRange).toBeGreaterThan(0);
  });
});
