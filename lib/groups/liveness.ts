import { isEmpty } from './assignment';
import type { GroupMember, GroupState, Liveness } from './types';

/**
 * Who has left without saying so. A member's liveness item holds its last heartbeat (written
 * with a plain PutItem on every heartbeat); the group item is only rewritten when something
 * changes. A member whose liveness item is missing counts from the time it joined.
 */
export const lastSeen = (m: GroupMember, liveness: Liveness) => Math.max(liveness.get(m.memberId) ?? 0, m.joinedAt);

/** session.timeout.ms passed without a heartbeat. */
export const isSessionExpired = (m: GroupMember, liveness: Liveness, now: number) => lastSeen(m, liveness) + m.sessionTimeoutMs < now;

/** The member was told to drop partitions and has not confirmed within its rebalance timeout. */
export const isRevocationOverdue = (m: GroupMember, now: number) => !isEmpty(m.revoking) && m.revokeDeadline !== undefined && now > m.revokeDeadline;

export interface Departures {
  /** Silent past their session timeout: removal is conditioned on their liveness item being unchanged. */
  expired: string[];
  /** Alive but too slow to revoke (max.poll.interval.ms): removed, as Kafka fences them. */
  overdue: string[];
}

export function departures(group: GroupState | undefined, liveness: Liveness, now: number): Departures {
  const expired: string[] = [];
  const overdue: string[] = [];
  for (const m of Object.values(group?.members ?? {})) {
    if (isSessionExpired(m, liveness, now)) expired.push(m.memberId);
    else if (isRevocationOverdue(m, now)) overdue.push(m.memberId);
  }
  return { expired: expired.sort(), overdue: overdue.sort() };
}

/** Remove members: their partitions are free at once. Mutates `group`; the caller bumps the group epoch. */
export function removeMembers(group: GroupState, ids: string[]): boolean {
  for (const id of ids) {
    delete group.members[id];
    delete group.targetAssignment[id];
  }
  return ids.length > 0;
}
