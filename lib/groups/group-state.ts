import { isEmpty, isSubset, union } from './assignment';
import { departures } from './liveness';
import type { GroupMember, GroupState, Liveness } from './types';

/** KIP-848 group states, as Kafka's ConsumerGroupDescribe names them. */
export type GroupStateName = 'EMPTY' | 'ASSIGNING' | 'RECONCILING' | 'STABLE' | 'DEAD';
/** Kafka's member states: what the member still has to do to reach its target. */
export type MemberStateName = 'STABLE' | 'UNREVOKED_PARTITIONS' | 'UNRELEASED_PARTITIONS' | 'UNKNOWN';

/** Partitions the member owns now, including those it was told to revoke. */
export const currentAssignment = (m: GroupMember) => union(m.assigned, m.revoking);

export function memberStateName(group: GroupState, m: GroupMember): MemberStateName {
  if (m.memberEpoch < 0) return 'UNKNOWN';
  if (!isEmpty(m.revoking)) return 'UNREVOKED_PARTITIONS';
  const target = group.targetAssignment[m.memberId] ?? {};
  if (m.memberEpoch !== group.assignmentEpoch || !isSubset(target, m.assigned)) return 'UNRELEASED_PARTITIONS';
  return 'STABLE';
}

/**
 * The group as a reader should see it: members past their session timeout or revocation
 * deadline are left out (the next heartbeat removes them for good), and the state says what the
 * group is doing. ASSIGNING: members left and no heartbeat has recomputed the target yet.
 */
export function viewGroup(group: GroupState, liveness: Liveness, now: number): { group: GroupState; state: GroupStateName } {
  const gone = departures(group, liveness, now);
  const leaving = new Set([...gone.expired, ...gone.overdue]);
  const members = Object.fromEntries(Object.entries(group.members).filter(([id]) => !leaving.has(id)));
  const view = { ...group, members };
  if (Object.keys(members).length === 0) return { group: view, state: 'EMPTY' };
  if (leaving.size > 0 || group.groupEpoch > group.assignmentEpoch) return { group: view, state: 'ASSIGNING' };
  const settled = Object.values(members).every((m) => m.memberEpoch < 0 || memberStateName(group, m) === 'STABLE');
  return { group: view, state: settled ? 'STABLE' : 'RECONCILING' };
}
