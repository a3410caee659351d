import type { Broker } from './context';
import { describeGroup } from './group-describe';
import type { IsolationLevel } from './fetch';
import { lagEndsOf } from './group-log-ends';
import { groupStatus, type GroupStatus } from '../groups/burrow';
import type { GroupStateName } from '../groups/group-state';
import { lagIsolation } from '../groups/isolation';
import { lagRows, lagSummary, ownersOf, type LagRow } from '../groups/lag';
import { resolveOptions, type GroupOptions } from '../groups/settings';
import type { GroupState } from '../groups/types';
import { readOffsets } from '../metadata/offset-store';

export interface GroupLag {
  group: GroupState;
  state: GroupStateName;
  rows: LagRow[];
  maxLag: number;
  totalLag: number;
  max?: LagRow;
  /** Burrow's group status: the worst partition's. */
  status: GroupStatus;
  /** Share of partitions whose window holds a full set of slots (Burrow's `complete`). */
  complete: number;
}

export interface LagOptions extends GroupOptions {
  /** Measure every partition at this level; absent, each at its owner's, else the group's (lib/groups/isolation.ts). */
  isolationLevel?: IsolationLevel;
}

/**
 * Lag per committed partition (log end − committed offset; for read_committed consumers the last
 * stable offset − committed offset), the summary, and the Burrow status. Requests: 1 Query
 * (group) + 1 Query (offsets) + 1 BatchGetItem of heads per topic, or 1 GetItem per partition
 * measured at read_committed.
 */
export async function groupLag(broker: Broker, groupId: string, options: LagOptions = {}): Promise<GroupLag> {
  const { now, settings } = resolveOptions(options);
  const { group, state } = await describeGroup(broker, groupId, { now, settings });
  const committed = await readOffsets(broker, groupId);
  const owners = ownersOf(group);
  const ends = committed.map((c) => ({ topic: c.topic, partition: c.partition, isolationLevel: lagIsolation(group, owners.get(`${c.topic}#${c.partition}`), options.isolationLevel) }));
  const logEnds = await lagEndsOf(broker, ends);
  const rows = lagRows(group, committed, logEnds, now, { ...settings });
  const full = rows.filter((r) => r.window.length >= settings.lagSlots).length;
  return {
    group,
    state,
    rows,
    ...lagSummary(rows),
    status: groupStatus(rows.map((r) => r.status)),
    complete: rows.length === 0 ? 1 : full / rows.length,
  };
}
