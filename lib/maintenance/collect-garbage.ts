import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { batchWrite } from '../metadata/batch-write';
import { listTopics } from '../metadata/topics';
import { deleteSegments, listSegments } from '../storage/segment-listing';

/** Longer than any produce request can take from its PUT to its commit (functions stop at 30 s). */
export const DEFAULT_ORPHAN_GRACE_MS = 10 * 60_000;

export interface GarbageReport {
  objectsListed: number;
  objectsDeleted: number;
  entriesOfDeletedTopics: number;
}

/**
 * Mark and sweep. Mark: scan the batch index for the objects it references, and drop the entries
 * of deleted topics. Sweep: delete every segment object that no entry references and that is
 * older than the grace period. An object younger than the grace period may belong to a produce
 * whose commit is still on its way, so it is never deleted here; an object referenced by a
 * commit that lands after the scan is that young by construction.
 */
export async function collectGarbage(broker: Broker, options: { now?: number; graceMs?: number } = {}): Promise<GarbageReport> {
  const now = options.now ?? Date.now();
  const graceMs = options.graceMs ?? DEFAULT_ORPHAN_GRACE_MS;
  const liveTopicIds = new Set((await listTopics(broker)).map((t) => t.topicId));
  const referenced = new Set<string>();
  const dead: Array<{ DeleteRequest: { Key: Record<string, unknown> } }> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await broker.clients.ddb.send(
      new ScanCommand({ TableName: broker.config.batchesTable, ProjectionExpression: 'pk, lastOffset, objectKey', ExclusiveStartKey: start }),
    );
    for (const item of out.Items ?? []) {
      const topicId = String(item.pk).slice(0, String(item.pk).lastIndexOf('#'));
      if (liveTopicIds.has(topicId)) referenced.add(item.objectKey as string);
      else dead.push({ DeleteRequest: { Key: { pk: item.pk, lastOffset: item.lastOffset } } });
    }
    start = out.LastEvaluatedKey;
  } while (start);
  await batchWrite(broker.clients.ddb, broker.config.batchesTable, dead);

  let objectsListed = 0;
  const orphans: string[] = [];
  for await (const page of listSegments(broker)) {
    objectsListed += page.length;
    for (const o of page) if (!referenced.has(o.key) && now - o.lastModified > graceMs) orphans.push(o.key);
  }
  await deleteSegments(broker, orphans);
  return { objectsListed, objectsDeleted: orphans.length, entriesOfDeletedTopics: dead.length };
}
