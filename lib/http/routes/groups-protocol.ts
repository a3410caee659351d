import type { Context } from 'hono';
import type { BrookApp, BrookEnv } from '../app';
import { commitOffsets } from '../../broker/commit-offsets';
import { fetchOffsets } from '../../broker/fetch-offsets';
import { groupHeartbeat } from '../../broker/group-heartbeat';
import { resetOffsets, type ResetStrategy } from '../../broker/reset-offsets';
import { BrookError } from '../../errors';
import { fromList, toList } from '../../groups/assignment';
import type { AssignorName } from '../../groups/types';
import { CommitSchema, GroupParams, HeartbeatSchema, OffsetsQuery, ResetSchema, type HeartbeatBody, type ResetBody } from './groups-schemas';
import { GROUPS, groupResources, groupResponses } from './groups';
import { brookRoute, jsonBody } from './route';

/** Where the member calls from, as Kafka shows it (CONSUMER-ID … HOST): API Gateway's source IP or the socket's. */
function clientHost(c: Context<BrookEnv>): string {
  const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } }; event?: { requestContext?: { http?: { sourceIp?: string } } } } | undefined;
  const ip = forwarded || env?.event?.requestContext?.http?.sourceIp || env?.incoming?.socket?.remoteAddress;
  return ip ? `/${ip}` : '';
}

const heartbeatRequest = (b: HeartbeatBody, host: string) => ({
  memberId: b.member_id ?? '',
  memberEpoch: b.member_epoch,
  instanceId: b.instance_id ?? undefined,
  clientId: b.client_id,
  host,
  rebalanceTimeoutMs: b.rebalance_timeout_ms,
  sessionTimeoutMs: b.session_timeout_ms,
  subscribedTopicNames: b.subscribed_topic_names ?? undefined,
  subscribedTopicRegex: b.subscribed_topic_regex ?? undefined,
  serverAssignor: (b.server_assignor ?? undefined) as AssignorName | undefined,
  ownedPartitions: b.owned_partitions ? fromList(b.owned_partitions.map((o) => ({ topic: o.topic_name, partitions: o.partitions }))) : undefined,
  isolationLevel: b.isolation_level,
});

function strategy(b: ResetBody): ResetStrategy {
  const given: ResetStrategy[] = [];
  if (b.to_earliest) given.push({ kind: 'earliest' });
  if (b.to_latest) given.push({ kind: 'latest' });
  if (b.to_datetime !== undefined) given.push({ kind: 'datetime', timestamp: typeof b.to_datetime === 'number' ? b.to_datetime : Date.parse(b.to_datetime) });
  if (b.shift_by !== undefined) given.push({ kind: 'shift', by: b.shift_by });
  if (b.to_offset !== undefined) given.push({ kind: 'offset', offset: b.to_offset });
  if (given.length !== 1) throw new BrookError('INVALID_REQUEST', 'Give exactly one of to_earliest, to_latest, to_datetime, shift_by, to_offset.');
  return given[0]!;
}

/** Brook's own group protocol routes: heartbeat (KIP-848), offset commit and fetch, reset offsets. */
export function registerGroupProtocolRoutes(app: BrookApp): void {
  app.openapi(
    brookRoute('groups', {
      method: 'post',
      path: `${GROUPS}/{consumer_group_id}/heartbeat`,
      summary: "Join, heartbeat or leave (Kafka's ConsumerGroupHeartbeat)",
      request: { params: GroupParams, ...jsonBody(HeartbeatSchema) },
      responses: groupResponses(),
    }),
    async (c) => {
      const res = await groupHeartbeat(c.var.broker, c.req.valid('param').consumer_group_id, heartbeatRequest(c.req.valid('json'), clientHost(c)));
      return c.json(
        {
          kind: 'BrookConsumerGroupHeartbeat',
          member_id: res.memberId,
          member_epoch: res.memberEpoch,
          heartbeat_interval_ms: res.heartbeatIntervalMs,
          assignment: toList(res.assignment).map((a) => ({ topic_name: a.topic, partitions: a.partitions })),
        },
        200,
      );
    },
  );

  app.openapi(
    brookRoute('groups', {
      method: 'post',
      path: `${GROUPS}/{consumer_group_id}/offsets:commit`,
      summary: "Commit offsets (Kafka's OffsetCommit), fenced by member epoch and ownership",
      request: { params: GroupParams, ...jsonBody(CommitSchema) },
      responses: groupResponses(),
    }),
    async (c) => {
      const groupId = c.req.valid('param').consumer_group_id;
      const b = c.req.valid('json');
      const offsets = b.offsets.map((o) => ({ topic: o.topic_name, partition: o.partition_id, offset: o.offset, metadata: o.metadata }));
      const written = await commitOffsets(c.var.broker, groupId, { memberId: b.member_id, memberEpoch: b.member_epoch, offsets });
      return c.json(
        {
          kind: 'BrookOffsetCommitResult',
          consumer_group_id: groupId,
          data: written.map((o) => ({ topic_name: o.topic, partition_id: o.partition, offset: o.offset, log_end_offset: o.logEndOffset })),
        },
        200,
      );
    },
  );

  app.openapi(
    brookRoute('groups', {
      method: 'get',
      path: `${GROUPS}/{consumer_group_id}/offsets`,
      summary: "Committed offsets (Kafka's OffsetFetch): every partition of ?topics=a,b (-1: none committed), or all committed",
      request: { params: GroupParams, query: OffsetsQuery },
    }),
    async (c) => {
      const groupId = c.req.valid('param').consumer_group_id;
      const topics = c.req.valid('query').topics?.split(',');
      const offsets = await fetchOffsets(c.var.broker, groupId, topics);
      const data = offsets.map((o) => ({
        topic_name: o.topic,
        partition_id: o.partition,
        committed_offset: o.committedOffset,
        metadata: o.metadata,
        commit_timestamp: o.commitTimestamp === null ? null : new Date(o.commitTimestamp).toISOString(),
      }));
      return c.json({ ...groupResources(c).list('BrookCommittedOffsetList', `${groupResources(c).groupPath(groupId)}/offsets`, data), consumer_group_id: groupId }, 200);
    },
  );

  app.openapi(
    brookRoute('groups', {
      method: 'post',
      path: `${GROUPS}/{consumer_group_id}/offsets:reset`,
      summary: 'Reset committed offsets (kafka-consumer-groups.sh --reset-offsets); dry run unless execute: true',
      request: { params: GroupParams, ...jsonBody(ResetSchema) },
      responses: groupResponses(),
    }),
    async (c) => {
      const groupId = c.req.valid('param').consumer_group_id;
      const b = c.req.valid('json');
      const plan = await resetOffsets(c.var.broker, groupId, {
        topics: b.topics?.map((t) => ({ topic: t.topic_name, partitions: t.partitions })),
        allTopics: b.all_topics,
        strategy: strategy(b),
        execute: b.execute ?? false,
      });
      return c.json(
        {
          kind: 'BrookOffsetResetPlan',
          consumer_group_id: groupId,
          executed: b.execute ?? false,
          data: plan.map((e) => ({
            topic_name: e.topic,
            partition_id: e.partition,
            previous_offset: e.previousOffset,
            new_offset: e.newOffset,
            log_start_offset: e.logStartOffset,
            log_end_offset: e.logEndOffset,
          })),
        },
        200,
      );
    },
  );
}
