import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { queryPages } from './query-pages';
import type { Broker } from '../broker/context';
import { batchPk } from './keys';
import type { BatchIndexEntry } from './types';

/**
 * Index entries from the one holding `offset` onwards, oldest first. The sort key is the entry's
 * last offset, so "lastOffset >= offset" finds the entry that holds the offset with one Query.
 */
export async function findBatches(
  broker: Broker,
  topicId: string,
  partition: number,
  offset: number,
  options: { limit: number; endOffset?: number },
): Promise<BatchIndexEntry[]> {
  const out = await broker.clients.ddb.send(
    new QueryCommand({
      TableName: broker.config.batchesTable,
      KeyConditionExpression: 'pk = :pk AND lastOffset >= :offset',
      ExpressionAttributeValues: { ':pk': batchPk(topicId, partition), ':offset': offset },
      ConsistentRead: true,
      Limit: options.limit,
    }),
  );
  const entries = (out.Items ?? []) as BatchIndexEntry[];
  return options.endOffset === undefined ? entries : entries.filter((e) => e.baseOffset < options.endOffset!);
}

/** The first entry whose max timestamp is at or after `timestamp`, scanning forward from `fromOffset`. */
export async function findBatchByTimestamp(
  broker: Broker,
  topicId: string,
  partition: number,
  fromOffset: number,
  timestamp: number,
): Promise<BatchIndexEntry | undefined> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await broker.clients.ddb.send(
      new QueryCommand({
        TableName: broker.config.batchesTable,
        KeyConditionExpression: 'pk = :pk AND lastOffset >= :offset',
        FilterExpression: 'maxTimestamp >= :ts',
        ExpressionAttributeValues: { ':pk': batchPk(topicId, partition), ':offset': fromOffset, ':ts': timestamp },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    if (out.Items && out.Items.length > 0) return out.Items[0] as BatchIndexEntry;
    start = out.LastEvaluatedKey;
  } while (start);
  return undefined;
}

/** Every index entry of a partition from `fromOffset` on, oldest first, page by page. */
export async function* listEntries(broker: Broker, topicId: string, partition: number, fromOffset = 0): AsyncGenerator<BatchIndexEntry[]> {
  for await (const page of queryPages(broker.clients.ddb, {
    TableName: broker.config.batchesTable,
    KeyConditionExpression: 'pk = :pk AND lastOffset >= :offset',
    ExpressionAttributeValues: { ':pk': batchPk(topicId, partition), ':offset': fromOffset },
    ConsistentRead: true,
  })) {
    if (page.length) yield page as unknown as BatchIndexEntry[];
  }
}
