import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { readPartition, type FetchRequest, type FetchResult } from '../broker/fetch';
import { readBatchHeader } from '../log/record-batch';
import type { StableHead } from './stable-head';
import { abortedPk, offsetSk } from './types';

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  /** The abort marker's offset. */
  lastOffset: number;
}

/** Aborted transactions whose marker lies in [from, to]: one Query of the aborted index (paged). */
export async function readAborted(broker: Broker, topicId: string, partition: number, from: number, to: number): Promise<AbortedTxn[]> {
  const out: AbortedTxn[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await broker.clients.ddb.send(
      new QueryCommand({
        TableName: broker.config.metadataTable,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': abortedPk(topicId, partition), ':from': offsetSk(from), ':to': offsetSk(to) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    out.push(...((page.Items ?? []) as AbortedTxn[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/**
 * isolation.level=read_committed: read up to the last stable offset only, and drop the batches of
 * aborted transactions (Kafka hands the client the aborted list; Brook filters on the server, so
 * the answer is the same for every client). Control batches stay in binary answers, as in Kafka:
 * consumers skip them. Costs one Query of the aborted index when transactional batches are read.
 */
export async function readCommitted(broker: Broker, req: FetchRequest, head: StableHead): Promise<FetchResult> {
  const lso = head.lastStableOffset;
  const base = { topic: req.topic, partition: req.partition, highWatermark: head.nextOffset, logStartOffset: head.logStartOffset, lastStableOffset: lso };
  if (req.offset >= lso) return { ...base, batches: [], nextOffset: req.offset };
  const read = await readPartition(broker, { ...req, isolationLevel: 'read_uncommitted' }, { ...head, nextOffset: lso });
  // A merged index entry may run past the LSO: cut at the batch.
  const below = read.batches.map((b) => ({ b, h: readBatchHeader(b) })).filter(({ h }) => h.baseOffset < lso);
  const last = below[below.length - 1]?.h;
  const nextOffset = last ? last.baseOffset + last.lastOffsetDelta + 1 : Math.min(read.nextOffset, lso);
  const aborted = below.some(({ h }) => h.isTransactional && !h.isControlBatch) ? await readAborted(broker, head.topicId, req.partition, req.offset, head.nextOffset) : [];
  const isAborted = (h: ReturnType<typeof readBatchHeader>) =>
    h.isTransactional && !h.isControlBatch && aborted.some((a) => a.producerId === h.producerId && a.firstOffset <= h.baseOffset && h.baseOffset < a.lastOffset);
  return { ...base, logStartOffset: read.logStartOffset, batches: below.filter(({ h }) => !isAborted(h)).map(({ b }) => b), nextOffset };
}
