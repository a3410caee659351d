import { BrookError } from '../errors';
import { isSubset } from './assignment';
import type { HeartbeatRequest } from './heartbeat-request';
import type { GroupSettings } from './settings';
import { sameSubscription } from './subscription';
import { LEFT_STATIC_EPOCH, type GroupMember, type GroupState } from './types';

/** Joins, leaves and checks of who is asking: Kafka's rules for member ids, epochs and instance ids. */

export const findByInstance = (g: GroupState, instanceId: string) => Object.values(g.members).find((m) => m.instanceId === instanceId);

/** Apply the fields a heartbeat may change; true when the subscription changed (a new target is needed). */
export function updateMember(m: GroupMember, req: HeartbeatRequest): boolean {
  let subscriptionChanged = false;
  if ((req.subscribedTopicNames !== undefined || req.subscribedTopicRegex !== undefined) && !sameSubscription(m, req.subscribedTopicNames, req.subscribedTopicRegex)) {
    m.subscribedTopicNames = req.subscribedTopicRegex === undefined ? [...new Set(req.subscribedTopicNames)].sort() : undefined;
    m.subscribedTopicRegex = req.subscribedTopicRegex;
    subscriptionChanged = true;
  }
  if (req.rebalanceTimeoutMs !== undefined) m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
  if (req.sessionTimeoutMs !== undefined) m.sessionTimeoutMs = req.sessionTimeoutMs;
  if (req.clientId !== undefined) m.clientId = req.clientId;
  if (req.serverAssignor !== undefined) m.serverAssignor = req.serverAssignor;
  if (req.isolationLevel !== undefined) m.isolationLevel = req.isolationLevel;
  return subscriptionChanged;
}

/**
 * memberEpoch 0. Returns the member id and whether the group epoch must be bumped. A static
 * member (instance id) that left with -2 is taken over with its assignment and epoch, without a
 * rebalance; one that is still in the group → UNRELEASED_INSTANCE_ID. A join with the id of an
 * existing member is that member again (a join whose answer was lost, or one after
 * FENCED_MEMBER_EPOCH): it keeps its partitions.
 */
export function join(g: GroupState, req: HeartbeatRequest, newMemberId: string, now: number, settings: GroupSettings, replaced: string[]): { memberId: string; bump: boolean } {
  const id = req.memberId || newMemberId;
  const holder = req.instanceId === undefined ? undefined : findByInstance(g, req.instanceId);
  if (holder && holder.memberId !== id) {
    if (holder.memberEpoch !== LEFT_STATIC_EPOCH) {
      throw new BrookError('UNRELEASED_INSTANCE_ID', `Static member '${req.instanceId}' is still in the group as member ${holder.memberId}; it must leave (member_epoch -2) or time out first.`);
    }
    const m: GroupMember = { ...holder, memberId: id, memberEpoch: holder.previousMemberEpoch, host: req.host ?? holder.host, joinedAt: now };
    delete g.members[holder.memberId];
    g.members[id] = m;
    if (g.targetAssignment[holder.memberId]) g.targetAssignment[id] = g.targetAssignment[holder.memberId]!;
    delete g.targetAssignment[holder.memberId];
    replaced.push(holder.memberId);
    return { memberId: id, bump: updateMember(m, req) };
  }
  const existing = g.members[id];
  if (existing) {
    if (existing.instanceId !== req.instanceId) throw new BrookError('FENCED_INSTANCE_ID', `Member ${id} belongs to instance '${existing.instanceId ?? '(none)'}', not '${req.instanceId ?? '(none)'}'.`);
    if (existing.memberEpoch === LEFT_STATIC_EPOCH) existing.memberEpoch = existing.previousMemberEpoch;
    return { memberId: id, bump: updateMember(existing, req) };
  }
  if (Object.keys(g.members).length >= settings.maxGroupSize) {
    throw new BrookError('GROUP_MAX_SIZE_REACHED', `Group '${g.groupId}' already has ${settings.maxGroupSize} members, the most this cluster allows (BROOK_GROUP_MAX_SIZE).`);
  }
  const m: GroupMember = {
    memberId: id,
    instanceId: req.instanceId,
    clientId: req.clientId ?? '',
    host: req.host ?? '',
    rebalanceTimeoutMs: req.rebalanceTimeoutMs ?? settings.rebalanceTimeoutMs,
    sessionTimeoutMs: req.sessionTimeoutMs ?? settings.sessionTimeoutMs,
    memberEpoch: 0,
    previousMemberEpoch: -1,
    assigned: {},
    revoking: {},
    joinedAt: now,
  };
  updateMember(m, req);
  g.members[id] = m;
  return { memberId: id, bump: true };
}

/** A heartbeat with memberEpoch > 0: the member must exist, be that instance, and be at its epoch (or the one before). */
export function checkMember(g: GroupState, exists: boolean, req: HeartbeatRequest): GroupMember {
  if (!exists) throw new BrookError('GROUP_ID_NOT_FOUND', `Group '${g.groupId}' does not exist; join it with member_epoch 0.`);
  const holder = req.instanceId === undefined ? undefined : findByInstance(g, req.instanceId);
  if (holder && holder.memberId !== req.memberId) {
    throw new BrookError('FENCED_INSTANCE_ID', `Instance '${req.instanceId}' now belongs to member ${holder.memberId}; member ${req.memberId} was replaced.`);
  }
  const m = g.members[req.memberId];
  if (!m) throw new BrookError('UNKNOWN_MEMBER_ID', `Member ${req.memberId} is not in group '${g.groupId}' (it left, or missed its session timeout); rejoin with member_epoch 0.`);
  if (m.memberEpoch === LEFT_STATIC_EPOCH) {
    throw new BrookError('FENCED_MEMBER_EPOCH', `Member ${req.memberId} left the group (member_epoch -2); rejoin with member_epoch 0.`);
  }
  if (req.memberEpoch !== m.memberEpoch) {
    const lostAnswer = req.memberEpoch === m.previousMemberEpoch && (req.ownedPartitions === undefined || isSubset(req.ownedPartitions, m.assigned));
    if (!lostAnswer) {
      throw new BrookError('FENCED_MEMBER_EPOCH', `Member ${req.memberId} is at epoch ${m.memberEpoch}, not ${req.memberEpoch}; release its partitions and rejoin with member_epoch 0.`);
    }
  }
  return m;
}
