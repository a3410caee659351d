import { BatchGetCommand, GetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { BrookError } from '../errors';
import { resolveHighWatermark } from './high-watermark';
import { headKey } from './keys';
import type { PartitionHead } from './types';

/**
 * A head item as read, before resolving the high watermark: `nextOffset` is the item's
 * `publishedThrough` hint (heads written before the reserve protocol have none: their counter is
 * their high watermark), `reservedEnd` its counter.
 */
export function toHead(item: Record<string, unknown>): PartitionHead {
  return {
    topicId: item.topicId as string,
    partition: item.partition as number,
    nextOffset: (item.publishedThrough as number | undefined) ?? (item.nextOffset as number),
    reservedEnd: item.nextOffset as number,
    logStartOffset: item.logStartOffset as number,
    leaderEpoch: item.leaderEpoch as number,
  };
}

/** A head item with its high watermark resolved (free unless reservations are outstanding). */
export const readHead = (broker: Broker, item: Record<string, unknown>): Promise<PartitionHead> => resolveHighWatermark(broker, toHead(item));

/** The head item itself, strongly consistent (1 RCU). */
export async function getHeadItem(broker: Broker, topicName: string, topicId: string, partition: number): Promise<Record<string, unknown>> {
  const { Item } = await broker.clients.ddb.send(
    new GetCommand({ TableName: broker.config.metadataTable, Key: headKey(topicId, partition), ConsistentRead: true }),
  );
  if (!Item) throw new BrookError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${partition} of topic '${topicName}' does not exist.`);
  return Item;
}

/** A strongly consistent read of one partition head (1 RCU), its high watermark resolved. */
export async function getHead(broker: Broker, topicName: string, topicId: string, partition: number): Promise<PartitionHead> {
  return readHead(broker, await getHeadItem(broker, topicName, topicId, partition));
}

/** Heads of several partitions of one topic, 100 keys per BatchGet. Missing heads are left out. */
export async function getHeads(broker: Broker, topicId: string, partitions: number[]): Promise<PartitionHead[]> {
  const heads: PartitionHead[] = [];
  for (let i = 0; i < partitions.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = partitions.slice(i, i + 100).map((p) => headKey(topicId, p));
    while (keys && keys.length > 0) {
      const out: BatchGetCommandOutput = await broker.clients.ddb.send(
        new BatchGetCommand({ RequestItems: { [broker.config.metadataTable]: { Keys: keys, ConsistentRead: true } } }),
      );
      heads.push(...(await Promise.all((out.Responses?.[broker.config.metadataTable] ?? []).map((item) => readHead(broker, item)))));
      keys = out.UnprocessedKeys?.[broker.config.metadataTable]?.Keys;
    }
  }
  return heads.sort((a, b) => a.partition - b.partition);
}
