import { describe, expect, it } from 'vitest';
import { runMaintenance } from '../../lib/maintenance/run';
import { call, isolatedBroker, uniqueTopic } from '../support/broker';

const C = '/v3/clusters/brook-local';
const HOUR = 3_600_000;

async function produceAt(app: Awaited<ReturnType<typeof isolatedBroker>>['app'], topic: string, stamps: number[], size = 10) {
  for (const [i, ts] of stamps.entries()) {
    const res = await call(app, 'POST', `${C}/topics/${topic}/records`, { key: { type: 'STRING', data: `k${i}` }, value: { type: 'STRING', data: 'x'.repeat(size) }, timestamp: ts });
    expect(res.status).toBe(200);
  }
}

describe('retention', () => {
  it('drops records older than retention.ms and keeps newer ones', async () => {
    const { app, broker } = await isolatedBroker();
    const topic = uniqueTopic('ret-ms');
    await call(app, 'POST', `${C}/topics`, { topic_name: topic, configs: [{ name: 'retention.ms', value: String(HOUR) }] });
    const now = Date.now();
    await produceAt(app, topic, [now - 5 * HOUR, now - 3 * HOUR, now - 2 * HOUR, now - HOUR / 2, now]);
    const report = await runMaintenance(broker, { now });
    expect(report.partitionsTrimmed).toBe(1);
    const offsets = await call(app, 'GET', `${C}/topics/${topic}/partitions/0/offset`);
    expect(offsets.json).toMatchObject({ earliest_offset: 3, latest_offset: 5 });
    const gone = await call(app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=0`);
    expect(gone.json.error_name).toBe('OFFSET_OUT_OF_RANGE');
    const kept = await call(app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=3`);
    expect(kept.json.data.map((r: any) => r.offset)).toEqual([3, 4]);
    // A second run has nothing left to do.
    expect((await runMaintenance(broker, { now })).partitionsTrimmed).toBe(0);
  });

  it('keeps a partition under retention.bytes, dropping the oldest entries first', async () => {
    const { app, broker } = await isolatedBroker();
    const topic = uniqueTopic('ret-bytes');
    await call(app, 'POST', `${C}/topics`, { topic_name: topic, configs: [{ name: 'retention.bytes', value: '500' }] });
    await produceAt(app, topic, Array.from({ length: 10 }, () => Date.now()), 100);
    await runMaintenance(broker);
    const offsets = await call(app, 'GET', `${C}/topics/${topic}/partitions/0/offset`);
    // Each record is one entry of ~170 bytes: at most 2 fit in 500 bytes.
    expect(offsets.json.latest_offset).toBe(10);
    expect(offsets.json.earliest_offset).toBeGreaterThanOrEqual(8);
    const rest = await call(app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=${offsets.json.earliest_offset}`);
    expect(rest.json.data.length).toBe(10 - offsets.json.earliest_offset);
  });

  it('leaves compact-only topics and unbounded ones alone', async () => {
    const { app, broker } = await isolatedBroker();
    const compact = uniqueTopic('ret-compact');
    const forever = uniqueTopic('ret-forever');
    await call(app, 'POST', `${C}/topics`, { topic_name: compact, configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'retention.ms', value: '1' }] });
    await call(app, 'POST', `${C}/topics`, { topic_name: forever, configs: [{ name: 'retention.ms', value: '-1' }] });
    await produceAt(app, compact, [1000]);
    await produceAt(app, forever, [1000]);
    expect((await runMaintenance(broker)).partitionsTrimmed).toBe(0);
  });

  it('DeleteRecords moves the log start; fetches below it answer OFFSET_OUT_OF_RANGE', async () => {
    const { app } = await isolatedBroker();
    const topic = uniqueTopic('delrec');
    await call(app, 'POST', `${C}/topics`, { topic_name: topic });
    await produceAt(app, topic, [1, 2, 3, 4].map(() => Date.now()));
    const res = await call(app, 'POST', `${C}/topics/${topic}/partitions/0/records:delete`, { offset: 2 });
    expect(res.json).toMatchObject({ low_watermark: 2 });
    expect((await call(app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=1`)).status).toBe(416);
    expect((await call(app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=2`)).json.data.map((r: any) => r.offset)).toEqual([2, 3]);
    // Less than the current log start changes nothing; past the high watermark is refused.
    expect((await call(app, 'POST', `${C}/topics/${topic}/partitions/0/records:delete`, { offset: 1 })).json.low_watermark).toBe(2);
    expect((await call(app, 'POST', `${C}/topics/${topic}/partitions/0/records:delete`, { offset: 9 })).status).toBe(416);
    expect((await call(app, 'POST', `${C}/topics/${topic}/partitions/0/records:delete`, { offset: -1 })).json.low_watermark).toBe(4);
  });

  it('alters topic configs, refusing unknown names and bad values without writing', async () => {
    const { app } = await isolatedBroker();
    const topic = uniqueTopic('alter');
    await call(app, 'POST', `${C}/topics`, { topic_name: topic });
    const ok = await call(app, 'POST', `${C}/topics/${topic}/configs:alter`, { data: [{ name: 'retention.ms', value: '60000' }, { name: 'cleanup.policy', value: 'compact,delete' }] });
    expect(ok.status).toBe(204);
    const bad = await call(app, 'POST', `${C}/topics/${topic}/configs:alter`, { data: [{ name: 'retention.ms', value: '5' }, { name: 'retention.mss', value: '1' }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error_name).toBe('INVALID_CONFIG');
    const badValue = await call(app, 'POST', `${C}/topics/${topic}/configs:alter`, { data: [{ name: 'retention.ms', value: 'soon' }] });
    expect(badValue.json.error_name).toBe('INVALID_CONFIG');
    const configs = await call(app, 'GET', `${C}/topics/${topic}/configs`);
    const get = (n: string) => configs.json.data.find((c: any) => c.name === n);
    expect(get('retention.ms').value).toBe('60000');
    expect(get('cleanup.policy').value).toBe('compact,delete');
    await call(app, 'POST', `${C}/topics/${topic}/configs:alter`, { data: [{ name: 'retention.ms', operation: 'DELETE' }] });
    const after = await call(app, 'GET', `${C}/topics/${topic}/configs`);
    expect(after.json.data.find((c: any) => c.name === 'retention.ms')).toMatchObject({ value: '604800000', is_default: true });
  });
});
