import type { Context } from 'hono';
import type { BrookApp, BrookEnv } from '../app';
import { deleteGroup } from '../../broker/group-delete';
import { describeGroup, listGroups } from '../../broker/group-describe';
import type { IsolationLevel } from '../../broker/fetch';
import { groupLag } from '../../broker/group-lag';
import { BrookError } from '../../errors';
import { pairs } from '../../groups/assignment';
import { currentAssignment } from '../../groups/group-state';
import { GroupResources } from '../group-resources';
import { ClusterParams, ErrorSchema } from '../schemas';
import { ConsumerParams, GroupLagParams, GroupParams, LagQuery } from './groups-schemas';
import { brookRoute, okJson } from './route';

export const GROUPS = '/v3/clusters/{cluster_id}/consumer-groups';
export const groupResources = (c: Context<BrookEnv>) => new GroupResources(new URL(c.req.url).origin, c.var.broker.config.clusterId);
export const groupResponses = (status = 200) => ({
  ...okJson('OK', status),
  409: { description: 'The group refuses the request in its current state (fenced, unknown member, not empty)', content: { 'application/json': { schema: ErrorSchema } } },
});

/** REST Proxy v3 consumer group reads and delete, plus Brook's Burrow-style status. */
export function registerGroupRoutes(app: BrookApp): void {
  app.openapi(brookRoute('groups', { method: 'get', path: GROUPS, summary: 'List consumer groups', request: { params: ClusterParams } }), async (c) => {
    const r = groupResources(c);
    return c.json(r.list('KafkaConsumerGroupList', '/consumer-groups', (await listGroups(c.var.broker)).map((d) => r.group(d))), 200);
  });

  app.openapi(brookRoute('groups', { method: 'get', path: `${GROUPS}/{consumer_group_id}`, summary: 'Describe a consumer group', request: { params: GroupParams } }), async (c) =>
    c.json(groupResources(c).group(await describeGroup(c.var.broker, c.req.valid('param').consumer_group_id)), 200),
  );

  app.openapi(
    brookRoute('groups', {
      method: 'delete',
      path: `${GROUPS}/{consumer_group_id}`,
      summary: 'Delete a consumer group and its committed offsets (refused while it has members)',
      request: { params: GroupParams },
      responses: { 204: { description: 'Deleted' }, ...groupResponses() },
    }),
    async (c) => {
      await deleteGroup(c.var.broker, c.req.valid('param').consumer_group_id);
      return c.body(null, 204);
    },
  );

  app.openapi(brookRoute('groups', { method: 'get', path: `${GROUPS}/{consumer_group_id}/consumers`, summary: 'List the members of a group', request: { params: GroupParams } }), async (c) => {
    const { group, liveness } = await describeGroup(c.var.broker, c.req.valid('param').consumer_group_id);
    const r = groupResources(c);
    const data = Object.values(group.members)
      .sort((a, b) => (a.memberId < b.memberId ? -1 : 1))
      .map((m) => r.consumer(group, m, liveness));
    return c.json(r.list('KafkaConsumerList', `${r.groupPath(group.groupId)}/consumers`, data), 200);
  });

  const member = async (c: Context<BrookEnv>, groupId: string, consumerId: string) => {
    const d = await describeGroup(c.var.broker, groupId);
    const m = d.group.members[consumerId];
    if (!m) throw new BrookError('UNKNOWN_MEMBER_ID', `Consumer '${consumerId}' is not a member of group '${groupId}'.`, { v3ErrorCode: 40404 });
    return { ...d, m };
  };

  app.openapi(brookRoute('groups', { method: 'get', path: `${GROUPS}/{consumer_group_id}/consumers/{consumer_id}`, summary: 'Describe a member', request: { params: ConsumerParams } }), async (c) => {
    const { consumer_group_id, consumer_id } = c.req.valid('param');
    const { group, liveness, m } = await member(c, consumer_group_id, consumer_id);
    return c.json(groupResources(c).consumer(group, m, liveness), 200);
  });

  app.openapi(
    brookRoute('groups', { method: 'get', path: `${GROUPS}/{consumer_group_id}/consumers/{consumer_id}/assignments`, summary: "A member's partitions", request: { params: ConsumerParams } }),
    async (c) => {
      const { consumer_group_id, consumer_id } = c.req.valid('param');
      const { m } = await member(c, consumer_group_id, consumer_id);
      const r = groupResources(c);
      const data = pairs(currentAssignment(m)).map(([t, p]) => r.assignment(consumer_group_id, consumer_id, t, p));
      return c.json(r.list('KafkaConsumerAssignmentList', `${r.groupPath(consumer_group_id)}/consumers/${consumer_id}/assignments`, data), 200);
    },
  );

  const lagOf = (c: Context<BrookEnv>, groupId: string, isolationLevel: IsolationLevel | undefined, now?: number) => groupLag(c.var.broker, groupId, { now, isolationLevel });
  const lagSummary = '; to the last stable offset for read_committed consumers, or as ?isolation_level= says';

  app.openapi(brookRoute('groups', { method: 'get', path: `${GROUPS}/{consumer_group_id}/lags`, summary: `Lag of every committed partition${lagSummary}`, request: { params: GroupParams, query: LagQuery } }), async (c) => {
    const groupId = c.req.valid('param').consumer_group_id;
    const lag = await lagOf(c, groupId, c.req.valid('query').isolation_level);
    const r = groupResources(c);
    return c.json(r.list('KafkaConsumerLagList', `${r.groupPath(groupId)}/lags`, lag.rows.map((row) => r.lag(groupId, row))), 200);
  });

  app.openapi(
    brookRoute('groups', { method: 'get', path: `${GROUPS}/{consumer_group_id}/lags/{topic_name}/partitions/{partition_id}`, summary: 'Lag of one partition', request: { params: GroupLagParams, query: LagQuery } }),
    async (c) => {
      const { consumer_group_id, topic_name, partition_id } = c.req.valid('param');
      const row = (await lagOf(c, consumer_group_id, c.req.valid('query').isolation_level)).rows.find((x) => x.topic === topic_name && x.partition === partition_id);
      if (!row) throw new BrookError('NOT_FOUND', `Group '${consumer_group_id}' has no committed offset for partition ${partition_id} of '${topic_name}'.`);
      return c.json(groupResources(c).lag(consumer_group_id, row), 200);
    },
  );

  app.openapi(brookRoute('groups', { method: 'get', path: `${GROUPS}/{consumer_group_id}/lag-summary`, summary: `Max and total lag${lagSummary}`, request: { params: GroupParams, query: LagQuery } }), async (c) => {
    const groupId = c.req.valid('param').consumer_group_id;
    return c.json(groupResources(c).lagSummary(groupId, await lagOf(c, groupId, c.req.valid('query').isolation_level)), 200);
  });

  app.openapi(
    brookRoute('groups', { method: 'get', path: `${GROUPS}/{consumer_group_id}/status`, summary: 'Burrow-style status of the group and each committed partition (Brook)', request: { params: GroupParams, query: LagQuery } }),
    async (c) => {
      const groupId = c.req.valid('param').consumer_group_id;
      const now = Date.now();
      return c.json(groupResources(c).status(groupId, await lagOf(c, groupId, c.req.valid('query').isolation_level, now), now), 200);
    },
  );
}
