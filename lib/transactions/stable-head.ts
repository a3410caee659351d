import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { BrookError } from '../errors';
import { toHead } from '../metadata/heads';
import { headKey } from '../metadata/keys';
import type { PartitionHead } from '../metadata/types';
import { OPEN_TXN_PREFIX, type OpenTxn } from './types';

/** A partition head with its open transactions and last stable offset. */
export interface StableHead extends PartitionHead {
  openTxns: OpenTxn[];
  /** Kafka's LSO: the first offset of the oldest open transaction, else the high watermark. */
  lastStableOffset: number;
}

export function openTxnsOf(item: Record<string, unknown>): OpenTxn[] {
  return Object.entries(item)
    .filter(([k]) => k.startsWith(OPEN_TXN_PREFIX))
    .map(([k, v]) => {
      const o = v as { firstOffset: number; transactionalId: string };
      return { producerId: Number(k.slice(OPEN_TXN_PREFIX.length)), firstOffset: o.firstOffset, transactionalId: o.transactionalId };
    });
}

export function toStableHead(item: Record<string, unknown>): StableHead {
  const head = toHead(item);
  const openTxns = openTxnsOf(item);
  return { ...head, openTxns, lastStableOffset: Math.min(head.nextOffset, ...openTxns.map((t) => t.firstOffset)) };
}

/** The same consistent GetItem as getHead (1 RCU), keeping the open transactions. */
export async function getStableHead(broker: Broker, topicName: string, topicId: string, partition: number): Promise<StableHead> {
  const { Item } = await broker.clients.ddb.send(new GetCommand({ TableName: broker.config.metadataTable, Key: headKey(topicId, partition), ConsistentRead: true }));
  if (!Item) throw new BrookError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${partition} of topic '${topicName}' does not exist.`);
  return toStableHead(Item);
}
