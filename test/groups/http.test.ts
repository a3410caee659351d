import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, testBroker, uniqueTopic } from '../support/broker';

const C = '/v3/clusters/brook-local';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Over HTTP with the real clock: short timeouts come from the environment, as a test cluster would set them. */
describe('consumer groups over HTTP', () => {
  const { app } = testBroker();
  beforeAll(() => {
    process.env.BROOK_GROUP_MIN_SESSION_TIMEOUT_MS = '100';
    process.env.BROOK_GROUP_HEARTBEAT_INTERVAL_MS = '100';
  });
  afterAll(() => {
    delete process.env.BROOK_GROUP_MIN_SESSION_TIMEOUT_MS;
    delete process.env.BROOK_GROUP_HEARTBEAT_INTERVAL_MS;
  });

  const hb = (g: string, body: Record<string, unknown>) => call(app, 'POST', `${C}/consumer-groups/${g}/heartbeat`, body);

  it('join, share, commit, describe, lag, lose a member, reset and delete', async () => {
    const topic = uniqueTopic('http-g');
    expect((await call(app, 'POST', `${C}/topics`, { topic_name: topic, partitions_count: 4 })).status).toBe(201);
    const entries = Array.from({ length: 8 }, (_, i) => ({ id: String(i), partition_id: i % 4, value: { data: i } }));
    expect((await call(app, 'POST', `${C}/topics/${topic}/records:batch`, { entries })).status).toBe(207);
    const g = `http-${randomUUID().slice(0, 8)}`;

    // Two members join and heartbeat until each owns two partitions.
    const members = [
      // The survivor has a long session timeout, the one that goes silent a short one.
      { member_id: '', member_epoch: 0, owned: [] as Array<{ topic_name: string; partitions: number[] }>, instance: 'i-1', session: 30_000 },
      { member_id: '', member_epoch: 0, owned: [] as Array<{ topic_name: string; partitions: number[] }>, instance: null, session: 2_500 },
    ];
    const beat = async (m: (typeof members)[number]) => {
      const res = await hb(g, {
        member_id: m.member_id,
        member_epoch: m.member_epoch,
        instance_id: m.instance,
        client_id: 'cli',
        subscribed_topic_names: [topic],
        session_timeout_ms: m.session,
        rebalance_timeout_ms: 5000,
        owned_partitions: m.owned,
      });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      Object.assign(m, { member_id: res.json.member_id, member_epoch: res.json.member_epoch, owned: res.json.assignment });
      return res.json;
    };
    const first = await beat(members[0]!);
    expect(first).toMatchObject({ kind: 'BrookConsumerGroupHeartbeat', member_epoch: 1, heartbeat_interval_ms: 100, assignment: [{ topic_name: topic, partitions: [0, 1, 2, 3] }] });
    for (let i = 0; i < 4; i++) for (const m of members) await beat(m);
    expect(members.map((m) => m.owned[0]?.partitions.length)).toEqual([2, 2]);

    const group = await call(app, 'GET', `${C}/consumer-groups/${g}`);
    expect(group.json).toMatchObject({ kind: 'KafkaConsumerGroup', consumer_group_id: g, state: 'STABLE', partition_assignor: 'uniform', type: 'CONSUMER', is_simple: false });
    expect(group.json.consumers.related).toMatch(/\/consumer-groups\/.+\/consumers$/);
    const list = await call(app, 'GET', `${C}/consumer-groups`);
    expect(list.json.kind).toBe('KafkaConsumerGroupList');
    expect(list.json.data.map((d: any) => d.consumer_group_id)).toContain(g);
    const consumers = await call(app, 'GET', `${C}/consumer-groups/${g}/consumers`);
    expect(consumers.json.data).toHaveLength(2);
    const c0 = consumers.json.data.find((d: any) => d.consumer_id === members[0]!.member_id);
    expect(c0).toMatchObject({ kind: 'KafkaConsumer', instance_id: 'i-1', client_id: 'cli', member_state: 'STABLE' });
    const one = await call(app, 'GET', `${C}/consumer-groups/${g}/consumers/${members[1]!.member_id}`);
    expect(one.json.instance_id).toBeNull();
    const assignments = await call(app, 'GET', `${C}/consumer-groups/${g}/consumers/${members[1]!.member_id}/assignments`);
    expect(assignments.json.data.map((a: any) => a.partition_id)).toEqual(members[1]!.owned[0]!.partitions);

    // Each commits its first partition at offset 1.
    for (const m of members) {
      const p = m.owned[0]!.partitions[0]!;
      const res = await call(app, 'POST', `${C}/consumer-groups/${g}/offsets:commit`, {
        member_id: m.member_id,
        member_epoch: m.member_epoch,
        offsets: [{ topic_name: topic, partition_id: p, offset: 1, metadata: 'x' }],
      });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json.data).toEqual([{ topic_name: topic, partition_id: p, offset: 1, log_end_offset: 2 }]);
    }
    const offsets = await call(app, 'GET', `${C}/consumer-groups/${g}/offsets?topics=${topic}`);
    expect(offsets.json.data.map((o: any) => o.committed_offset).filter((o: number) => o === 1)).toHaveLength(2);
    expect(offsets.json.data.map((o: any) => o.committed_offset).filter((o: number) => o === -1)).toHaveLength(2);
    const lags = await call(app, 'GET', `${C}/consumer-groups/${g}/lags`);
    expect(lags.json.kind).toBe('KafkaConsumerLagList');
    expect(lags.json.data).toHaveLength(2);
    expect(lags.json.data[0]).toMatchObject({ kind: 'KafkaConsumerLag', current_offset: 1, log_end_offset: 2, lag: 1 });
    expect(lags.json.data.map((l: any) => l.consumer_id)).toContain(members[0]!.member_id);
    const lagOne = await call(app, 'GET', lags.json.data[0].metadata.self.replace('http://brook.test', ''));
    expect(lagOne.json.lag).toBe(1);
    const summary = await call(app, 'GET', `${C}/consumer-groups/${g}/lag-summary`);
    expect(summary.json).toMatchObject({ kind: 'KafkaConsumerGroupLagSummary', max_lag: 1, total_lag: 2, max_lag_topic_name: topic });
    const status = await call(app, 'GET', `${C}/consumer-groups/${g}/status`);
    expect(status.json).toMatchObject({ kind: 'BrookConsumerGroupStatus', partition_count: 2, total_lag: 2 });
    expect(['OK', 'WARNING', 'ERROR']).toContain(status.json.status);

    // The second member goes silent; after its session timeout the first owns everything.
    const silentSince = Date.now();
    while (Date.now() - silentSince < 2_600) {
      await beat(members[0]!);
      await sleep(250);
    }
    for (let i = 0; i < 3; i++) await beat(members[0]!);
    expect(members[0]!.owned).toEqual([{ topic_name: topic, partitions: [0, 1, 2, 3] }]);
    const stale = await call(app, 'POST', `${C}/consumer-groups/${g}/offsets:commit`, {
      member_id: members[1]!.member_id,
      member_epoch: members[1]!.member_epoch,
      offsets: [{ topic_name: topic, partition_id: members[1]!.owned[0]!.partitions[0], offset: 2 }],
    });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ error_name: 'UNKNOWN_MEMBER_ID', kafka_error_code: 25, error_code: 40901 });

    // Reset is refused while a member is live; after it leaves, a dry run changes nothing and execute does.
    const reset = { topics: [{ topic_name: topic }], to_earliest: true, execute: true };
    expect((await call(app, 'POST', `${C}/consumer-groups/${g}/offsets:reset`, reset)).json).toMatchObject({ error_name: 'NON_EMPTY_GROUP', kafka_error_code: 68 });
    expect((await call(app, 'DELETE', `${C}/consumer-groups/${g}`)).status).toBe(409);
    expect((await hb(g, { member_id: members[0]!.member_id, member_epoch: -1 })).json.member_epoch).toBe(-1);
    expect((await call(app, 'GET', `${C}/consumer-groups/${g}`)).json.state).toBe('EMPTY');
    const dry = await call(app, 'POST', `${C}/consumer-groups/${g}/offsets:reset`, { ...reset, to_earliest: undefined, to_latest: true, execute: false });
    expect(dry.json).toMatchObject({ kind: 'BrookOffsetResetPlan', executed: false });
    expect(dry.json.data.map((d: any) => d.new_offset)).toEqual([2, 2, 2, 2]);
    expect((await call(app, 'GET', `${C}/consumer-groups/${g}/offsets?topics=${topic}`)).json.data.filter((o: any) => o.committed_offset === 2)).toHaveLength(0);
    const done = await call(app, 'POST', `${C}/consumer-groups/${g}/offsets:reset`, { topics: [{ topic_name: topic, partitions: [3] }], to_offset: 1, execute: true });
    expect(done.json.data).toEqual([{ topic_name: topic, partition_id: 3, previous_offset: expect.any(Number), new_offset: 1, log_start_offset: 0, log_end_offset: 2 }]);

    expect((await call(app, 'DELETE', `${C}/consumer-groups/${g}`)).status).toBe(204);
    expect((await call(app, 'GET', `${C}/consumer-groups/${g}`)).json).toMatchObject({ error_name: 'GROUP_ID_NOT_FOUND', error_code: 404 });
  });

  it('serves every group route from the groups function', async () => {
    const doc = (await call(app, 'GET', '/openapi.json')).json;
    const groupPaths = Object.keys(doc.paths).filter((p) => p.includes('/consumer-groups'));
    expect(groupPaths.sort()).toEqual(
      [
        '/v3/clusters/{cluster_id}/consumer-groups',
        '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}',
        '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/consumers',
        '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/consumers/{consumer_id}',
        '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/consumers/{consumer_id}/assignments',
        '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/heartbeat',
        '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/lag-summary',
        '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/lags',
        '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/lags/{topic_name}/partitions/{partition_id}',
        '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/offsets',
        '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/offsets:commit',
        '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/offsets:reset',
        '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/status',
      ].sort(),
    );
    for (const p of groupPaths) for (const op of Object.values(doc.paths[p]) as any[]) expect(op['x-brook-function']).toBe('groups');
  });
});
