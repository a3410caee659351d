import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commitOffsets } from '../../lib/broker/commit-offsets';
import { fetch } from '../../lib/broker/fetch';
import { fetchOffsets } from '../../lib/broker/fetch-offsets';
import { produce } from '../../lib/broker/produce';
import { decodeRecordBatch } from '../../lib/log/record-batch';
import { testBroker } from '../support/broker';
import { SETTINGS, T0, TestMember, topicWith } from './helpers';

describe('at-least-once: consume, commit, crash, restart', () => {
  const { broker } = testBroker();

  /** What a consumer does: read from the committed offset (or 0), process, maybe commit. */
  async function consume(m: TestMember, topic: string, now: number, commitAfter: number) {
    const [committed] = await fetchOffsets(broker, m.groupId, [topic]);
    const from = committed!.committedOffset === -1 ? 0 : committed!.committedOffset;
    const res = await fetch(broker, { topic, partition: 0, offset: from, maxWaitMs: 0 });
    const records = res.batches.flatMap((b) => decodeRecordBatch(b).records).filter((r) => r.offset >= from);
    const processed = records.slice(0, commitAfter + 2).map((r) => r.value!.toString());
    // Commit only the first `commitAfter` records; the last two are processed, then the process dies.
    await commitOffsets(broker, m.groupId, { memberId: m.memberId, memberEpoch: m.memberEpoch, offsets: [{ topic, partition: 0, offset: from + commitAfter }] }, { now, settings: SETTINGS });
    return processed;
  }

  it('records processed but not committed are delivered again to the next owner; none committed is skipped', async () => {
    const topic = await topicWith(broker, 1);
    await produce(broker, [{ topic, partition: 0, records: Array.from({ length: 10 }, (_, i) => ({ key: null, value: Buffer.from(`r${i}`), headers: [], timestamp: Date.now() })) }]);
    const groupId = `g-${randomUUID()}`;
    const first = new TestMember(broker, groupId, [topic]);
    await first.heartbeat(T0);
    const seenByFirst = await consume(first, topic, T0 + 1, 4); // commits offset 4, processed r0..r5, then crashes

    // The crashed member times out; a new one takes the partition and resumes from the commit.
    const second = new TestMember(broker, groupId, [topic]);
    await second.heartbeat(T0 + 2_000);
    expect(second.owned).toEqual({ [topic]: [0] });
    const seenBySecond = await consume(second, topic, T0 + 2_001, 6);
    expect(seenByFirst).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect(seenBySecond[0]).toBe('r4'); // r4 and r5 again: at least once
    const all = new Set([...seenByFirst, ...seenBySecond]);
    expect([...all].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`).sort());
    // The crashed member cannot commit over the new owner's progress.
    await expect(
      commitOffsets(broker, groupId, { memberId: first.memberId, memberEpoch: first.memberEpoch, offsets: [{ topic, partition: 0, offset: 6 }] }, { now: T0 + 2_002, settings: SETTINGS }),
    ).rejects.toMatchObject({ errorName: 'UNKNOWN_MEMBER_ID' });
    expect((await fetchOffsets(broker, groupId, [topic]))[0]!.committedOffset).toBe(10);
  });
});
