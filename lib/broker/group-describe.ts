import type { Broker } from './context';
import { BrookError } from '../errors';
import { validateGroupId } from '../groups/group-id';
import { viewGroup, type GroupStateName } from '../groups/group-state';
import { resolveOptions, type GroupOptions } from '../groups/settings';
import type { GroupState, Liveness } from '../groups/types';
import { listGroupIds, readGroup } from '../metadata/group-store';

export interface GroupDescription {
  /** The group as readers see it: members that departed without a word are left out. */
  group: GroupState;
  state: GroupStateName;
  liveness: Liveness;
}

/** Describe one group: 1 consistent Query. Unknown group → GROUP_ID_NOT_FOUND (Kafka's ConsumerGroupDescribe). */
export async function describeGroup(broker: Broker, groupId: string, options?: GroupOptions): Promise<GroupDescription> {
  validateGroupId(groupId);
  const { now } = resolveOptions(options);
  const { group, liveness } = await readGroup(broker, groupId);
  if (!group) throw new BrookError('GROUP_ID_NOT_FOUND', `Consumer group '${groupId}' does not exist.`);
  const view = viewGroup(group, liveness, now);
  return { group: view.group, state: view.state, liveness };
}

/** Every group, described: 1 Query of the registry + 1 Query per group (8 at a time). Admin calls are rare. */
export async function listGroups(broker: Broker, options?: GroupOptions): Promise<GroupDescription[]> {
  const ids = await listGroupIds(broker);
  const out: Array<GroupDescription | undefined> = new Array(ids.length);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      out[i] = await describeGroup(broker, ids[i]!, options).catch((err) => {
        if ((err as BrookError).errorName === 'GROUP_ID_NOT_FOUND') return undefined; // deleted meanwhile
        throw err;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, ids.length) }, worker));
  return out.filter((d): d is GroupDescription => d !== undefined);
}
