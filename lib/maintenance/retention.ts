import type { BatchIndexEntry, PartitionHead } from '../metadata/types';

export interface RetentionPolicy {
  /** Kafka's retention.ms; -1 keeps records forever. */
  retentionMs: number;
  /** Kafka's retention.bytes per partition; -1 for no bound. */
  retentionBytes: number;
}

/**
 * The log start offset that retention asks for, from the index entries (oldest first). As Kafka
 * deletes whole segments, Brook drops whole index entries: by time, every entry from the oldest
 * whose newest record is older than the cutoff, stopping at the first that is not; by size, the
 * oldest entries until the rest fits in retention.bytes.
 */
export function retentionStart(entries: BatchIndexEntry[], head: PartitionHead, policy: RetentionPolicy, now: number): number {
  let start = head.logStartOffset;
  const live = entries.filter((e) => e.lastOffset >= start);
  let i = 0;
  if (policy.retentionMs >= 0) {
    const cutoff = now - policy.retentionMs;
    while (i < live.length && live[i]!.maxTimestamp < cutoff) start = live[i++]!.lastOffset + 1;
  }
  if (policy.retentionBytes >= 0) {
    let size = live.slice(i).reduce((n, e) => n + e.byteLength, 0);
    while (i < live.length && size > policy.retentionBytes) {
      size -= live[i]!.byteLength;
      start = live[i++]!.lastOffset + 1;
    }
  }
  return Math.min(Math.max(start, head.logStartOffset), head.nextOffset);
}
