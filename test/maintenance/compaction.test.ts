import { describe, expect, it } from 'vitest';
import { runMaintenance } from '../../lib/maintenance/run';
import { decodeFetchResponse } from '../../lib/http/fetch-frames';
import { call, isolatedBroker, uniqueTopic } from '../support/broker';

const C = '/v3/clusters/brook-local';
const str = (s: string | null) => (s === null ? null : { type: 'STRING', data: s });

describe('compacted topics (cleanup.policy=compact)', () => {
  it('keeps the latest record per key, drops tombstones after delete.retention.ms, never moves offsets', async () => {
    const { app, broker } = await isolatedBroker();
    const topic = uniqueTopic('compact');
    await call(app, 'POST', `${C}/topics`, {
      topic_name: topic,
      configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'delete.retention.ms', value: '60000' }],
    });
    const t0 = Date.now();
    for (const [k, v] of [['k1', 'a'], ['k2', 'b'], ['k1', 'c'], ['k2', null]] as const) {
      const res = await call(app, 'POST', `${C}/topics/${topic}/records`, { key: str(k), value: str(v), timestamp: t0 });
      expect(res.status).toBe(200);
    }
    const read = async () => {
      const res = await call(app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=0&key_format=STRING&value_format=STRING`);
      return { items: res.json.data.map((r: any) => `${r.offset}:${r.key.data}=${r.value?.data ?? 'null'}`), next: res.json.next_offset };
    };

    // Before the tombstone delay: k2's tombstone stays, superseded records go.
    await runMaintenance(broker, { now: t0 + 1_000, merge: false });
    expect((await read()).items).toEqual(['2:k1=c', '3:k2=null']);

    // After it: only k1=c is left, still at offset 2; a consumer steps over the gaps to the end.
    const report = await runMaintenance(broker, { now: t0 + 120_000, merge: false });
    expect(report.recordsCompacted).toBe(1);
    const after = await read();
    expect(after.items).toEqual(['2:k1=c']);
    expect(after.next).toBe(3);
    const atGap = await call(app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=3&max_wait_ms=0`);
    expect(atGap.json.data).toEqual([]);
    expect(atGap.json.next_offset).toBe(4); // the trailing gap: go to the log end
    const offsets = await call(app, 'GET', `${C}/topics/${topic}/partitions/0/offset`);
    expect(offsets.json).toMatchObject({ earliest_offset: 0, latest_offset: 4 });

    // The binary paths say where to go next too.
    const many = await call(app, 'POST', `${C}/fetch`, { max_wait_ms: 0, partitions: [{ topic_name: topic, partition_id: 0, offset: 3 }] });
    expect(decodeFetchResponse(many.bytes)[0]).toMatchObject({ bytes: 0, next_offset: 4, high_watermark: 4 });

    // New records for a key supersede the compacted ones at the next run.
    await call(app, 'POST', `${C}/topics/${topic}/records`, { key: str('k1'), value: str('d'), timestamp: t0 });
    await runMaintenance(broker, { now: t0 + 240_000, merge: false });
    expect((await read()).items).toEqual(['4:k1=d']);
  });

  it('leaves records younger than min.compaction.lag.ms alone', async () => {
    const { app, broker } = await isolatedBroker();
    const topic = uniqueTopic('compact-lag');
    await call(app, 'POST', `${C}/topics`, { topic_name: topic, configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'min.compaction.lag.ms', value: '60000' }] });
    const t0 = Date.now();
    for (const v of ['a', 'b', 'c']) await call(app, 'POST', `${C}/topics/${topic}/records`, { key: str('k'), value: str(v), timestamp: t0 });
    expect((await runMaintenance(broker, { now: t0 + 1_000, merge: false })).recordsCompacted).toBe(0);
    expect((await runMaintenance(broker, { now: t0 + 61_000, merge: false })).recordsCompacted).toBe(2);
  });

  it('refuses keyless records on a compacted topic', async () => {
    const { app } = await isolatedBroker();
    const topic = uniqueTopic('compact-keyless');
    await call(app, 'POST', `${C}/topics`, { topic_name: topic, configs: [{ name: 'cleanup.policy', value: 'compact' }] });
    const res = await call(app, 'POST', `${C}/topics/${topic}/records`, { value: str('no key') });
    expect(res.status).toBe(400);
    expect(res.json.error_name).toBe('INVALID_RECORD');
  });
});
