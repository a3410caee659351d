import type { Broker } from './context';
import { writeGroup } from './group-write';
import { BrookError } from '../errors';
import { departures, removeMembers } from '../groups/liveness';
import type { GroupState } from '../groups/types';
import { readGroup, type GroupRead } from '../metadata/group-store';

/**
 * For the operations only an empty group allows (simple commits, reset offsets, delete): read
 * the group; refuse (with `refuse`) if any member is still in it; if members are in the item but
 * all have departed (silent past their session timeout, or past their revocation deadline),
 * first write them out — on condition that their liveness items did not move — so the caller's
 * own write, conditioned on the group version, can rely on the group being empty.
 */
export async function requireEmptyGroup(broker: Broker, groupId: string, now: number, refuse: (group: GroupState, live: string[]) => BrookError): Promise<GroupRead> {
  const read = await readGroup(broker, groupId);
  const { read: settled, written } = await writeGroup(
    broker,
    read,
    (r) => {
      if (!r.group) return { result: undefined };
      const gone = departures(r.group, r.liveness, now);
      const leaving = new Set([...gone.expired, ...gone.overdue]);
      const live = Object.keys(r.group.members).filter((id) => !leaving.has(id));
      if (live.length > 0) throw refuse(r.group, live);
      if (leaving.size === 0) return { result: undefined };
      const g = structuredClone(r.group);
      removeMembers(g, [...leaving]);
      g.groupEpoch += 1;
      g.targetAssignment = {};
      g.assignmentEpoch = g.groupEpoch;
      return { write: { group: g, expired: gone.expired, dropped: gone.overdue, now }, result: undefined };
    },
    `removing departed members of group '${groupId}'`,
  );
  if (written) return readGroup(broker, groupId);
  return settled;
}
