import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { call, testBroker, uniqueTopic } from '../support/broker';

const C = '/v3/clusters/brook-local';
const require = createRequire(import.meta.url);
// kafkajs's DefaultPartitioner is the Java client's murmur2 placement: the oracle.
const { Partitioners } = require('kafkajs');

describe('keyed records without partition_id are placed as the Java client places them', () => {
  it('matches kafkajs DefaultPartitioner for STRING and BINARY keys', async () => {
    const { app } = testBroker();
    const topic = uniqueTopic('place');
    const partitions = 7;
    await call(app, 'POST', `${C}/topics`, { topic_name: topic, partitions_count: partitions });
    const partitioner = Partitioners.DefaultPartitioner();
    const meta = { topic, partitionMetadata: Array.from({ length: partitions }, (_, p) => ({ partitionId: p, leader: 0 })) };
    const keys = ['alice', 'bob', 'carol', 'user-1', 'user-2', 'order:42', '', 'ünïcode', '🐟', 'a'.repeat(100)];
    const entries = keys.map((k, i) => ({ id: String(i), key: { type: 'STRING', data: k }, value: { type: 'JSON', data: i } }));
    entries.push({ id: 'bin', key: { type: 'BINARY', data: Buffer.from([0, 1, 2, 255]).toString('base64') }, value: { type: 'JSON', data: 0 } });
    const res = await call(app, 'POST', `${C}/topics/${topic}/records:batch`, { entries });
    expect(res.status).toBe(207);
    const expected = [...keys.map((k) => Buffer.from(k)), Buffer.from([0, 1, 2, 255])].map((key) => partitioner({ ...meta, message: { key } }));
    expect(res.json.successes.map((s: any) => s.partition_id)).toEqual(expected);
    expect(new Set(expected).size).toBeGreaterThan(1);
  });
});
