import { intersect, intersects, isEmpty, keepWhere, minus, union } from './assignment';
import { currentAssignment } from './group-state';
import type { Assignment, GroupMember, GroupState } from './types';

/**
 * Move one member towards its target (Kafka's CurrentAssignmentBuilder), on its own heartbeat:
 *
 * 1. Partitions it was told to revoke stay its own until a heartbeat reports them no longer
 *    owned (`owned` given and disjoint from them); until then nothing else changes.
 * 2. Owned partitions that left its target are to be revoked: it is told to keep only
 *    current ∩ target, and has until now + rebalanceTimeoutMs to confirm. Its epoch stays.
 * 3. With nothing to revoke, it gains the target partitions no other member owns (the others
 *    follow on later heartbeats, once their owners have revoked them) and its epoch becomes the
 *    assignment epoch.
 *
 * A partition is only ever given when no other member's current assignment holds it, and the
 * group item is written on condition of the version this was computed from: no version of the
 * group item has one partition in two members' current assignments.
 */
export function reconcile(group: GroupState, member: GroupMember, owned: Assignment | undefined, now: number): GroupMember {
  let m = member;
  if (m.memberEpoch < 0) return m; // a static member that left: it keeps its partitions until it returns or expires
  if (!isEmpty(m.revoking)) {
    if (owned === undefined || intersects(owned, m.revoking)) return m;
    m = { ...m, revoking: {}, revokeDeadline: undefined };
  }
  const target = group.targetAssignment[m.memberId] ?? {};
  const revoke = minus(m.assigned, target);
  if (!isEmpty(revoke)) {
    return { ...m, assigned: intersect(m.assigned, target), revoking: revoke, revokeDeadline: now + m.rebalanceTimeoutMs };
  }
  const ownedByOthers = Object.values(group.members)
    .filter((o) => o.memberId !== m.memberId)
    .reduce<Assignment>((acc, o) => union(acc, currentAssignment(o)), {});
  const free = keepWhere(minus(target, m.assigned), (topic, p) => !(ownedByOthers[topic]?.includes(p) ?? false));
  const epoch = group.assignmentEpoch;
  return {
    ...m,
    assigned: union(m.assigned, free),
    memberEpoch: epoch,
    previousMemberEpoch: m.memberEpoch === epoch ? m.previousMemberEpoch : m.memberEpoch,
  };
}
