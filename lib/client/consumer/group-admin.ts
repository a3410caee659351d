// kafkajs's group admin calls (listGroups, describeGroups, fetchOffsets, resetOffsets, setOffsets,
// deleteGroups) over Brook's group routes (docs/GROUPS.md), plus Brook's fetchGroupLag.
import { KafkaJSError, KafkaJSProtocolError } from '../errors';
import type { HttpClient } from '../http';
import { consumerProtocol } from './member-protocol';

export type ConsumerGroupState = 'Empty' | 'Stable' | 'PreparingRebalance' | 'CompletingRebalance' | 'Dead';
export interface GroupOverview {
  groupId: string;
  protocolType: 'consumer';
  state: ConsumerGroupState;
}
export interface MemberDescription {
  memberId: string;
  clientId: string;
  clientHost: string;
  /** Kafka's ConsumerProtocol encodings: kafkajs's AssignerProtocol.MemberMetadata / MemberAssignment decode them. */
  memberMetadata: Buffer;
  memberAssignment: Buffer;
  instanceId: string | null;
  memberEpoch: number;
  assignment: Array<{ topic: string; partitions: number[] }>;
}
export interface GroupDescription {
  groupId: string;
  errorCode: number;
  members: MemberDescription[];
  /** The server assignor (uniform or range). */
  protocol: string;
  protocolType: 'consumer';
  state: ConsumerGroupState;
  groupEpoch: number;
  assignmentEpoch: number;
}
export interface GroupLagPartition {
  topic: string;
  partition: number;
  currentOffset: number;
  logEndOffset: number;
  lag: number;
  /** Burrow's partition status: OK, WARNING, STOP, STALL, REWIND. */
  status: string;
  consumerId: string;
  clientId: string;
  host: string;
  instanceId: string | null;
}
export interface GroupLag {
  groupId: string;
  state: string;
  /** Burrow's group status: OK, WARNING or ERROR. */
  status: string;
  totalLag: number;
  maxLag: number;
  partitions: GroupLagPartition[];
}

/** kafkajs's error for deleteGroups: `groups` lists the groups that could not be deleted, each with its error. */
export class KafkaJSDeleteGroupsError extends KafkaJSError {
  override name = 'KafkaJSDeleteGroupsError';
  constructor(
    message: string,
    readonly groups: Array<{ groupId: string; errorCode: number; error: KafkaJSError }>,
  ) {
    super(message, { retriable: false });
  }
}

const STATES: Record<string, ConsumerGroupState> = { EMPTY: 'Empty', STABLE: 'Stable', ASSIGNING: 'PreparingRebalance', RECONCILING: 'CompletingRebalance', DEAD: 'Dead' };
type Row = { topic_name: string; partition_id: number };
const isType = (err: unknown, type: string) => err instanceof KafkaJSProtocolError && err.type === type;

export class GroupAdmin {
  constructor(private readonly http: HttpClient) {}

  private path(groupId = '') {
    return `v3/clusters/{cluster}/consumer-groups${groupId ? `/${encodeURIComponent(groupId)}` : ''}`;
  }
  private get<T>(path: string, query?: Record<string, string | undefined>) {
    return this.http.json<T>({ method: 'GET', path, query });
  }

  async listGroups(): Promise<{ groups: GroupOverview[] }> {
    const res = await this.get<{ data: Array<{ consumer_group_id: string; state: string }> }>(this.path());
    return { groups: res.data.map((g) => ({ groupId: g.consumer_group_id, protocolType: 'consumer', state: STATES[g.state] ?? 'Dead' })) };
  }

  /** An unknown group is described as Dead with no members, as Kafka's DescribeGroups answers. */
  async describeGroups(groupIds: string[]): Promise<{ groups: GroupDescription[] }> {
    const groups = await Promise.all(
      groupIds.map(async (groupId): Promise<GroupDescription> => {
        type G = { partition_assignor: string; state: string; group_epoch: number; assignment_epoch: number };
        type C = { consumer_id: string; client_id: string; host: string; instance_id: string | null; member_epoch: number; subscribed_topic_names: string[] | null; assigned_partitions: Row[] };
        const dead: GroupDescription = { groupId, errorCode: 0, members: [], protocol: '', protocolType: 'consumer', state: 'Dead', groupEpoch: 0, assignmentEpoch: 0 };
        try {
          const [g, c] = await Promise.all([this.get<G>(this.path(groupId)), this.get<{ data: C[] }>(`${this.path(groupId)}/consumers`)]);
          const members = c.data.map((m): MemberDescription => {
            const assignment = byTopic(m.assigned_partitions);
            return {
              memberId: m.consumer_id,
              clientId: m.client_id,
              clientHost: m.host,
              instanceId: m.instance_id,
              memberEpoch: m.member_epoch,
              assignment,
              memberMetadata: consumerProtocol(m.subscribed_topic_names ?? [], (e, t) => e.string(t)),
              memberAssignment: consumerProtocol(assignment, (e, a) => e.string(a.topic).array(a.partitions, (e2, p) => e2.int32(p))),
            };
          });
          return { ...dead, members, protocol: g.partition_assignor, state: STATES[g.state] ?? 'Dead', groupEpoch: g.group_epoch, assignmentEpoch: g.assignment_epoch };
        } catch (err) {
          if (isType(err, 'GROUP_ID_NOT_FOUND')) return dead;
          throw err;
        }
      }),
    );
    return { groups };
  }

  /** Committed offsets ('-1': none) of every partition of `topics`, or of every partition the group committed. */
  async fetchOffsets({ groupId, topics }: { groupId: string; topics?: string[]; resolveOffsets?: boolean }) {
    type O = Row & { committed_offset: number; metadata: string | null };
    const res = await this.get<{ data: O[] }>(`${this.path(groupId)}/offsets`, { topics: topics?.length ? topics.join(',') : undefined });
    const out = new Map<string, Array<{ partition: number; offset: string; metadata: string | null }>>((topics ?? []).map((t) => [t, []]));
    for (const o of res.data) out.set(o.topic_name, [...(out.get(o.topic_name) ?? []), { partition: o.partition_id, offset: String(o.committed_offset), metadata: o.metadata }]);
    return [...out].map(([topic, partitions]) => ({ topic, partitions }));
  }

  /** Every partition of `topic` to its log start (earliest) or end; refused (NON_EMPTY_GROUP) while the group has members. */
  async resetOffsets({ groupId, topic, earliest = false }: { groupId: string; topic: string; earliest?: boolean }): Promise<void> {
    const to = earliest ? { to_earliest: true } : { to_latest: true };
    await this.http.json({ method: 'POST', path: `${this.path(groupId)}/offsets:reset`, json: { topics: [{ topic_name: topic }], ...to, execute: true } });
  }

  /** Commits these offsets for a group without members (NON_EMPTY_GROUP otherwise); an offset past the log end is OFFSET_OUT_OF_RANGE. */
  async setOffsets({ groupId, topic, partitions }: { groupId: string; topic: string; partitions: Array<{ partition: number; offset: string | number }> }): Promise<void> {
    const offsets = partitions.map((p) => ({ topic_name: topic, partition_id: p.partition, offset: Number(p.offset) }));
    try {
      await this.http.json({ method: 'POST', path: `${this.path(groupId)}/offsets:commit`, json: { offsets } });
    } catch (err) {
      if (!isType(err, 'UNKNOWN_MEMBER_ID')) throw err;
      throw new KafkaJSProtocolError('NON_EMPTY_GROUP', `Cannot set offsets of group '${groupId}' while it has members: ${(err as Error).message}`, { status: 409 });
    }
  }

  async deleteGroups(groupIds: string[]): Promise<Array<{ groupId: string; errorCode: number }>> {
    const results = await Promise.all(
      groupIds.map((groupId) =>
        this.http.json({ method: 'DELETE', path: this.path(groupId) }).then(
          () => ({ groupId, errorCode: 0 }),
          (error: KafkaJSError) => ({ groupId, errorCode: error instanceof KafkaJSProtocolError ? error.code : -1, error }),
        ),
      ),
    );
    const failed = results.filter((r): r is (typeof r & { error: KafkaJSError }) => 'error' in r);
    if (failed.length > 0) throw new KafkaJSDeleteGroupsError(`Error in DeleteGroups: ${failed.map((f) => `${f.groupId}: ${f.error.message}`).join('; ')}`, failed);
    return results;
  }

  /** Brook's Burrow-style status: lag of every committed partition and the group's status. */
  async fetchGroupLag(groupId: string): Promise<GroupLag> {
    type P = Row & { current_offset: number; log_end_offset: number; lag: number; status: string; consumer_id: string; client_id: string; host: string; instance_id: string | null };
    const s = await this.get<{ state: string; status: string; total_lag: number; max_lag: number; partitions: P[] }>(`${this.path(groupId)}/status`);
    return {
      groupId,
      state: s.state,
      status: s.status,
      totalLag: s.total_lag,
      maxLag: s.max_lag,
      partitions: s.partitions.map((p) => ({
        topic: p.topic_name,
        partition: p.partition_id,
        currentOffset: p.current_offset,
        logEndOffset: p.log_end_offset,
        lag: p.lag,
        status: p.status,
        consumerId: p.consumer_id,
        clientId: p.client_id,
        host: p.host,
        instanceId: p.instance_id,
      })),
    };
  }
}

const byTopic = (rows: Row[]) => {
  const out = new Map<string, number[]>();
  for (const r of rows) out.set(r.topic_name, [...(out.get(r.topic_name) ?? []), r.partition_id]);
  return [...out].map(([topic, partitions]) => ({ topic, partitions }));
};
