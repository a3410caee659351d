import { BatchGetCommand, GetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { BrookError } from '../errors';
import { headKey } from './keys';
import type { PartitionHead } from './types';

export function toHead(item: Record<string, unknown>): PartitionHead {
  return {
    topicId: item.topicId as string,
    partition: item.partition as number,
    nextOffset: item.nextOffset as number,
    logStartOffset: item.logStartOffset as number,
    leaderEpoch: item.leaderEpoch as number,
  };
}

/** A strongly consistent read of one partition head (1 RCU). */
export async function getHead(broker: Broker, topicName: string, topicId: string, partition: number): Promise<PartitionHead> {
  const { Item } = await broker.clients.ddb.send(
    new GetCommand({ TableName: broker.config.metadataTable, Key: headKey(topicId, partition), ConsistentRead: true }),
  );
  if (!Item) throw new BrookError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${partition} of topic '${topicName}' does not exist.`);
  return toHead(Item);
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
      heads.push(...(out.Responses?.[broker.config.metadataTable] ?? []).map(toHead));
      keys = out.UnprocessedKeys?.[broker.config.metadataTable]?.Keys;
    }
  }
  return heads.sort((a, b) => a.partition - b.partition);
}
