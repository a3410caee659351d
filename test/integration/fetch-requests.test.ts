import { describe, expect, it } from 'vitest';
import { call, testBroker, uniqueTopic } from '../support/broker';

const C = '/v3/clusters/brook-local';

describe('fetch: request count (the cost stated in docs/ARCHITECTURE.md)', () => {
  it.each(['read_uncommitted', 'read_committed'])('%s on a plain topic costs 1 GetItem + 1 Query + 1 ranged GET per object', async (isolation) => {
    const t = testBroker();
    const topic = uniqueTopic('fetch-cost');
    await call(t.app, 'POST', `${C}/topics`, { topic_name: topic });
    await call(t.app, 'POST', `${C}/topics/${topic}/records:batch`, { entries: [{ id: '1', value: { data: 1 } }, { id: '2', value: { data: 2 } }] });
    await call(t.app, 'POST', `${C}/topics/${topic}/records`, { value: { data: 3 } });
    await t.broker.background.settled(); // the publishedThrough hint moves after the answer
    t.counter.reset();
    const res = await call(t.app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=0&max_wait_ms=0&isolation_level=${isolation}`);
    expect(res.json.data).toHaveLength(3);
    expect(t.counter.snapshot()).toEqual({ 'dynamodb:GetItem': 1, 'dynamodb:Query': 1, 's3:GetObject': 2 });
  });
});
