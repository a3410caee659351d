import type { Broker } from './context';
import { describeGroup } from './group-describe';
import { headsOf } from './group-log-ends';
import { groupStatus, type GroupStatus } from '../groups/burrow';
import type { GroupStateName } from '../groups/group-state';
import { lagRows, lagSummary, type LagRow } from '../groups/lag';
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

/**
 * Lag per committed partition (log end − committed offset), the summary, and the Burrow status.
 * Requests: 1 Query (group) + 1 Query (offsets) + 1 BatchGetItem of heads per topic.
 */
export async function groupLag(broker: Broker, groupId: string, options?: GroupOptions): Promise<GroupLag> {
  const { now, settings } = resolveOptions(options);
  const { group, state } = await describeGroup(broker, groupId, { now, settings });
  const committed = await readOffsets(broker, groupId);
  const heads = await headsOf(broker, committed.map((c) => [c.topic, c.partition]), true);
  const logEnds = new Map([...heads].map(([k, h]) => [k, h.nextOffset]));
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
