/**
 * Burrow's consumer lag evaluation (linkedin/Burrow, evaluator rules), over the window of recent
 * commits kept with each committed offset (lib/metadata/offset-store.ts). docs/GROUPS.md has
 * the rules with examples.
 */
export type PartitionStatus = 'OK' | 'WARNING' | 'STALL' | 'REWIND' | 'STOP';
export type GroupStatus = 'OK' | 'WARNING' | 'ERROR';

export interface WindowSample {
  offset: number;
  timestamp: number;
  /** Lag when the commit was made: the log end offset then − the offset committed. */
  lag: number;
}

const SEVERITY: Record<PartitionStatus, number> = { OK: 0, WARNING: 1, STALL: 2, REWIND: 3, STOP: 4 };

/**
 * In this order, for a window sorted oldest first:
 * - lag now is 0 → OK (caught up, whatever happened before);
 * - STOP: the last commit is older than the window's span (last − first commit time, at least
 *   `minSpanMs`): the consumer stopped committing while there is lag;
 * - OK if the lag was 0 at any commit in the window (it caught up recently);
 * - with at least two commits: REWIND if an offset went backwards; STALL if every commit
 *   carried the same offset (commits keep coming, nothing is consumed); WARNING if the lag never
 *   went down from one commit to the next (the consumer is falling behind);
 * - else OK.
 */
export function evaluatePartition(samples: WindowSample[], currentLag: number, now: number, minSpanMs: number): PartitionStatus {
  if (currentLag <= 0 || samples.length === 0) return 'OK';
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  if (now - last.timestamp > Math.max(last.timestamp - first.timestamp, minSpanMs)) return 'STOP';
  if (samples.some((s) => s.lag === 0)) return 'OK';
  if (samples.length < 2) return 'OK';
  const steps = samples.slice(1).map((s, i) => [samples[i]!, s] as const);
  if (steps.some(([a, b]) => b.offset < a.offset)) return 'REWIND';
  if (steps.every(([a, b]) => b.offset === a.offset)) return 'STALL';
  if (steps.every(([a, b]) => b.lag >= a.lag)) return 'WARNING';
  return 'OK';
}

export const worstPartition = (statuses: PartitionStatus[]): PartitionStatus =>
  statuses.reduce<PartitionStatus>((w, s) => (SEVERITY[s] > SEVERITY[w] ? s : w), 'OK');

/** Burrow's group status: ERROR if any partition is STOP, STALL or REWIND, WARNING if any is WARNING. */
export function groupStatus(statuses: PartitionStatus[]): GroupStatus {
  const worst = worstPartition(statuses);
  return worst === 'OK' ? 'OK' : worst === 'WARNING' ? 'WARNING' : 'ERROR';
}
