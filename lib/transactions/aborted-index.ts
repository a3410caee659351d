import type { Broker } from '../broker/context';
import type { BatchHeader } from '../log/record-batch';
import { batchWrite } from '../metadata/batch-write';
import { queryAll, queryPages } from '../metadata/query-pages';
import { abortedPk, offsetSk } from './types';

/**
 * The aborted-transactions index of a partition (docs/rfcs/0002-transactions.md): one item per
 * abort marker, pk "aborted#<topicId>#<p>", sk the marker's offset (zero-padded), written by the
 * abort's completion; Kafka keeps the same list in each segment's .txnindex file.
 */
export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  /** The abort marker's offset. */
  lastOffset: number;
}

/** Aborted transactions whose marker lies in [from, to]: one consistent Query (paged). */
export async function readAborted(broker: Broker, topicId: string, partition: number, from: number, to: number): Promise<AbortedTxn[]> {
  const items = await queryAll(broker.clients.ddb, {
    TableName: broker.config.metadataTable,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': abortedPk(topicId, partition), ':from': offsetSk(from), ':to': offsetSk(to) },
    ConsistentRead: true,
  });
  return items.map((i) => ({ producerId: i.producerId as number, firstOffset: i.firstOffset as number, lastOffset: i.lastOffset as number }));
}

/**
 * Whether a batch belongs to an aborted transaction: a transactional data batch of the producer,
 * from the transaction's first offset up to (not including) its abort marker. Kafka's consumer
 * applies the same test to the aborted list a read_committed fetch answers with.
 */
export function isAbortedBatch(aborted: AbortedTxn[], h: Pick<BatchHeader, 'isTransactional' | 'isControlBatch' | 'producerId' | 'baseOffset'>): boolean {
  return h.isTransactional && !h.isControlBatch && aborted.some((a) => a.producerId === h.producerId && a.firstOffset <= h.baseOffset && h.baseOffset < a.lastOffset);
}

/**
 * Delete the entries whose abort marker lies below `offset` (the new log start): every batch of
 * those transactions lies below it too, so no fetch can ask about them again. Entries whose marker
 * is at or past the log start stay, even if their transaction began below it. Called after the
 * head moved and the batch index entries below were deleted (lib/maintenance/advance-log-start.ts);
 * a read_committed fetch that raced with this re-reads the head (lib/transactions/read-committed.ts).
 * Costs 1 Query (keys only) + 1 WCU per entry deleted.
 */
export async function trimAbortedBelow(broker: Broker, topicId: string, partition: number, offset: number): Promise<number> {
  const pk = abortedPk(topicId, partition);
  let deleted = 0;
  for await (const page of queryPages(broker.clients.ddb, {
    TableName: broker.config.metadataTable,
    KeyConditionExpression: 'pk = :pk AND sk < :start',
    ExpressionAttributeValues: { ':pk': pk, ':start': offsetSk(offset) },
    ProjectionExpression: 'pk, sk',
    ConsistentRead: true,
  })) {
    await batchWrite(broker.clients.ddb, broker.config.metadataTable, page.map((k) => ({ DeleteRequest: { Key: { pk, sk: k.sk } } })));
    deleted += page.length;
  }
  return deleted;
}
