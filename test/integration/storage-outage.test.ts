import { describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../lib/log/record-batch';
import { encodeFrames } from '../../lib/http/batch-frames';
import { call, testBroker, uniqueTopic } from '../support/broker';

const C = '/v3/clusters/brook-local';
const batch = (v: string) => encodeRecordBatch([{ key: null, value: Buffer.from(v), headers: [], timestamp: Date.now() }]);

// Regressions found by `npm run chaos -- --seeds 1-20 --duration 60s` (seeds 2, 12 and 13).
describe('storage outages are retriable answers, never "do not retry"', () => {
  it('chaos seed 2: a DynamoDB 5xx on the reservation or the head read answers a retriable 503 on produce and fetch', async () => {
    const t = testBroker();
    const topic = uniqueTopic('outage');
    await call(t.app, 'POST', `${C}/topics`, { topic_name: topic });
    await call(t.app, 'POST', `${C}/topics/${topic}/records`, { value: { data: 'warm the topic cache' } });
    t.faults.add({ service: 'dynamodb', command: 'UpdateItem', mode: 'fail-before', times: 1 });
    const produced = await call(t.app, 'POST', `${C}/topics/${topic}/records`, { value: { data: 1 } });
    expect(produced.status).toBe(503);
    expect(produced.json).toMatchObject({ error_name: 'KAFKA_STORAGE_ERROR', retriable: true });
    t.faults.add({ service: 'dynamodb', command: 'GetItem', mode: 'fail-before', times: 1 });
    const fetched = await call(t.app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=0`);
    expect(fetched.status).toBe(503);
    expect(fetched.json.retriable).toBe(true);
    t.faults.add({ service: 'dynamodb', command: 'Query', mode: 'throttle', times: 1 });
    const throttled = await call(t.app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=0`);
    expect(throttled.status).toBe(429);
    expect(throttled.json).toMatchObject({ error_name: 'THROTTLING_QUOTA_EXCEEDED', retriable: true });
  });

  it('chaos seed 2 (op p1-op7): one partition failing after the PUT does not fail the partitions that committed', async () => {
    const t = testBroker();
    const topic = uniqueTopic('outage-partial');
    await call(t.app, 'POST', `${C}/topics`, { topic_name: topic, partitions_count: 2 });
    await call(t.app, 'POST', `${C}/topics/${topic}/records`, { partition_id: 0, value: { data: 'warm' } });
    t.faults.add({ service: 'dynamodb', command: 'UpdateItem', mode: 'fail-before', times: 1 });
    const res = await call(t.app, 'POST', `${C}/batches`, new Uint8Array(encodeFrames([0, 1].map((partition) => ({ topic, partition, batches: batch(`p${partition}`) })))), {
      'content-type': 'application/vnd.brook.batches',
    });
    expect(res.status).toBe(200);
    const failed = res.json.data.filter((d: any) => d.error_code !== 0);
    const ok = res.json.data.filter((d: any) => d.error_code === 0);
    expect(failed).toHaveLength(1);
    expect(ok).toHaveLength(1);
    expect(failed[0].error).toMatchObject({ error_name: 'KAFKA_STORAGE_ERROR', retriable: true });
    const read = await call(t.app, 'GET', `${C}/topics/${topic}/partitions/${ok[0].partition_id}/records?offset=${ok[0].base_offset}&value_format=STRING`);
    expect(read.json.data[0].value.data).toBe(`p${ok[0].partition_id}`);
  });
});
