/**
 * The state of a consumer group, as the group item in DynamoDB holds it (docs/GROUPS.md). Names
 * follow Kafka's KIP-848 coordinator: groupEpoch, assignmentEpoch, memberEpoch.
 */

import type { IsolationLevel } from '../broker/fetch';

/** topic → sorted partition numbers; topics with no partitions are left out. */
export type Assignment = Record<string, number[]>;

export type AssignorName = 'uniform' | 'range';
export const ASSIGNORS: readonly AssignorName[] = ['uniform', 'range'];
export const DEFAULT_ASSIGNOR: AssignorName = 'uniform';

/** memberEpoch of a static member that left with epoch -2 and may come back (Kafka's value). */
export const LEFT_STATIC_EPOCH = -2;

export interface GroupMember {
  memberId: string;
  /** group.instance.id of a static member. */
  instanceId?: string;
  clientId: string;
  host: string;
  subscribedTopicNames?: string[];
  subscribedTopicRegex?: string;
  serverAssignor?: AssignorName;
  /** max.poll.interval.ms: how long the member may take to revoke partitions. */
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  memberEpoch: number;
  /** The epoch before the last change: a heartbeat with it is accepted (its answer may have been lost). */
  previousMemberEpoch: number;
  /** Partitions the member owns and keeps. */
  assigned: Assignment;
  /** Partitions the member still owns but was told to drop; nobody else gets them until it confirms. */
  revoking: Assignment;
  /** When `revoking` is not empty: the member is removed if it has not confirmed by then. */
  revokeDeadline?: number;
  joinedAt: number;
  /** Kafka's isolation.level the member fetches with, as its heartbeats say (Brook's field): what its partitions' lag is measured to. */
  isolationLevel?: IsolationLevel;
}

/** A subscribed topic as the target assignment saw it: a new id or more partitions bump the group epoch. */
export interface TopicMeta {
  topicName: string;
  topicId: string;
  partitionsCount: number;
}

export interface GroupState {
  groupId: string;
  /** Incremented by every write of the group item; every write is conditioned on it. */
  version: number;
  /** Bumped by every change of membership, subscriptions, assignor or subscribed topics. */
  groupEpoch: number;
  /** The group epoch the target assignment was computed for. */
  assignmentEpoch: number;
  assignor: AssignorName;
  members: Record<string, GroupMember>;
  /** memberId → the partitions the assignor wants it to own. */
  targetAssignment: Record<string, Assignment>;
  /** The subscribed topics as of the last assignment: topic → {topicId, partitionsCount}. */
  subscribedTopics: Record<string, { topicId: string; partitionsCount: number }>;
  /**
   * read_committed once any member says it reads committed, read_uncommitted once members say so
   * and none reads committed; kept when the group empties. Lag of unowned partitions is measured
   * at this level (lib/groups/isolation.ts). Absent: no member ever said.
   */
  isolationLevel?: IsolationLevel;
  createdAt: number;
  updatedAt: number;
}

/** memberId → the time of its last heartbeat (the liveness items). */
export type Liveness = Map<string, number>;

export const emptyGroup = (groupId: string, now: number): GroupState => ({
  groupId,
  version: 0,
  groupEpoch: 0,
  assignmentEpoch: 0,
  assignor: DEFAULT_ASSIGNOR,
  members: {},
  targetAssignment: {},
  subscribedTopics: {},
  createdAt: now,
  updatedAt: now,
});
