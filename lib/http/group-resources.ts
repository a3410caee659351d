import type { GroupDescription } from '../broker/group-describe';
import { Resources } from './resources';
import type { GroupLag } from '../broker/group-lag';
import { pairs } from '../groups/assignment';
import { memberStateName } from '../groups/group-state';
import type { LagRow } from '../groups/lag';
import { lastSeen } from '../groups/liveness';
import type { Assignment, GroupMember, GroupState, Liveness } from '../groups/types';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const partitionList = (a: Assignment) => pairs(a).map(([topic_name, partition_id]) => ({ topic_name, partition_id }));

/**
 * REST Proxy v3 consumer group resources (KafkaConsumerGroup, KafkaConsumer,
 * KafkaConsumerAssignment, KafkaConsumerLag, KafkaConsumerGroupLagSummary) with Brook's own
 * fields added (epochs, member state, host, Burrow status), and Brook's status resource.
 */
export class GroupResources extends Resources {
  private meta(path: string, crn: string) {
    return { self: this.url(path), resource_name: this.crn(crn) };
  }
  private g(groupId: string) {
    return `/consumer-groups/${encodeURIComponent(groupId)}`;
  }

  group({ group, state }: GroupDescription) {
    const p = this.g(group.groupId);
    return {
      kind: 'KafkaConsumerGroup',
      metadata: this.meta(p, `/consumer-group=${group.groupId}`),
      cluster_id: this.clusterId,
      consumer_group_id: group.groupId,
      is_simple: group.groupEpoch === 0 && Object.keys(group.members).length === 0,
      partition_assignor: group.assignor,
      state,
      type: 'CONSUMER',
      is_mixed_consumer_group: false,
      group_epoch: group.groupEpoch,
      assignment_epoch: group.assignmentEpoch,
      members_count: Object.keys(group.members).length,
      isolation_level: group.isolationLevel ?? null,
      coordinator: this.rel('/brokers/0'),
      consumers: this.rel(`${p}/consumers`),
      lag_summary: this.rel(`${p}/lag-summary`),
    };
  }

  consumer(group: GroupState, m: GroupMember, liveness: Liveness) {
    const p = `${this.g(group.groupId)}/consumers/${m.memberId}`;
    return {
      kind: 'KafkaConsumer',
      metadata: this.meta(p, `/consumer-group=${group.groupId}/consumer=${m.memberId}`),
      cluster_id: this.clusterId,
      consumer_group_id: group.groupId,
      consumer_id: m.memberId,
      instance_id: m.instanceId ?? null,
      client_id: m.clientId,
      host: m.host,
      member_epoch: m.memberEpoch,
      member_state: memberStateName(group, m),
      subscribed_topic_names: m.subscribedTopicNames ?? null,
      subscribed_topic_regex: m.subscribedTopicRegex ?? null,
      assigned_partitions: partitionList(m.assigned),
      pending_revocation: partitionList(m.revoking),
      target_partitions: partitionList(group.targetAssignment[m.memberId] ?? {}),
      session_timeout_ms: m.sessionTimeoutMs,
      rebalance_timeout_ms: m.rebalanceTimeoutMs,
      last_heartbeat: iso(lastSeen(m, liveness)),
      isolation_level: m.isolationLevel ?? null,
      assignments: this.rel(`${p}/assignments`),
    };
  }

  assignment(groupId: string, memberId: string, topic: string, partition: number) {
    const p = `${this.g(groupId)}/consumers/${memberId}/assignments/${topic}/partitions/${partition}`;
    return {
      kind: 'KafkaConsumerAssignment',
      metadata: this.meta(p, `/consumer-group=${groupId}/consumer=${memberId}/assignment=${topic}/partition=${partition}`),
      cluster_id: this.clusterId,
      consumer_group_id: groupId,
      consumer_id: memberId,
      topic_name: topic,
      partition_id: partition,
      partition: this.rel(`/topics/${topic}/partitions/${partition}`),
      lag: this.rel(`${this.g(groupId)}/lags/${topic}/partitions/${partition}`),
    };
  }

  lag(groupId: string, r: LagRow) {
    const p = `${this.g(groupId)}/lags/${r.topic}/partitions/${r.partition}`;
    return {
      kind: 'KafkaConsumerLag',
      metadata: this.meta(p, `/consumer-group=${groupId}/lag=${r.topic}/partition=${r.partition}`),
      cluster_id: this.clusterId,
      consumer_group_id: groupId,
      topic_name: r.topic,
      partition_id: r.partition,
      current_offset: r.currentOffset,
      log_end_offset: r.logEndOffset,
      lag: r.lag,
      isolation_level: r.isolationLevel,
      consumer_id: r.owner?.memberId ?? '',
      instance_id: r.owner?.instanceId ?? null,
      client_id: r.owner?.clientId ?? '',
      host: r.owner?.host ?? '',
      status: r.status,
    };
  }

  lagSummary(groupId: string, l: GroupLag) {
    const p = `${this.g(groupId)}/lag-summary`;
    const m = l.max;
    return {
      kind: 'KafkaConsumerGroupLagSummary',
      metadata: this.meta(p, `/consumer-group=${groupId}/lag-summary`),
      cluster_id: this.clusterId,
      consumer_group_id: groupId,
      max_lag_consumer_id: m?.owner?.memberId ?? '',
      max_lag_instance_id: m?.owner?.instanceId ?? null,
      max_lag_client_id: m?.owner?.clientId ?? '',
      max_lag_topic_name: m?.topic ?? '',
      max_lag_partition_id: m?.partition ?? -1,
      max_lag: l.maxLag,
      total_lag: l.totalLag,
      max_lag_consumer: this.rel(m?.owner ? `${this.g(groupId)}/consumers/${m.owner.memberId}` : `${this.g(groupId)}/consumers`),
      max_lag_partition: this.rel(m ? `/topics/${m.topic}/partitions/${m.partition}` : '/topics'),
    };
  }

  /** Brook's Burrow-style status (docs/GROUPS.md): the group's status and every committed partition's. */
  status(groupId: string, l: GroupLag, now: number) {
    const sample = (s: LagRow['window'][number] | undefined) => (s ? { offset: s.offset, timestamp: iso(s.timestamp), lag: s.lag } : null);
    const partition = (r: LagRow) => {
      const { kind: _kind, metadata: _metadata, ...lag } = this.lag(groupId, r);
      return { ...lag, start: sample(r.window[0]), end: sample(r.window[r.window.length - 1]) };
    };
    return {
      kind: 'BrookConsumerGroupStatus',
      metadata: this.meta(`${this.g(groupId)}/status`, `/consumer-group=${groupId}/status`),
      cluster_id: this.clusterId,
      consumer_group_id: groupId,
      state: l.state,
      status: l.status,
      complete: l.complete,
      evaluated_at: iso(now),
      partition_count: l.rows.length,
      max_lag: l.maxLag,
      total_lag: l.totalLag,
      maxlag: l.max ? partition(l.max) : null,
      partitions: l.rows.map(partition),
    };
  }

  list(kind: string, path: string, data: unknown[]) {
    return { kind, metadata: { self: this.url(path), next: null }, data };
  }
  groupPath(groupId: string) {
    return this.g(groupId);
  }
}
