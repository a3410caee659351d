// The SDK's consumer groups against the real server on the emulators, with short timeouts: the
// server reads its group settings from the environment at each call (lib/groups/settings.ts).
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Consumer, ConsumerConfig, ConsumerRunConfig, Producer, RebalanceListener } from '../../lib/index';
import { quiet, startTestServer, uniqueTopic, until, type TestServer } from './support';

process.env.BROOK_GROUP_MIN_SESSION_TIMEOUT_MS = '300';
process.env.BROOK_GROUP_HEARTBEAT_INTERVAL_MS = '100';
const SESSION = 1_500;

let server: TestServer;
let admin: Admin;
let producer: Producer;
const running: Consumer[] = [];
beforeAll(async () => {
  server = await startTestServer();
  admin = server.brook().admin();
  producer = server.brook().producer({ lingerMs: 5 });
  await producer.connect();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
});
afterAll(async () => {
  await producer.disconnect();
  await server.close();
});

async function topic(partitions = 4, perPartition = 0) {
  const name = uniqueTopic('grp');
  await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }] });
  if (perPartition > 0) await produce(name, partitions, perPartition, 'old');
  return name;
}

async function produce(t: string, partitions: number, perPartition: number, tag: string) {
  const messages = Array.from({ length: partitions * perPartition }, (_, i) => ({ partition: i % partitions, value: `${tag}-${i % partitions}-${Math.floor(i / partitions)}` }));
  await producer.send({ topic: t, messages });
}

interface Member {
  consumer: Consumer;
  /** Every message handed to eachMessage: "partition@offset". */
  seen: string[];
  owned: Set<number>;
  /** Listener calls in order: "assigned 0,1", "revoked 2", "lost 0,1,2,3". */
  events: string[];
  crashes: unknown[];
  warnings: string[];
  /** When the last heartbeat that got an answer was sent (the server's lastHeartbeat is no earlier). */
  lastBeatAt: number;
  /** Cut every request (a crash without leaving), or only heartbeats. */
  cut(what: 'all' | 'heartbeats' | 'none'): void;
}

type MemberOptions = Partial<ConsumerConfig> & {
  fromBeginning?: boolean;
  /** Rewrites the body of a request the member sends (to provoke an answer). */
  rewrite?: (url: string, body: string) => string;
  run?: Partial<ConsumerRunConfig>;
  onMessage?: (m: Member, partition: number, offset: number) => Promise<void> | void;
  listener?: (m: Member) => RebalanceListener;
};

async function member(groupId: string, t: string, o: MemberOptions = {}): Promise<Member> {
  let cut: 'all' | 'heartbeats' | 'none' = 'none';
  const warnings: string[] = [];
  const brook = server.brook({
    logger: { ...quiet, warn: (message, extra) => void warnings.push(`${message} ${JSON.stringify(extra)}`) },
    fetch: (url, init) => {
      const blocked = cut === 'all' || (cut === 'heartbeats' && String(url).endsWith('/heartbeat'));
      if (blocked) return Promise.reject(new TypeError('fetch failed (cut by the test)'));
      const sent = Date.now();
      const body = o.rewrite && init?.body instanceof Uint8Array ? o.rewrite(String(url), Buffer.from(init.body).toString('utf8')) : init?.body;
      return fetch(url, { ...init, body }).then((res) => {
        if (String(url).endsWith('/heartbeat') && res.ok) m.lastBeatAt = Math.max(m.lastBeatAt, sent);
        return res;
      });
    },
  });
  const { fromBeginning, run, onMessage, listener, rewrite: _rewrite, ...config } = o;
  const m = { seen: [], owned: new Set<number>(), events: [], crashes: [], warnings, lastBeatAt: 0, cut: (what: typeof cut) => void (cut = what) } as unknown as Member;
  const tps = (ps: Array<{ partition: number }>) => ps.map((p) => p.partition).sort((a, b) => a - b);
  const own = listener?.(m) ?? {};
  m.consumer = brook.consumer({
    groupId,
    sessionTimeout: SESSION,
    maxWaitTimeInMs: 200,
    ...config,
    rebalanceListener: {
      onPartitionsAssigned: async (ps) => {
        m.events.push(`assigned ${tps(ps)}`);
        tps(ps).forEach((p) => m.owned.add(p));
        await own.onPartitionsAssigned?.(ps);
      },
      onPartitionsRevoked: async (ps) => {
        m.events.push(`revoked ${tps(ps)}`);
        await own.onPartitionsRevoked?.(ps);
        tps(ps).forEach((p) => m.owned.delete(p));
      },
      onPartitionsLost: async (ps) => {
        m.events.push(`lost ${tps(ps)}`);
        tps(ps).forEach((p) => m.owned.delete(p));
      },
    },
  });
  m.consumer.on(m.consumer.events.CRASH, (e) => m.crashes.push((e.payload as { error: unknown }).error));
  await m.consumer.subscribe({ topic: t, ...(fromBeginning !== undefined ? { fromBeginning } : {}) });
  await m.consumer.run({
    ...run,
    eachMessage: async ({ partition, message }) => {
      await onMessage?.(m, partition, Number(message.offset));
      m.seen.push(`${partition}@${message.offset}`);
    },
  });
  running.push(m.consumer);
  return m;
}

const groupOf = async (groupId: string) => (await admin.describeGroups([groupId])).groups[0]!;
const stable = async (groupId: string, members: Member[], partitions = 4) => {
  await until(
    async () => ({ state: (await groupOf(groupId)).state, owned: members.map((m) => m.owned.size) }),
    (v) => v.state === 'Stable' && v.owned.reduce((a, b) => a + b, 0) === partitions && v.owned.every((n) => n > 0),
  );
};
const all = (t: number, partitions: number, from = 0) =>
  Array.from({ length: partitions }, (_, p) => Array.from({ length: t - from }, (_, i) => `${p}@${from + i}`)).flat().sort();
const sorted = (xs: string[]) => [...xs].sort();

describe('consumer groups', () => {
  it('two members share a 4-partition topic: every record once, handed over with a commit when the second joins', async () => {
    const groupId = `g-${randomUUID()}`;
    const t = await topic(4, 10);
    const a = await member(groupId, t, { fromBeginning: true });
    await until(() => a.seen.length, (n) => n === 40);
    const b = await member(groupId, t, { fromBeginning: true });
    await stable(groupId, [a, b]);
    expect([a.owned.size, b.owned.size]).toEqual([2, 2]);
    expect([...a.owned].some((p) => b.owned.has(p))).toBe(false);
    expect(a.events).toEqual(['assigned 0,1,2,3', expect.stringMatching(/^revoked \d,\d$/)]);

    await produce(t, 4, 5, 'new');
    await until(() => a.seen.length + b.seen.length, (n) => n === 60);
    await new Promise((r) => setTimeout(r, 300));
    // No record processed twice: the revocation committed A's positions before B took over.
    expect(sorted([...a.seen, ...b.seen])).toEqual(all(15, 4));
    for (const s of b.seen) expect(b.owned.has(Number(s.split('@')[0]))).toBe(true);
  });

  it('a clean disconnect commits and hands the partitions over at once', async () => {
    const groupId = `g-${randomUUID()}`;
    const t = await topic(4, 5);
    const long = { fromBeginning: true, sessionTimeout: 10_000 }; // a handover long before any session timeout
    const a = await member(groupId, t, long);
    const b = await member(groupId, t, long);
    await stable(groupId, [a, b]);
    await until(() => a.seen.length + b.seen.length, (n) => n === 20);
    const started = Date.now();
    await a.consumer.disconnect();
    await until(() => b.owned.size, (n) => n === 4);
    const handover = Date.now() - started;
    expect(handover).toBeLessThan(5_000); // not the session timeout
    expect(a.events.at(-1)).toMatch(/^revoked \d,\d$/);
    await produce(t, 4, 2, 'after');
    await until(() => b.seen.length, (n) => n >= 8 + (20 - a.seen.length));
    await new Promise((r) => setTimeout(r, 300));
    expect(sorted([...a.seen, ...b.seen])).toEqual(all(7, 4)); // nothing twice, nothing skipped
  });

  it('a member that dies without leaving loses its partitions after the session timeout; the other resumes from its commits (at least once)', async () => {
    const groupId = `g-${randomUUID()}`;
    const t = await topic(4);
    const a = await member(groupId, t, { fromBeginning: true, run: { autoCommit: false } });
    const b = await member(groupId, t, { fromBeginning: true });
    await stable(groupId, [a, b]);
    await produce(t, 4, 10, 'r');
    await until(() => [a.seen.length, b.seen.length], ([na, nb]) => na === 20 && nb === 20);
    const aOwned = [...a.owned];
    // A commits only the first 5 records of each of its partitions, then dies before committing more.
    await a.consumer.commitOffsets(aOwned.map((partition) => ({ topic: t, partition, offset: '5' })));
    a.cut('all');
    await until(() => b.owned.size, (n) => n === 4, 10_000);
    const takeover = Date.now() - a.lastBeatAt;
    expect(takeover).toBeGreaterThanOrEqual(SESSION); // counted from A's last heartbeat
    const after = (p: number) => b.seen.filter((s) => s.startsWith(`${p}@`));
    await until(() => aOwned.map((p) => after(p).length), (ns) => ns.every((n) => n === 5));
    await new Promise((r) => setTimeout(r, 300));
    // From A's commit: 5..9 again (processed by A, not committed), 0..4 not again, nothing skipped.
    for (const p of aOwned) expect(after(p)).toEqual([5, 6, 7, 8, 9].map((o) => `${p}@${o}`));
    expect(new Set([...a.seen, ...b.seen])).toEqual(new Set(all(10, 4)));
  });

  it('autoOffsetReset: earliest and latest without a committed offset, the commit when there is one; fromBeginning overrides', async () => {
    const t = await topic(2, 3);
    const earliest = await member(`g-${randomUUID()}`, t, { autoOffsetReset: 'earliest' });
    await until(() => earliest.seen.length, (n) => n === 6);

    const latestGroup = `g-${randomUUID()}`;
    const latest = await member(latestGroup, t, { autoOffsetReset: 'latest', run: { autoCommitInterval: 100 } });
    let fetches = 0;
    latest.consumer.on(latest.consumer.events.FETCH, () => fetches++);
    await until(() => fetches, (n) => n > 0);
    await produce(t, 2, 1, 'later'); // offset 3 in each partition
    await until(() => latest.seen.length, (n) => n === 2);
    expect(sorted(latest.seen)).toEqual(['0@3', '1@3']);
    await latest.consumer.stop();

    const overridden = await member(`g-${randomUUID()}`, t, { autoOffsetReset: 'latest', fromBeginning: true });
    await until(() => overridden.seen.length, (n) => n === 8);

    // The committed offsets win over the policy: the group resumes where it stopped.
    await produce(t, 2, 1, 'again'); // offset 4
    const resumed = await member(latestGroup, t, { autoOffsetReset: 'earliest' });
    await until(() => resumed.seen.length, (n) => n === 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(sorted(resumed.seen)).toEqual(['0@4', '1@4']);
  });

  it("autoOffsetReset 'none': no committed offset is an error (NoOffsetForPartition); with one it consumes", async () => {
    const t = await topic(1, 2);
    const groupId = `g-${randomUUID()}`;
    const none = await member(groupId, t, { autoOffsetReset: 'none' });
    await until(() => none.crashes.length, (n) => n === 1);
    expect(none.crashes[0]).toMatchObject({ name: 'KafkaJSNoOffsetForPartition', type: 'OFFSET_OUT_OF_RANGE', topic: t, partition: 0 });
    expect(none.seen).toEqual([]);
    await none.consumer.stop();
    await until(async () => (await groupOf(groupId)).members.length, (n) => n === 0); // the crashed consumer left

    await admin.setOffsets({ groupId, topic: t, partitions: [{ partition: 0, offset: '1' }] });
    const withCommit = await member(groupId, t, { autoOffsetReset: 'none' });
    await until(() => withCommit.seen.length, (n) => n === 1);
    expect(withCommit.seen).toEqual(['0@1']);
    expect(withCommit.crashes).toEqual([]);
  });

  it('onPartitionsRevoked can commit before the partition moves (autoCommit off)', async () => {
    const groupId = `g-${randomUUID()}`;
    const t = await topic(4, 5);
    const processed = new Map<number, number>();
    const commits: string[] = [];
    const a = await member(groupId, t, {
      fromBeginning: true,
      run: { autoCommit: false },
      onMessage: (_m, p, offset) => void processed.set(p, offset + 1),
      listener: (m) => ({
        onPartitionsRevoked: async (ps) => {
          await m.consumer.commitOffsets(ps.map(({ topic: tt, partition }) => ({ topic: tt, partition, offset: String(processed.get(partition)) })));
          commits.push(...ps.map((p) => `${p.partition}@${processed.get(p.partition)}`));
        },
      }),
    });
    await until(() => a.seen.length, (n) => n === 20);
    const b = await member(groupId, t, { fromBeginning: true });
    await stable(groupId, [a, b]);
    expect(commits.sort()).toEqual([...b.owned].map((p) => `${p}@5`).sort());
    await produce(t, 4, 1, 'x');
    await until(() => a.seen.length + b.seen.length, (n) => n === 24);
    await new Promise((r) => setTimeout(r, 300));
    expect(sorted(b.seen)).toEqual([...b.owned].map((p) => `${p}@5`).sort()); // nothing A processed
  });

  it('a static member that restarts within the session timeout gets its partitions back without a rebalance', async () => {
    const groupId = `g-${randomUUID()}`;
    const t = await topic(4, 3);
    const a = await member(groupId, t, { fromBeginning: true, groupInstanceId: 'host-a', sessionTimeout: 10_000 });
    const b = await member(groupId, t, { fromBeginning: true, groupInstanceId: 'host-b', sessionTimeout: 10_000 });
    await stable(groupId, [a, b]);
    await until(() => a.seen.length + b.seen.length, (n) => n === 12);
    const before = await groupOf(groupId);
    const bEvents = b.events.length;
    const aOwned = [...a.owned].sort();
    await a.consumer.disconnect(); // leaves with epoch -2: its partitions wait for it
    expect((await groupOf(groupId)).members.find((m) => m.instanceId === 'host-a')?.memberEpoch).toBe(-2);

    const a2 = await member(groupId, t, { fromBeginning: true, groupInstanceId: 'host-a', sessionTimeout: 10_000 });
    await until(() => a2.owned.size, (n) => n === 2);
    expect([...a2.owned].sort()).toEqual(aOwned);
    expect(b.events.length).toBe(bEvents); // B saw no rebalance
    expect((await groupOf(groupId)).groupEpoch).toBe(before.groupEpoch);
    await produce(t, 4, 1, 'y');
    await until(() => a2.seen.length, (n) => n === 2);
    expect(sorted(a2.seen)).toEqual([...a2.owned].map((p) => `${p}@3`).sort()); // from A's commit on disconnect
  });

  it('a fenced member cannot commit, and recovers by rejoining', async () => {
    const groupId = `g-${randomUUID()}`;
    const t = await topic(4, 2);
    const a = await member(groupId, t, { fromBeginning: true, run: { autoCommit: false } });
    await until(() => a.owned.size, (n) => n === 4);
    const b = await member(groupId, t, { fromBeginning: true });
    await stable(groupId, [a, b]);
    const aOwned = [...a.owned];

    a.cut('heartbeats'); // A goes on fetching, but the group hears nothing from it
    await until(() => b.owned.size, (n) => n === 4, 10_000);
    const err = await a.consumer.commitOffsets([{ topic: t, partition: aOwned[0]!, offset: '1' }]).catch((e) => e);
    expect(err).toMatchObject({ name: 'KafkaJSProtocolError', type: 'UNKNOWN_MEMBER_ID' });
    await until(() => a.events.at(-1), (e) => e?.startsWith('lost') === true); // dropped without committing

    a.cut('none');
    await stable(groupId, [a, b]);
    expect(a.owned.size + b.owned.size).toBe(4);
    const offsets = await admin.fetchOffsets({ groupId, topics: [t] });
    expect(offsets[0]!.partitions.every((p) => p.offset !== '1')).toBe(true); // the fenced commit wrote nothing
  });

  it('a handler slower than maxPollInterval makes the member leave; it rejoins when the handler returns', async () => {
    const groupId = `g-${randomUUID()}`;
    const t = await topic(1, 2);
    let slow = true;
    const a = await member(groupId, t, {
      fromBeginning: true,
      maxPollInterval: 600,
      onMessage: async (_m, _p, offset) => {
        if (offset === 0 && slow) {
          slow = false;
          await until(async () => (await groupOf(groupId)).members.length, (n) => n === 0, 5_000); // left while still processing
        }
      },
    });
    await until(() => a.seen.length, (n) => n === 3);
    expect(a.events).toEqual(['assigned 0', 'lost 0', 'assigned 0']);
    // Offset 0 was handled after the partition was lost, so the position was not kept: it comes again.
    expect(a.seen).toEqual(['0@0', '0@0', '0@1']);
  });

  it('a static member that crashed is replaced once its session timeout has passed (UNRELEASED_INSTANCE_ID until then)', async () => {
    const groupId = `g-${randomUUID()}`;
    const t = await topic(2);
    const a = await member(groupId, t, { fromBeginning: true, groupInstanceId: 'host-c' });
    await until(() => a.owned.size, (n) => n === 2);
    a.cut('all');
    const a2 = await member(groupId, t, { fromBeginning: true, groupInstanceId: 'host-c', heartbeatInterval: 200 });
    await until(() => a2.owned.size, (n) => n === 2, 10_000);
    expect(Date.now() - a.lastBeatAt).toBeGreaterThanOrEqual(SESSION);
    expect(a2.warnings.some((w) => w.includes("Static member 'host-c' is still in the group"))).toBe(true); // UNRELEASED_INSTANCE_ID, retried
    expect(a2.crashes).toEqual([]);
  });

  it('a commit answered STALE_MEMBER_EPOCH is sent again after a heartbeat', async () => {
    const groupId = `g-${randomUUID()}`;
    const t = await topic(1, 3);
    let stale = false;
    const a = await member(groupId, t, {
      fromBeginning: true,
      run: { autoCommit: false },
      rewrite: (url, body) => {
        if (!stale || !url.endsWith('/offsets:commit')) return body;
        stale = false;
        const json = JSON.parse(body) as { member_epoch: number };
        return JSON.stringify({ ...json, member_epoch: json.member_epoch - 1 }); // as if a heartbeat answer had moved the epoch on
      },
    });
    await until(() => a.seen.length, (n) => n === 3);
    const commits = server.count('POST', '/offsets:commit');
    stale = true;
    await a.consumer.commitOffsets([{ topic: t, partition: 0, offset: '3' }]);
    expect(server.count('POST', '/offsets:commit') - commits).toBe(2);
    expect((await admin.fetchOffsets({ groupId, topics: [t] }))[0]!.partitions).toEqual([{ partition: 0, offset: '3', metadata: null }]);
  });

  it('eachBatch: resolveOffset and commitOffsetsIfNecessary commit what was resolved (autoCommitThreshold)', async () => {
    const groupId = `g-${randomUUID()}`;
    const t = await topic(1, 10);
    const consumer = server.brook().consumer({ groupId, maxWaitTimeInMs: 200, sessionTimeout: SESSION });
    running.push(consumer);
    await consumer.subscribe({ topic: t, fromBeginning: true });
    const uncommitted: unknown[] = [];
    await consumer.run({
      autoCommit: false,
      autoCommitInterval: null,
      autoCommitThreshold: 3,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, uncommittedOffsets }) => {
        for (const m of batch.messages.slice(0, 4)) resolveOffset(m.offset);
        uncommitted.push(uncommittedOffsets());
        await commitOffsetsIfNecessary();
        await consumer.stop();
      },
    });
    await until(async () => (await admin.fetchOffsets({ groupId, topics: [t] }))[0]!.partitions[0]!.offset, (o) => o === '4');
    expect(uncommitted[0]).toEqual({ topics: [{ topic: t, partitions: [{ partition: 0, offset: '4' }] }] });
  });

  it('commitOffsets needs a groupId; without one the consumer reads every partition as before', async () => {
    const t = await topic(2, 1);
    const consumer = server.brook().consumer({ maxWaitTimeInMs: 200 });
    await expect(consumer.commitOffsets([{ topic: t, partition: 0, offset: '1' }])).rejects.toThrow(/groupId/);
  });
});
