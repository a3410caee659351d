import { BrookError } from '../errors';
import { stableStringify } from './assignment';
import { preferredAssignor } from './assignors';
import type { HeartbeatRequest, HeartbeatResponse } from './heartbeat-request';
import { declaredIsolation } from './isolation';
import { departures, removeMembers } from './liveness';
import { checkMember, join, updateMember } from './membership';
import { reconcile } from './reconcile';
import type { GroupSettings } from './settings';
import { subscribedTopicsOf } from './subscription';
import { computeTarget } from './target';
import { emptyGroup, LEFT_STATIC_EPOCH, type GroupState, type Liveness, type TopicMeta } from './types';

export interface HeartbeatInput {
  groupId: string;
  /** The group item as read (undefined: no such group yet). */
  group: GroupState | undefined;
  liveness: Liveness;
  req: HeartbeatRequest;
  now: number;
  /** Every topic of the cluster (for subscriptions by name and by regex). */
  topics: TopicMeta[];
  settings: GroupSettings;
  /** The id a joining member gets when it does not bring its own. */
  newMemberId: string;
}

export interface HeartbeatOutcome {
  /** The next state of the group item (version not yet incremented). */
  group: GroupState;
  /** Whether the group item changed and must be written. */
  write: boolean;
  /** The group epoch was bumped: the target was recomputed from the topics given. */
  bumped: boolean;
  /** Members removed for silence: their liveness items are deleted on condition they did not move. */
  expired: string[];
  /** Other liveness items to delete: members removed as overdue, left, or replaced. */
  dropped: string[];
  /** Whose liveness item to write with this heartbeat (none after a leave). */
  heartbeatOf?: string;
  response: HeartbeatResponse;
}

/**
 * One heartbeat, as a pure function of the group as read (the I/O is lib/broker/group-heartbeat.ts):
 * 1. remove members silent past their session timeout or past their revocation deadline;
 * 2. join, leave or check the requester (ids, instance ids, epochs);
 * 3. bump the group epoch once if membership, a subscription, the assignor or a subscribed
 *    topic's partitions changed, and then compute the new target assignment;
 * 4. reconcile the requester towards its target (lib/groups/reconcile.ts).
 */
export function applyHeartbeat(input: HeartbeatInput): HeartbeatOutcome {
  const { req, now, settings } = input;
  const before = input.group ?? emptyGroup(input.groupId, now);
  const g: GroupState = structuredClone(before);
  const { expired, overdue } = departures(input.group, input.liveness, now);
  let bump = removeMembers(g, [...expired, ...overdue]);
  const dropped = [...overdue];
  let memberId = req.memberId;
  let heartbeatOf: string | undefined = memberId;
  let memberEpoch: number | undefined;

  if (req.memberEpoch === -1 || (req.memberEpoch === LEFT_STATIC_EPOCH && g.members[memberId]?.instanceId === undefined)) {
    // Leaving: idempotent, so a leave resent after a lost answer succeeds again.
    if (removeMembers(g, g.members[memberId] ? [memberId] : [])) bump = true;
    dropped.push(memberId);
    heartbeatOf = undefined;
    memberEpoch = -1;
  } else if (req.memberEpoch === LEFT_STATIC_EPOCH) {
    const m = g.members[memberId]!;
    if (m.instanceId !== req.instanceId) throw new BrookError('FENCED_INSTANCE_ID', `Member ${memberId} belongs to instance '${m.instanceId}', not '${req.instanceId}'.`);
    if (m.memberEpoch !== LEFT_STATIC_EPOCH) Object.assign(m, { previousMemberEpoch: m.memberEpoch, memberEpoch: LEFT_STATIC_EPOCH });
    memberEpoch = LEFT_STATIC_EPOCH;
  } else if (req.memberEpoch === 0) {
    const joined = join(g, req, input.newMemberId, now, settings, dropped);
    memberId = heartbeatOf = joined.memberId;
    bump ||= joined.bump;
  } else {
    const m = checkMember(g, input.group !== undefined, req);
    bump = updateMember(m, req) || bump;
  }

  const subscribed = subscribedTopicsOf(g, input.topics);
  if (stableStringify(subscribed) !== stableStringify(g.subscribedTopics)) {
    g.subscribedTopics = subscribed;
    bump = true;
  }
  const assignor = preferredAssignor(Object.values(g.members));
  if (assignor !== g.assignor) {
    g.assignor = assignor;
    bump = true;
  }
  // Not a rebalance: only where lag is measured to (kept when the group empties).
  const isolation = declaredIsolation(Object.values(g.members));
  if (isolation !== undefined) g.isolationLevel = isolation;
  if (bump) g.groupEpoch += 1;
  if (g.groupEpoch > g.assignmentEpoch) {
    g.targetAssignment = computeTarget(g, input.topics);
    g.assignmentEpoch = g.groupEpoch;
  }

  const member = memberEpoch === undefined ? g.members[memberId] : undefined;
  if (member) g.members[memberId] = reconcile(g, member, req.ownedPartitions, now);
  const after = g.members[memberId];
  const write = stableStringify(g) !== stableStringify(before);
  return {
    group: g,
    write,
    bumped: g.groupEpoch !== before.groupEpoch,
    // One operation per item in a transaction: a member that rejoins under its old id is written, not deleted.
    expired: expired.filter((id) => id !== heartbeatOf),
    dropped: [...new Set(dropped)].filter((id) => id !== heartbeatOf && !expired.includes(id)),
    heartbeatOf,
    response: {
      memberId,
      memberEpoch: memberEpoch ?? after!.memberEpoch,
      heartbeatIntervalMs: Math.max(1, Math.min(settings.heartbeatIntervalMs, Math.floor((after?.sessionTimeoutMs ?? settings.sessionTimeoutMs) / 3))),
      assignment: memberEpoch === undefined ? after!.assigned : {},
    },
  };
}
