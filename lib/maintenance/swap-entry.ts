import type { Broker } from '../broker/context';
import { requestToken, transactOnCondition } from '../metadata/conditional-write';
import { batchPk } from '../metadata/keys';
import type { BatchIndexEntry, PartitionHead } from '../metadata/types';

/** The entry changed since it was read (a merge, retention or another cleaner won): leave it. */
export class CompactionConflict extends Error {}

/**
 * Replace an index entry by its cleaned form (same sort key: its last offset), or delete it, on
 * condition that it still points at the bytes that were read. One one-item transaction (2 WCU).
 */
export async function swapEntry(broker: Broker, head: PartitionHead, old: BatchIndexEntry, replacement?: BatchIndexEntry): Promise<void> {
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
