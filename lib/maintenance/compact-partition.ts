import type { Broker } from '../broker/context';
import { readBatches } from '../broker/read-batches';
import { decodeRecordBatch, type DecodedRecord } from '../log/record-batch';
import { listEntries } from '../metadata/batches';
import { topicConfig } from '../metadata/topic-configs';
import type { BatchIndexEntry, PartitionHead, TopicItem } from '../metadata/types';
import { newSegmentKey, putSegment } from '../storage/segment-store';
import { isAbortedBatch, readAborted, type AbortedTxn } from '../transactions/aborted-index';
import { getStableHead } from '../transactions/stable-head';
import { cleanEntry, type CleanedEntry } from './clean-entry';
import { CompactionConflict, swapEntry } from './swap-entry';

export interface CompactionReport {
  entriesRewritten: number;
  entriesRemoved: number;
  recordsRemoved: number;
  /** Of those, records of aborted transactions. */
  abortedRecordsRemoved: number;
}

/**
 * Kafka's log cleaner for one partition of a cleanup.policy=compact topic, transaction-aware as
 * Kafka's is (docs/rfcs/0001-log-maintenance.md, "Log compaction"). Only the stable log is read:
 * entries wholly below the last stable offset, since an open transaction may still abort. Over the
 * entries of it whose newest record is older than min.compaction.lag.ms (a prefix: the dirty
 * part), keep only the latest record of each key — latest across the stable log, records of
 * aborted transactions never counting — drop tombstones once older than delete.retention.ms, drop
 * every batch of an aborted transaction (the aborted index says which), keep markers. Offsets
 * never move. Each entry is swapped on condition it still points at the bytes read.
 */
export async function compactPartition(broker: Broker, topic: TopicItem, head: PartitionHead, now: number): Promise<CompactionReport> {
  const report: CompactionReport = { entriesRewritten: 0, entriesRemoved: 0, recordsRemoved: 0, abortedRecordsRemoved: 0 };
  const lagMs = Number(topicConfig(topic.configs, 'min.compaction.lag.ms'));
  const tombstoneMs = Number(topicConfig(topic.configs, 'delete.retention.ms'));
  // The LSO before the index: an entry below it then stays below it, and its transaction's abort is already indexed.
  const stable = await getStableHead(broker, topic.topicName, topic.topicId, head.partition);
  const entries: BatchIndexEntry[] = [];
  for await (const page of listEntries(broker, topic.topicId, head.partition, stable.logStartOffset)) entries.push(...page.filter((e) => e.lastOffset < stable.lastStableOffset));
  const cleanable = entries.findIndex((e) => e.maxTimestamp > now - lagMs);
  const dirty = entries.slice(0, cleanable === -1 ? entries.length : cleanable);
  if (dirty.length === 0) return report;

  const batches = new Map<BatchIndexEntry, Buffer[]>();
  for (let i = 0; i < entries.length; i += 32) {
    const page = entries.slice(i, i + 32);
    const read = await Promise.all(page.map((e) => readBatches(broker, [e], head.leaderEpoch)));
    page.forEach((e, j) => batches.set(e, read[j]!));
  }
  const decoded = [...batches.values()].flat().map((b) => decodeRecordBatch(b));
  const aborted: AbortedTxn[] = decoded.some((d) => d.header.isTransactional && !d.header.isControlBatch)
    ? await readAborted(broker, topic.topicId, head.partition, stable.logStartOffset, Math.max(stable.nextOffset, stable.reservedEnd)) // markers may lie past an unpublished range
    : [];
  const latest = new Map<string, number>();
  for (const { header, records } of decoded) {
    if (header.isControlBatch || isAbortedBatch(aborted, header)) continue;
    for (const r of records) if (r.key) latest.set(r.key.toString('base64'), r.offset);
  }
  const keep = (r: DecodedRecord) => r.key === null || (latest.get(r.key.toString('base64')) === r.offset && !(r.value === null && r.timestamp + tombstoneMs < now));

  const rewrites: Array<{ entry: BatchIndexEntry; cleaned: CleanedEntry }> = [];
  for (const e of dirty) {
    const read = batches.get(e)!;
    if (read.length === 0) continue; // no bytes to clean (a given-up range)
    const cleaned = cleanEntry(read, e.lastOffset, { aborted: (h) => isAbortedBatch(aborted, h), keep });
    if (cleaned) rewrites.push({ entry: e, cleaned });
  }
  if (rewrites.length === 0) return report;
  const objectKey = newSegmentKey();
  const body = rewrites.filter((r) => r.cleaned.bytes).map((r) => r.cleaned.bytes!);
  if (body.length > 0) await putSegment(broker, objectKey, Buffer.concat(body));

  let at = 0;
  for (const { entry, cleaned } of rewrites) {
    const { bytes } = cleaned;
    const replacement = bytes && { ...entry, objectKey, byteStart: at, byteLength: bytes.length, absoluteOffsets: true };
    at += bytes?.length ?? 0;
    try {
      await swapEntry(broker, head, entry, replacement);
      if (replacement) report.entriesRewritten++;
      else report.entriesRemoved++;
      report.recordsRemoved += cleaned.recordsRemoved;
      report.abortedRecordsRemoved += cleaned.abortedRemoved;
    } catch (err) {
      if (!(err instanceof CompactionConflict)) throw err;
    }
  }
  return report;
}
