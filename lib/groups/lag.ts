import type { IsolationLevel } from '../broker/fetch';
import type { CommittedOffset } from '../metadata/offset-store';
import { evaluatePartition, type PartitionStatus, type WindowSample } from './burrow';
import { currentAssignment } from './group-state';
import type { GroupSettings } from './settings';
import type { GroupMember, GroupState } from './types';

export interface LagRow {
  topic: string;
  partition: number;
  currentOffset: number;
  /** Where lag is measured to: the high watermark, or the last stable offset for read_committed (KafkaConsumer.endOffsets' answer). */
  logEndOffset: number;
  isolationLevel: IsolationLevel;
  /** log end − committed, never below 0 (a topic recreated since the commit). */
  lag: number;
  /** The member that owns the partition now, if any. */
  owner?: GroupMember;
  status: PartitionStatus;
  /** The Burrow window behind `status`, oldest first. */
  window: WindowSample[];
}

/** "topic#partition" → the member that owns it now (assigned or still revoking). */
export function ownersOf(view: GroupState): Map<string, GroupMember> {
  const owners = new Map<string, GroupMember>();
  for (const m of Object.values(view.members)) {
    for (const [topic, parts] of Object.entries(currentAssignment(m))) for (const p of parts) owners.set(`${topic}#${p}`, m);
  }
  return owners;
}

/** Where a partition's lag is measured to, and at which isolation level. */
export interface LagEnd {
  offset: number;
  isolationLevel: IsolationLevel;
}

/**
 * Lag of every committed partition whose topic still exists, with its owner and Burrow status.
 * The window keeps the samples of the last lagSlots × lagSlotMs before the latest commit: older
 * slots would have been overwritten had the consumer kept committing. Its samples' lags are to
 * the high watermark at commit time (the commit records no LSO); the lag now is to `logEnds`.
 */
export function lagRows(view: GroupState, committed: CommittedOffset[], logEnds: Map<string, LagEnd>, now: number, settings: GroupSettings): LagRow[] {
  const owners = ownersOf(view);
  const horizon = settings.lagSlots * settings.lagSlotMs;
  const rows: LagRow[] = [];
  for (const c of committed) {
    const key = `${c.topic}#${c.partition}`;
    const end = logEnds.get(key);
    if (end === undefined) continue;
    const logEndOffset = end.offset;
    const lag = Math.max(0, logEndOffset - c.committedOffset);
    const latest = c.samples.length > 0 ? c.samples[c.samples.length - 1]!.timestamp : c.commitTimestamp;
    const window = c.samples
      .filter((s) => s.timestamp > latest - horizon)
      .map((s) => ({ offset: s.offset, timestamp: s.timestamp, lag: Math.max(0, s.logEndOffset - s.offset) }));
    const status = evaluatePartition(window, lag, now, settings.lagSlotMs);
    rows.push({ topic: c.topic, partition: c.partition, currentOffset: c.committedOffset, logEndOffset, isolationLevel: end.isolationLevel, lag, owner: owners.get(key), status, window });
  }
  return rows;
}

/** The REST v3 lag summary: the largest lag (records-lag-max over the group) and the total. */
export function lagSummary(rows: LagRow[]): { maxLag: number; totalLag: number; max?: LagRow } {
  let max: LagRow | undefined;
  let totalLag = 0;
  for (const r of rows) {
    totalLag += r.lag;
    if (!max || r.lag > max.lag) max = r;
  }
  return { maxLag: max?.lag ?? 0, totalLag, max };
}
