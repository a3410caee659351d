import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commitOffsets } from '../../lib/broker/commit-offsets';
import { groupLag } from '../../lib/broker/group-lag';
import { produce } from '../../lib/broker/produce';
import { testBroker } from '../support/broker';
import { SETTINGS, T0, topicWith } from './helpers';

const opts = (now: number) => ({ now, settings: SETTINGS });
const SLOT = SETTINGS.lagSlotMs;

describe('lag and Burrow status, with injected commit times', () => {
  const { broker } = testBroker();
  const produceN = (topic: string, partition: number, n: number) =>
    produce(broker, [{ topic, partition, records: Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), headers: [], timestamp: Date.now() })) }]);
  const commit = (groupId: string, topic: string, offsets: number[], now: number) =>
    commitOffsets(broker, groupId, { offsets: offsets.map((offset, partition) => ({ topic, partition, offset })) }, opts(now));

  it('lag per partition, max and total', async () => {
    const topic = await topicWith(broker, 3);
    await produceN(topic, 0, 10);
    await produceN(topic, 1, 4);
    const groupId = `g-${randomUUID()}`;
    await commit(groupId, topic, [3, 4, 0], T0);
    const lag = await groupLag(broker, groupId, opts(T0 + 1));
    expect(lag.rows.map((r) => [r.partition, r.currentOffset, r.logEndOffset, r.lag])).toEqual([
      [0, 3, 10, 7],
      [1, 4, 4, 0],
      [2, 0, 0, 0],
    ]);
    expect(lag).toMatchObject({ maxLag: 7, totalLag: 7, state: 'EMPTY' });
    expect(lag.max).toMatchObject({ topic, partition: 0 });
  });

  it('a consumer that stops committing while records arrive turns STOP (group ERROR); a caught-up one is OK', async () => {
    const topic = await topicWith(broker, 1);
    const stalled = `stalled-${randomUUID()}`;
    const caughtUp = `caught-up-${randomUUID()}`;
    // Both consume at the same pace for 4 slots...
    for (let i = 0; i < 4; i++) {
      await produceN(topic, 0, 5);
      const end = (i + 1) * 5;
      await commit(stalled, topic, [end - 2], T0 + i * SLOT);
      await commit(caughtUp, topic, [end], T0 + i * SLOT);
    }
    let s = await groupLag(broker, stalled, opts(T0 + 3 * SLOT + 100));
    // A lag that never goes down (here a steady 2) is Burrow's WARNING; the caught-up group is OK.
    expect(s.rows[0]).toMatchObject({ status: 'WARNING', lag: 2 });
    expect((await groupLag(broker, caughtUp, opts(T0 + 3 * SLOT + 100))).status).toBe('OK');
    expect(s.rows[0]!.window).toHaveLength(4);
    // ...then the stalled one stops, while records keep arriving and the other keeps up.
    for (let i = 4; i < 12; i++) {
      await produceN(topic, 0, 5);
      await commit(caughtUp, topic, [(i + 1) * 5], T0 + i * SLOT);
    }
    const now = T0 + 11 * SLOT + 100;
    s = await groupLag(broker, stalled, opts(now));
    expect(s.rows[0]).toMatchObject({ status: 'STOP', currentOffset: 18, logEndOffset: 60, lag: 42 });
    expect(s.status).toBe('ERROR');
    const ok = await groupLag(broker, caughtUp, opts(now));
    expect(ok.rows[0]).toMatchObject({ status: 'OK', lag: 0 });
    expect(ok.status).toBe('OK');
    expect(ok.complete).toBe(1); // a full window of 10 slots
  });

  it('commits that keep the same offset while lag grows are a STALL; growing lag with moving offsets a WARNING', async () => {
    const topic = await topicWith(broker, 2);
    const groupId = `g-${randomUUID()}`;
    for (let i = 0; i < 4; i++) {
      await produceN(topic, 0, 5);
      await produceN(topic, 1, 5);
      await commit(groupId, topic, [3, 3 + i], T0 + i * SLOT); // p0 stuck at 3; p1 moves by 1 while 5 arrive
    }
    const lag = await groupLag(broker, groupId, opts(T0 + 3 * SLOT + 100));
    expect(lag.rows.map((r) => r.status)).toEqual(['STALL', 'WARNING']);
    expect(lag.status).toBe('ERROR');
  });
});
