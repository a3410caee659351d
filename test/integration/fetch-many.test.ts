import { describe, expect, it } from 'vitest';
import { decodeRecordBatch } from '../../lib/log/record-batch';
import { decodeFetchResponse } from '../../lib/http/fetch-frames';
import { call, testBroker, uniqueTopic } from '../support/broker';

const C = '/v3/clusters/brook-local';

describe('multi-partition fetch (POST /fetch)', () => {
  const t = testBroker();
  const fetchMany = async (body: unknown) => {
    const res = await call(t.app, 'POST', `${C}/fetch`, body);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.brook.fetch');
    return decodeFetchResponse(res.bytes).map((p) => ({
      ...p,
      values: p.bytes ? decodeRecordBatch(p.batches).records.map((r) => `${r.offset}:${r.value}`) : [],
    }));
  };

  it('reads several partitions in one request, each from its own offset, with per-partition errors', async () => {
    const topic = uniqueTopic('fm');
    await call(t.app, 'POST', `${C}/topics`, { topic_name: topic, partitions_count: 3 });
    const entries = Array.from({ length: 6 }, (_, i) => ({ id: String(i), partition_id: i % 3, value: { type: 'STRING', data: `v${i}` } }));
    await call(t.app, 'POST', `${C}/topics/${topic}/records:batch`, { entries });
    const parts = await fetchMany({
      max_wait_ms: 0,
      partitions: [
        { topic_name: topic, partition_id: 0, offset: 0 },
        { topic_name: topic, partition_id: 1, offset: 1 },
        { topic_name: topic, partition_id: 2, offset: 7 },
        { topic_name: `${topic}-missing`, partition_id: 0, offset: 0 },
      ],
    });
    expect(parts[0]).toMatchObject({ error_code: 0, high_watermark: 2, values: ['0:v0', '1:v3'] });
    // The batch holding offset 1 starts at 0: the whole batch comes back, as in Kafka.
    expect(parts[1]).toMatchObject({ error_code: 0, high_watermark: 2, values: ['0:v1', '1:v4'] });
    expect(parts[2]).toMatchObject({ error_code: 1, error_name: 'OFFSET_OUT_OF_RANGE', bytes: 0 });
    expect(parts[3]).toMatchObject({ error_code: 3, error_name: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });

  it('waits at the log end of every partition until any of them gets a record', async () => {
    const topic = uniqueTopic('fm-wait');
    await call(t.app, 'POST', `${C}/topics`, { topic_name: topic, partitions_count: 2 });
    const waiting = fetchMany({ max_wait_ms: 15000, partitions: [0, 1].map((p) => ({ topic_name: topic, partition_id: p, offset: 0 })) });
    await new Promise((r) => setTimeout(r, 300));
    await call(t.app, 'POST', `${C}/topics/${topic}/records`, { partition_id: 1, value: { type: 'STRING', data: 'late' } });
    const parts = await waiting;
    expect(parts[0]!.values).toEqual([]);
    expect(parts[1]!.values).toEqual(['0:late']);
  });

  it('rejects a malformed fetch request with a 4xx', async () => {
    const res = await call(t.app, 'POST', `${C}/fetch`, { partitions: [] });
    expect(res.status).toBe(400);
    expect(res.json.error_name).toBe('INVALID_REQUEST');
  });
});
