import type { Broker } from '../broker/context';
import { BrookError } from '../errors';
import { batchWrite } from '../metadata/batch-write';
import { requestToken, transactOnCondition } from '../metadata/conditional-write';
import { toHead } from '../metadata/heads';
import { batchPk, headKey } from '../metadata/keys';
import { queryPages } from '../metadata/query-pages';
import type { PartitionHead } from '../metadata/types';
import { trimAbortedBelow } from '../transactions/aborted-index';

export interface LogStartMove {
  logStartOffset: number;
  /** Batch index entries deleted (wholly below the new log start). */
  entriesDeleted: number;
  /** Aborted-transactions index entries deleted (abort marker below the new log start). */
  abortedEntriesDeleted: number;
}

/**
 * Move a partition's log start offset forward (retention, DeleteRecords), then delete the index
 * entries that lie wholly below it, then the aborted-transactions index entries whose abort marker
 * lies below it (Kafka deletes a segment's .txnindex with the segment). The head moves first, so a
 * fetch that still finds an entry below the new start re-reads the head and answers
 * OFFSET_OUT_OF_RANGE; the entries' S3 objects are left to garbage collection, which deletes them
 * once nothing references them.
 */
export async function advanceLogStart(broker: Broker, topicName: string, head: PartitionHead, newStart: number): Promise<LogStartMove> {
  const where = `${topicName}-${head.partition}`;
  const { state } = await transactOnCondition(broker.clients.ddb, head, {
    what: `advance the log start of ${where}`,
    build: (h) => ({
      token: requestToken('log-start', h.topicId, h.partition, h.logStartOffset, newStart),
      input: {
        TransactItems: [
          {
            Update: {
              TableName: broker.config.metadataTable,
              Key: headKey(h.topicId, h.partition),
              UpdateExpression: 'SET logStartOffset = :n',
              ConditionExpression: 'logStartOffset = :current AND nextOffset >= :n',
              ExpressionAttributeValues: { ':n': newStart, ':current': h.logStartOffset },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
      },
    }),
    onConflict: ([reason]) => {
      if (!reason?.item) throw new BrookError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${where} no longer exists.`);
      const current = toHead(reason.item);
      if (current.nextOffset < newStart) {
        throw new BrookError('OFFSET_OUT_OF_RANGE', `Cannot delete records up to ${newStart} in ${where}: its high watermark is ${current.nextOffset}.`);
      }
      return current;
    },
    isDone: (h) => h.logStartOffset >= newStart,
  });
  const logStartOffset = Math.max(state.logStartOffset, newStart);
  const entriesDeleted = await deleteEntriesBelow(broker, head.topicId, head.partition, logStartOffset);
  const abortedEntriesDeleted = await trimAbortedBelow(broker, head.topicId, head.partition, logStartOffset);
  return { logStartOffset, entriesDeleted, abortedEntriesDeleted };
}

async function deleteEntriesBelow(broker: Broker, topicId: string, partition: number, offset: number): Promise<number> {
  const pk = batchPk(topicId, partition);
  let deleted = 0;
  for await (const page of queryPages(broker.clients.ddb, {
    TableName: broker.config.batchesTable,
    KeyConditionExpression: 'pk = :pk AND lastOffset < :offset',
    ExpressionAttributeValues: { ':pk': pk, ':offset': offset },
    ProjectionExpression: 'pk, lastOffset',
  })) {
    await batchWrite(broker.clients.ddb, broker.config.batchesTable, page.map((k) => ({ DeleteRequest: { Key: { pk, lastOffset: k.lastOffset } } })));
    deleted += page.length;
  }
  return deleted;
}
