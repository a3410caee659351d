import { describe, expect, it } from 'vitest';
import { call, testBroker, uniqueTopic } from '../support/broker';

const C = '/v3/clusters/brook-local';

describe('long-poll fetch at the log end', () => {
  const { app } = testBroker();

  it('returns the new record soon after a produce, well before max_wait_ms', async () => {
    const topic = uniqueTopic('lp');
    await call(app, 'POST', `${C}/topics`, { topic_name: topic });
    const started = Date.now();
    const waiting = call(app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=0&max_wait_ms=20000&value_format=STRING`);
    await new Promise((r) => setTimeout(r, 300));
    const produced = await call(app, 'POST', `${C}/topics/${topic}/records`, { value: { type: 'STRING', data: 'wake up' } });
    expect(produced.status).toBe(200);
    const res = await waiting;
    // A fetch that had slept through the produce would come back empty at the deadline.
    expect(res.json.data.map((r: any) => r.value.data)).toEqual(['wake up']);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('returns empty after max_wait_ms when nothing arrives', async () => {
    const topic = uniqueTopic('lp-empty');
    await call(app, 'POST', `${C}/topics`, { topic_name: topic });
    const started = Date.now();
    const res = await call(app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=0&max_wait_ms=400`);
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual([]);
    expect(res.json.next_offset).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });
});
