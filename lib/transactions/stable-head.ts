import type { Broker } from '../broker/context';
import { getHeadItem, readHead } from '../metadata/heads';
import type { PartitionHead } from '../metadata/types';
import { OPEN_TXN_PREFIX, openTxnFirstAttr, type OpenTxn } from './types';

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
      const o = v as { firstOffset?: number; transactionalId: string };
      const producerId = Number(k.slice(OPEN_TXN_PREFIX.length));
      return { producerId, firstOffset: (item[openTxnFirstAttr(producerId)] as number | undefined) ?? o.firstOffset!, transactionalId: o.transactionalId };
    });
}

/** A head item with its high watermark resolved, its open transactions and last stable offset. */
export async function toStableHead(broker: Broker, item: Record<string, unknown>): Promise<StableHead> {
  const head = await readHead(broker, item);
  const openTxns = openTxnsOf(item);
  return { ...head, openTxns, lastStableOffset: Math.min(head.nextOffset, ...openTxns.map((t) => t.firstOffset)) };
}

/** The same consistent GetItem as getHead (1 RCU), keeping the open transactions. */
export async function getStableHead(broker: Broker, topicName: string, topicId: string, partition: number): Promise<StableHead> {
  return toStableHead(broker, await getHeadItem(broker, topicName, topicId, partition));
}
