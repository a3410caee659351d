import type { Broker } from '../broker/context';
import { listEntries } from '../metadata/batches';
import { getHeads } from '../metadata/heads';
import { topicConfig } from '../metadata/topic-configs';
import { listTopics } from '../metadata/topics';
import type { BatchIndexEntry } from '../metadata/types';
import { advanceLogStart } from './advance-log-start';
import { collectGarbage, type GarbageReport } from './collect-garbage';
import { compactPartition } from './compact-partition';
import { mergeSmallObjects, type MergeOptions } from './merge-small-objects';
import { retentionStart } from './retention';
import { abortExpiredTransactions } from '../transactions/expire';

export interface MaintenanceOptions {
  /** The clock, injectable for tests. */
  now?: number;
  /** How old an unreferenced object must be before it is deleted (DEFAULT_ORPHAN_GRACE_MS). */
  graceMs?: number;
  /** Small-object compaction settings (MERGE_DEFAULTS), or false to skip it. */
  merge?: MergeOptions | false;
}

export interface MaintenanceReport extends GarbageReport {
  partitionsChecked: number;
  partitionsTrimmed: number;
  entriesDeleted: number;
  /** Aborted-transactions index entries below the new log starts, deleted with them. */
  abortedEntriesDeleted: number;
  entriesMerged: number;
  mergedEntriesWritten: number;
  recordsCompacted: number;
  /** Of the records compacted away, those of aborted transactions. */
  abortedRecordsCompacted: number;
  /** Transactions past transaction.timeout.ms aborted, and prepared ones completed (docs/rfcs/0002-transactions.md). */
  transactionsAborted: number;
  transactionsCompleted: number;
}

/**
 * One maintenance pass, as the scheduled Lambda, the local server's timer and
 * `brook maintenance run` start it: per partition, retention (when cleanup.policy includes
 * delete), log compaction (when it includes compact) and small-object compaction; then garbage collection of unreferenced objects. Safe to run concurrently with
 * produce and fetch, and with itself (every head change is conditional).
 */
export async function runMaintenance(broker: Broker, options: MaintenanceOptions = {}): Promise<MaintenanceReport> {
  const now = options.now ?? Date.now();
  const report: MaintenanceReport = { partitionsChecked: 0, partitionsTrimmed: 0, entriesDeleted: 0, abortedEntriesDeleted: 0, entriesMerged: 0, mergedEntriesWritten: 0, recordsCompacted: 0, abortedRecordsCompacted: 0, transactionsAborted: 0, transactionsCompleted: 0, objectsListed: 0, objectsDeleted: 0, entriesOfDeletedTopics: 0 };
  const txns = await abortExpiredTransactions(broker, now);
  report.transactionsAborted = txns.aborted;
  report.transactionsCompleted = txns.completed;
  for (const topic of await listTopics(broker)) {
    const policyName = topicConfig(topic.configs, 'cleanup.policy');
    const deletes = policyName.includes('delete');
    const compacts = policyName.includes('compact');
    const policy = {
      retentionMs: Number(topicConfig(topic.configs, 'retention.ms')),
      retentionBytes: Number(topicConfig(topic.configs, 'retention.bytes')),
    };
    const heads = await getHeads(broker, topic.topicId, Array.from({ length: topic.partitionsCount }, (_, p) => p));
    for (let head of heads) {
      report.partitionsChecked++;
      if (deletes) {
        const entries: BatchIndexEntry[] = [];
        for await (const page of listEntries(broker, topic.topicId, head.partition, head.logStartOffset)) entries.push(...page);
        const start = retentionStart(entries, head, policy, now);
        if (start > head.logStartOffset) {
          const moved = await advanceLogStart(broker, topic.topicName, head, start);
          head = { ...head, logStartOffset: moved.logStartOffset };
          report.partitionsTrimmed++;
          report.entriesDeleted += moved.entriesDeleted;
          report.abortedEntriesDeleted += moved.abortedEntriesDeleted;
        }
      }
      if (compacts) {
        const c = await compactPartition(broker, topic, head, now);
        report.recordsCompacted += c.recordsRemoved;
        report.abortedRecordsCompacted += c.abortedRecordsRemoved;
      }
      if (options.merge !== false) {
        const { merged, entriesReplaced } = await mergeSmallObjects(broker, topic.topicName, head, { now, ...options.merge });
        report.mergedEntriesWritten += merged;
        report.entriesMerged += entriesReplaced;
      }
    }
  }
  Object.assign(report, await collectGarbage(broker, { now, graceMs: options.graceMs }));
  return report;
}
