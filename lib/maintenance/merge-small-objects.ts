import type { Broker } from '../broker/context';
import { requestToken, transactOnCondition } from '../metadata/conditional-write';
import { listEntries } from '../metadata/batches';
import { batchPk } from '../metadata/keys';
import type { BatchIndexEntry, PartitionHead } from '../metadata/types';
import { newSegmentKey, putSegment, readRanges } from '../storage/segment-store';

export interface MergeOptions {
  /** Entries at least this large are left alone. */
  smallBytes?: number;
  /** A merged entry grows to about this size: one fetch reads one entry whole, so keep it near max.partition.fetch.bytes. */
  targetBytes?: number;
  /** Entries younger than this are left alone: the tail of a busy partition is still being read. */
  minAgeMs?: number;
  now?: number;
}

export const MERGE_DEFAULTS = { smallBytes: 256 * 1024, targetBytes: 1024 * 1024, minAgeMs: 60_000 };
/** One transaction: the merged entry replaces the last old one in place, the others are deleted. */
const MAX_RUN = 100;

class MergeConflict extends Error {}

/**
 * Small-object compaction for one partition: runs of small, contiguous index entries are read,
 * written again back to back as ONE new object, and replaced by one entry each, in a transaction
 * conditioned on every old entry being unchanged (a racing retention or merge wins; the new
 * bytes are then garbage). The old objects lose their references and garbage collection deletes
 * them; a fetch that was reading them meanwhile re-reads the index (lib/broker/fetch.ts).
 */
export async function mergeSmallObjects(broker: Broker, topicName: string, head: PartitionHead, options: MergeOptions = {}): Promise<{ merged: number; entriesReplaced: number }> {
  const o = { ...MERGE_DEFAULTS, ...options };
  const now = o.now ?? Date.now();
  const runs: BatchIndexEntry[][] = [];
  let run: BatchIndexEntry[] = [];
  let runBytes = 0;
  const close = () => {
    if (run.length > 1) runs.push(run);
    run = [];
    runBytes = 0;
  };
  for await (const page of listEntries(broker, head.topicId, head.partition, head.logStartOffset)) {
    for (const e of page) {
      const eligible = e.byteLength < o.smallBytes && now - e.appendTime >= o.minAgeMs && !e.absoluteOffsets && !e.placeholder;
      const contiguous = run.length === 0 || run[run.length - 1]!.lastOffset + 1 === e.baseOffset;
      if (!eligible || !contiguous || run.length >= MAX_RUN || runBytes + e.byteLength > o.targetBytes) close();
      if (eligible) {
        run.push(e);
        runBytes += e.byteLength;
      }
    }
  }
  close();
  if (runs.length === 0) return { merged: 0, entriesReplaced: 0 };

  const bodies: Buffer[] = [];
  for (const r of runs) bodies.push(await readEntries(broker, r));
  const objectKey = newSegmentKey();
  await putSegment(broker, objectKey, Buffer.concat(bodies));
  let byteStart = 0;
  let merged = 0;
  let entriesReplaced = 0;
  for (const [i, r] of runs.entries()) {
    const entry = mergedEntry(r, objectKey, byteStart, bodies[i]!.length);
    byteStart += bodies[i]!.length;
    try {
      await replaceEntries(broker, head, r, entry);
      merged++;
      entriesReplaced += r.length;
    } catch (err) {
      if (!(err instanceof MergeConflict)) throw err;
    }
  }
  return { merged, entriesReplaced };
}

async function readEntries(broker: Broker, run: BatchIndexEntry[]): Promise<Buffer> {
  const byObject = new Map<string, BatchIndexEntry[]>();
  for (const e of run) byObject.set(e.objectKey, [...(byObject.get(e.objectKey) ?? []), e]);
  const bytes = new Map<BatchIndexEntry, Buffer>();
  const objects = [...byObject];
  // Up to 16 GETs at a time: a run of small entries usually spans one object per entry.
  for (let i = 0; i < objects.length; i += 16) {
    await Promise.all(
      objects.slice(i, i + 16).map(async ([key, list]) => {
        const parts = await readRanges(broker, key, list.map((e) => ({ start: e.byteStart, length: e.byteLength })));
        list.forEach((e, j) => bytes.set(e, parts[j]!));
      }),
    );
  }
  return Buffer.concat(run.map((e) => bytes.get(e)!));
}

const mergedEntry = (run: BatchIndexEntry[], objectKey: string, byteStart: number, byteLength: number): BatchIndexEntry => ({
  baseOffset: run[0]!.baseOffset,
  lastOffset: run[run.length - 1]!.lastOffset,
  recordCount: run[run.length - 1]!.lastOffset - run[0]!.baseOffset + 1,
  objectKey,
  byteStart,
  byteLength,
  baseTimestamp: Math.min(...run.map((e) => e.baseTimestamp)),
  maxTimestamp: Math.max(...run.map((e) => e.maxTimestamp)),
  appendTime: Math.max(...run.map((e) => e.appendTime)),
});

async function replaceEntries(broker: Broker, head: PartitionHead, run: BatchIndexEntry[], entry: BatchIndexEntry): Promise<void> {
  const pk = batchPk(head.topicId, head.partition);
  const table = broker.config.batchesTable;
  const unchanged = (e: BatchIndexEntry) => ({
    ConditionExpression: 'objectKey = :k AND byteStart = :s',
    ExpressionAttributeValues: { ':k': e.objectKey, ':s': e.byteStart },
  });
  const last = run[run.length - 1]!;
  await transactOnCondition(broker.clients.ddb, entry, {
    what: `merge ${run.length} entries of partition ${head.partition}`,
    build: () => ({
      token: requestToken('merge', pk, entry.objectKey, entry.lastOffset),
      input: {
        TransactItems: [
          { Put: { TableName: table, Item: { pk, ...entry }, ...unchanged(last) } },
          ...run.slice(0, -1).map((e) => ({ Delete: { TableName: table, Key: { pk, lastOffset: e.lastOffset }, ...unchanged(e) } })),
        ],
      },
    }),
    onConflict: () => {
      throw new MergeConflict();
    },
  });
}
