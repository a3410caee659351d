import { describe, expect, it } from 'vitest';
import { createTopic } from '../../lib/broker/create-topic';
import { fetch } from '../../lib/broker/fetch';
import { produce } from '../../lib/broker/produce';
import { decodeRecordBatch } from '../../lib/log/record-batch';
import { runMaintenance } from '../../lib/maintenance/run';
import { listSegments } from '../../lib/storage/segment-listing';
import { isolatedBroker, uniqueTopic } from '../support/broker';

type B = Awaited<ReturnType<typeof isolatedBroker>>;

async function countObjects(broker: B['broker']) {
  let n = 0;
  for await (const page of listSegments(broker)) n += page.length;
  return n;
}

/** Every record of a partition as "offset:value", read with fetches of `maxBytes`. */
async function readAll(t: B, topic: string, partition: number, maxBytes = 1024 * 1024) {
  const out: string[] = [];
  let offset = 0;
  for (;;) {
    const res = await fetch(t.broker, { topic, partition, offset, maxWaitMs: 0, maxBytes });
    const recs = res.batches.flatMap((b) => decodeRecordBatch(b).records).filter((r) => r.offset >= offset);
    if (recs.length === 0) return out;
    out.push(...recs.map((r) => `${r.offset}:${r.value}`));
    offset = recs[recs.length - 1]!.offset + 1;
  }
}

describe('small-object compaction', () => {
  it('merges 1,000 small produce requests into a few objects; same records at the same offsets', async () => {
    const t = await isolatedBroker();
    const topic = uniqueTopic('merge');
    await createTopic(t.broker, { topicName: topic, partitionsCount: 2 });
    let n = 0;
    await Promise.all(
      [0, 1, 2, 3].map(async (w) => {
        for (let i = 0; i < 250; i++) {
          const k = n++;
          const [r] = await produce(t.broker, [{ topic, partition: w % 2, records: [{ key: null, value: Buffer.from(`w${w}-${i}`), headers: [], timestamp: Date.now() }] }]);
          expect(r!.error).toBeUndefined();
          expect(k).toBeLessThan(1000);
        }
      }),
    );
    const before = [await readAll(t, topic, 0), await readAll(t, topic, 1)];
    expect(before[0]!.length + before[1]!.length).toBe(1000);
    expect(await countObjects(t.broker)).toBe(1000);

    t.counter.reset();
    const report = await runMaintenance(t.broker, { now: Date.now() + 120_000, graceMs: 0 });
    const requests = t.counter.snapshot();
    expect(report.entriesMerged).toBe(1000);
    expect(report.objectsDeleted).toBe(1000);
    const after = await countObjects(t.broker);
    expect(after).toBeLessThanOrEqual(2); // one new object per partition
    expect(requests['s3:PutObject']).toBe(2);

    expect(await readAll(t, topic, 0)).toEqual(before[0]);
    expect(await readAll(t, topic, 1)).toEqual(before[1]);
    // Reading a whole partition now takes one ranged GET instead of 500.
    t.counter.reset();
    await fetch(t.broker, { topic, partition: 0, offset: 0, maxWaitMs: 0 });
    expect(t.counter.get('s3:GetObject')).toBe(1);
  }, 240_000);

  it('leaves young entries and large entries alone', async () => {
    const t = await isolatedBroker();
    const topic = uniqueTopic('merge-skip');
    await createTopic(t.broker, { topicName: topic, partitionsCount: 1 });
    for (let i = 0; i < 5; i++) await produce(t.broker, [{ topic, partition: 0, records: [{ key: null, value: Buffer.from(`v${i}`), headers: [], timestamp: Date.now() }] }]);
    expect((await runMaintenance(t.broker)).entriesMerged).toBe(0); // younger than a minute
    expect((await runMaintenance(t.broker, { now: Date.now() + 120_000, merge: { smallBytes: 10 } })).entriesMerged).toBe(0);
    expect((await runMaintenance(t.broker, { now: Date.now() + 120_000 })).entriesMerged).toBe(5);
  });
});
