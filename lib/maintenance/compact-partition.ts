import type { Broker } from '../broker/context';
import { readBatches } from '../broker/read-batches';
import { decodeRecordBatch, encodeRecordBatch, type DecodedRecord } from '../log/record-batch';
import { listEntries } from '../metadata/batches';
import { requestToken, transactOnCondition } from '../metadata/conditional-write';
import { batchPk } from '../metadata/keys';
import { topicConfig } from '../metadata/topic-configs';
import type { BatchIndexEntry, PartitionHead, TopicItem } from '../metadata/types';
import { newSegmentKey, putSegment } from '../storage/segment-store';

export interface CompactionReport {
  entriesRewritten: number;
  entriesRemoved: number;
  recordsRemoved: number;
}

class CompactionConflict extends Error {}

/**
 * Kafka's log cleaner for one partition of a cleanup.policy=compact topic. Over the entries whose
 * newest record is older than min.compaction.lag.ms, keep only the latest record of each key
 * (the latest across the whole log, including the uncleaned head) and drop tombstones once they
 * are older than delete.retention.ms. Offsets never move: a rewritten batch keeps its records'
 * offsets and its original span, and an entry left empty is removed, leaving a gap that
 * consumers step over. Each entry is swapped on condition it still points at the bytes read.
 */
export async function compactPartition(broker: Broker, topic: TopicItem, head: PartitionHead, now: number): Promise<CompactionReport> {
  const report = { entriesRewritten: 0, entriesRemoved: 0, recordsRemoved: 0 };
  const lagMs = Number(topicConfig(topic.configs, 'min.compaction.lag.ms'));
  const tombstoneMs = Number(topicConfig(topic.configs, 'delete.retention.ms'));
  const entries: BatchIndexEntry[] = [];
  for await (const page of listEntries(broker, topic.topicId, head.partition, head.logStartOffset)) entries.push(...page);
  const cleanable = entries.findIndex((e) => e.maxTimestamp > now - lagMs);
  const dirty = entries.slice(0, cleanable === -1 ? entries.length : cleanable);
  if (dirty.length === 0) return report;

  const records = new Map<BatchIndexEntry, DecodedRecord[]>();
  const latest = new Map<string, number>();
  let transactional = false;
  for (let i = 0; i < entries.length; i += 32) {
    const page = entries.slice(i, i + 32);
    const batches = await Promise.all(page.map((e) => readBatches(broker, [e], head.leaderEpoch)));
    page.forEach((e, j) => {
      const decoded = batches[j]!.map((b) => decodeRecordBatch(b));
      if (decoded.some((d) => d.header.isTransactional || d.header.isControlBatch)) transactional = true;
      const recs = decoded.flatMap((d) => d.records);
      records.set(e, recs);
      for (const r of recs) if (r.key) latest.set(r.key.toString('base64'), r.offset);
    });
  }

  // A record of an aborted transaction must never supersede a committed one, and a rewrite must
  // keep transaction and control flags: until the cleaner knows transactions, it leaves such
  // partitions alone (docs/rfcs/0001-log-maintenance.md).
  if (transactional) return report;

  const rewrites: Array<{ entry: BatchIndexEntry; bytes?: Buffer }> = [];
  for (const e of dirty) {
    const all = records.get(e)!;
    const kept = all.filter((r) => r.key === null || (latest.get(r.key.toString('base64')) === r.offset && !(r.value === null && r.timestamp + tombstoneMs < now)));
    if (kept.length === all.length) continue;
    report.recordsRemoved += all.length - kept.length;
    rewrites.push({
      entry: e,
      bytes: kept.length === 0 ? undefined : encodeRecordBatch(kept, { baseOffset: e.baseOffset, offsetDeltas: kept.map((r) => r.offset - e.baseOffset), lastOffsetDelta: e.lastOffset - e.baseOffset }),
    });
  }
  if (rewrites.length === 0) return report;
  const objectKey = newSegmentKey();
  const body = rewrites.filter((r) => r.bytes).map((r) => r.bytes!);
  if (body.length > 0) await putSegment(broker, objectKey, Buffer.concat(body));

  let at = 0;
  for (const { entry, bytes } of rewrites) {
    const replacement = bytes && { ...entry, objectKey, byteStart: at, byteLength: bytes.length, absoluteOffsets: true };
    at += bytes?.length ?? 0;
    try {
      await swapEntry(broker, head, entry, replacement);
      if (replacement) report.entriesRewritten++;
      else report.entriesRemoved++;
    } catch (err) {
      if (!(err instanceof CompactionConflict)) throw err;
    }
  }
  return report;
}

async function swapEntry(broker: Broker, head: PartitionHead, old: BatchIndexEntry, replacement?: BatchIndexEntry): Promise<void> {
  const pk = batchPk(head.topicId, head.partition);
  const TableName = broker.config.batchesTable;
  const unchanged = { ConditionExpression: 'objectKey = :k AND byteStart = :s', ExpressionAttributeValues: { ':k': old.objectKey, ':s': old.byteStart } };
  await transactOnCondition(broker.clients.ddb, old, {
    what: `compact entry ${old.lastOffset} of partition ${head.partition}`,
    build: () => ({
      token: requestToken('compact', pk, old.lastOffset, old.objectKey, replacement?.objectKey),
      input: {
        TransactItems: [
          replacement
            ? { Put: { TableName, Item: { pk, ...replacement }, ...unchanged } }
            : { Delete: { TableName, Key: { pk, lastOffset: old.lastOffset }, ...unchanged } },
        ],
      },
    }),
    onConflict: () => {
      throw new CompactionConflict();
    },
  });
}
