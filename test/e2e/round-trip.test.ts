import { describe, expect, it } from 'vitest';
import { call, testBroker, uniqueTopic } from '../support/broker';

const C = '/v3/clusters/brook-local';

describe('produce and fetch round trip over the REST API', () => {
  const { app } = testBroker();

  it('keeps keys, values (binary byte-exact, JSON, string), headers and timestamps', async () => {
    const topic = uniqueTopic('rt');
    expect((await call(app, 'POST', `${C}/topics`, { topic_name: topic, partitions_count: 1 })).status).toBe(201);
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const ts = '2026-01-02T03:04:05.678Z';
    const batch = await call(app, 'POST', `${C}/topics/${topic}/records:batch`, {
      entries: [
        { id: 'bin', key: { type: 'BINARY', data: binary.toString('base64') }, value: { type: 'BINARY', data: binary.toString('base64') }, timestamp: ts },
        { id: 'json', key: { type: 'STRING', data: 'k-é' }, value: { type: 'JSON', data: { a: [1, 'x', null] } }, headers: [{ name: 'trace', value: Buffer.from('abc').toString('base64') }, { name: 'nil', value: null }] },
        { id: 'str', value: { type: 'STRING', data: 'hello 🌊' } },
        { id: 'null', key: { type: 'STRING', data: 'tomb' }, value: null },
      ],
    });
    expect(batch.status).toBe(207);
    expect(batch.json.failures).toEqual([]);
    expect(batch.json.successes.map((s: any) => s.offset)).toEqual([0, 1, 2, 3]);
    expect(batch.json.successes[0].timestamp).toBe(ts);
    expect(batch.json.successes[1].value).toEqual({ type: 'JSON', size: Buffer.byteLength('{"a":[1,"x",null]}') });

    const fetched = await call(app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=0`);
    expect(fetched.status).toBe(200);
    const recs = fetched.json.data;
    expect(recs).toHaveLength(4);
    expect(Buffer.from(recs[0].key.data, 'base64').equals(binary)).toBe(true);
    expect(Buffer.from(recs[0].value.data, 'base64').equals(binary)).toBe(true);
    expect(recs[0].timestamp).toBe(ts);
    expect(Buffer.from(recs[1].key.data, 'base64').toString()).toBe('k-é');
    expect(JSON.parse(Buffer.from(recs[1].value.data, 'base64').toString())).toEqual({ a: [1, 'x', null] });
    expect(recs[1].headers).toEqual([{ name: 'trace', value: Buffer.from('abc').toString('base64') }, { name: 'nil', value: null }]);
    expect(Buffer.from(recs[2].value.data, 'base64').toString()).toBe('hello 🌊');
    expect(recs[3].value).toBeNull();
    expect(fetched.json.high_watermark).toBe(4);
    expect(fetched.json.next_offset).toBe(4);

    const asText = await call(app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=1&key_format=STRING&value_format=JSON`);
    expect(asText.json.data[0].key).toEqual({ type: 'STRING', data: 'k-é' });
    expect(asText.json.data[0].value).toEqual({ type: 'JSON', data: { a: [1, 'x', null] } });
    expect(asText.json.data.map((r: any) => r.offset)).toEqual([1, 2, 3]);
  });

  it('answers a stream of concatenated records with one delivery report each, in order', async () => {
    const topic = uniqueTopic('stream');
    await call(app, 'POST', `${C}/topics`, { topic_name: topic, partitions_count: 2 });
    const body = [0, 1, 2].map((i) => JSON.stringify({ partition_id: i % 2, value: { type: 'JSON', data: i } })).join('\n');
    const res = await call(app, 'POST', `${C}/topics/${topic}/records`, body);
    expect(res.status).toBe(200);
    const reports = res.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(reports.map((r) => [r.partition_id, r.offset, r.error_code])).toEqual([[0, 0, 200], [1, 0, 200], [0, 1, 200]]);
  });
});
