import { describe, expect, it } from 'vitest';
import { call, testBroker, uniqueTopic } from '../support/broker';

const C = '/v3/clusters/brook-local';

describe('topic admin over the REST API', () => {
  const { app } = testBroker();

  it('creates, lists, describes, grows and deletes a topic', async () => {
    const topic = uniqueTopic('admin');
    const created = await call(app, 'POST', `${C}/topics`, { topic_name: topic, partitions_count: 2, configs: [{ name: 'retention.ms', value: '1000' }] });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(created.json.metadata.self);
    expect(created.json).toMatchObject({ kind: 'KafkaTopic', topic_name: topic, partitions_count: 2, is_internal: false });

    const list = await call(app, 'GET', `${C}/topics`);
    expect(list.json.kind).toBe('KafkaTopicList');
    expect(list.json.data.map((t: any) => t.topic_name)).toContain(topic);

    const parts = await call(app, 'GET', `${C}/topics/${topic}/partitions`);
    expect(parts.json.data.map((p: any) => p.partition_id)).toEqual([0, 1]);
    expect((await call(app, 'GET', `${C}/topics/${topic}/partitions/1`)).json.kind).toBe('KafkaPartition');

    const configs = await call(app, 'GET', `${C}/topics/${topic}/configs`);
    const retention = configs.json.data.find((c: any) => c.name === 'retention.ms');
    expect(retention).toMatchObject({ value: '1000', is_default: false, source: 'DYNAMIC_TOPIC_CONFIG' });
    expect(configs.json.data.find((c: any) => c.name === 'cleanup.policy')).toMatchObject({ value: 'delete', is_default: true });

    const grown = await call(app, 'PATCH', `${C}/topics/${topic}`, { partitions_count: 4 });
    expect(grown.status).toBe(200);
    expect(grown.json.partitions_count).toBe(4);
    const p3 = await call(app, 'POST', `${C}/topics/${topic}/records`, { partition_id: 3, value: { data: 'new partition' } });
    expect(p3.json).toMatchObject({ partition_id: 3, offset: 0 });

    expect((await call(app, 'DELETE', `${C}/topics/${topic}`)).status).toBe(204);
    expect((await call(app, 'GET', `${C}/topics/${topic}`)).status).toBe(404);
    expect((await call(app, 'POST', `${C}/topics/${topic}/records`, { value: { data: 1 } })).status).toBe(404);
    // The name is free again, and the new topic starts from offset 0.
    expect((await call(app, 'POST', `${C}/topics`, { topic_name: topic })).status).toBe(201);
    expect((await call(app, 'POST', `${C}/topics/${topic}/records`, { value: { data: 1 } })).json.offset).toBe(0);
  });

  it('validate_only checks a topic without creating it', async () => {
    const topic = uniqueTopic('dry');
    const res = await call(app, 'POST', `${C}/topics`, { topic_name: topic, partitions_count: 3, validate_only: true });
    expect(res.status).toBe(200);
    expect((await call(app, 'GET', `${C}/topics/${topic}`)).status).toBe(404);
  });

  it('lists offsets, earliest, latest and by timestamp', async () => {
    const topic = uniqueTopic('offsets');
    await call(app, 'POST', `${C}/topics`, { topic_name: topic });
    const entries = [1000, 2000, 3000].map((ts, i) => ({ id: String(i), value: { data: i }, timestamp: ts }));
    await call(app, 'POST', `${C}/topics/${topic}/records:batch`, { entries });
    const off = await call(app, 'GET', `${C}/topics/${topic}/partitions/0/offset?timestamp=1500`);
    expect(off.json).toMatchObject({ kind: 'KafkaPartitionWithOffsets', earliest_offset: 0, latest_offset: 3, timestamp_offset: 1 });
    expect((await call(app, 'GET', `${C}/topics/${topic}/partitions/0/offset?timestamp=9999`)).json.timestamp_offset).toBe(-1);
    expect((await call(app, 'GET', `${C}/topics/${topic}/partitions/0/offset?timestamp=0`)).json.timestamp_offset).toBe(0);
  });

  it('serves the OpenAPI document', async () => {
    const res = await call(app, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.json.paths)).toContain('/v3/clusters/{cluster_id}/topics/{topic_name}/records:batch');
  });
});
