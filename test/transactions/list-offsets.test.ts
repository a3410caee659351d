import { describe, expect, it } from 'vitest';
import { call, testBroker } from '../support/broker';
import { C, txnClient } from './helpers';

describe('ListOffsets with an isolation level', () => {
  const t = testBroker();
  const tx = txnClient(t);
  const offsets = async (topic: string, query: string) => {
    const res = await call(t.app, 'GET', `${C}/topics/${topic}/partitions/0/offset?${query}`);
    expect(res.status, res.text).toBe(200);
    return res.json as { earliest_offset: number; latest_offset: number; timestamp_offset?: number };
  };

  it('latest is the last stable offset for read_committed, the high watermark otherwise; offsetsForTimes stops there too', async () => {
    const topic = await tx.topic(1);
    const t0 = Date.now() - 60_000;
    expect((await call(t.app, 'POST', `${C}/topics/${topic}/records`, { partition_id: 0, value: { type: 'STRING', data: 'old' }, timestamp: t0 })).status).toBe(200);
    const p = await tx.init();
    await tx.add(p, [[topic, 0]]);
    await tx.send(p, topic, { 0: ['a', 'b'] }); // offsets 1 and 2, open

    expect(await offsets(topic, '')).toMatchObject({ earliest_offset: 0, latest_offset: 3 });
    expect(await offsets(topic, 'isolation_level=read_uncommitted')).toMatchObject({ earliest_offset: 0, latest_offset: 3 });
    expect(await offsets(topic, 'isolation_level=read_committed')).toMatchObject({ earliest_offset: 0, latest_offset: 1 });
    // The first record at or after t0 + 1 s is the open transaction's: visible to read_uncommitted only.
    expect((await offsets(topic, `timestamp=${t0 + 1000}`)).timestamp_offset).toBe(1);
    expect((await offsets(topic, `timestamp=${t0 + 1000}&isolation_level=read_committed`)).timestamp_offset).toBe(-1);
    expect((await offsets(topic, `timestamp=${t0}&isolation_level=read_committed`)).timestamp_offset).toBe(0);

    expect((await tx.end(p, true)).status).toBe(200); // the marker takes offset 3
    expect(await offsets(topic, 'isolation_level=read_committed')).toMatchObject({ latest_offset: 4 });
    expect((await offsets(topic, `timestamp=${t0 + 1000}&isolation_level=read_committed`)).timestamp_offset).toBe(1);
  });

  it('an unknown isolation level is a 400', async () => {
    const topic = await tx.topic(1);
    const res = await call(t.app, 'GET', `${C}/topics/${topic}/partitions/0/offset?isolation_level=committed`);
    expect(res.status).toBe(400);
  });
});
