import type { Broker } from './context';
import { BrookError } from '../errors';
import { checkProducer } from '../transactions/check-producer';
import { beginOrContinue } from '../transactions/begin';
import { partitionKeyOf, MAX_TXN_PARTITIONS, type TxnPartition } from '../transactions/types';

export interface TxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
}

/**
 * Kafka's AddPartitionsToTxn: the partitions a transaction will write, recorded before its first
 * batch to them (a transactional batch to a partition not added is INVALID_TXN_STATE). The first
 * call of a transaction starts it (Ongoing, its timeout running). Requests: 1 GetItem + 1
 * TransactWriteItems when something is new (none when every partition was added already).
 */
export async function addPartitionsToTxn(broker: Broker, req: TxnRequest, partitions: Array<{ topic: string; partition: number }>, now = Date.now()) {
  if (partitions.length === 0) throw new BrookError('INVALID_REQUEST', 'partitions must not be empty.');
  const resolved: TxnPartition[] = [];
  for (const p of partitions) {
    const topic = await broker.topics.forPartition(p.topic, p.partition);
    resolved.push({ topic: p.topic, topicId: topic.topicId, partition: p.partition });
  }
  return beginOrContinue(broker, req, now, (txn) => {
    checkProducer(txn, req.transactionalId, req.producerId, req.producerEpoch);
    const added = resolved.filter((p) => !txn.partitionKeys.includes(partitionKeyOf(p.topicId, p.partition)));
    const unique = added.filter((p, i) => added.findIndex((q) => q.topicId === p.topicId && q.partition === p.partition) === i);
    const count = txn.partitions.length + unique.length;
    if (count > MAX_TXN_PARTITIONS) {
      throw new BrookError('INVALID_REQUEST', `A transaction writes at most ${MAX_TXN_PARTITIONS} partitions; this one would write ${count}. Split it.`);
    }
    if (unique.length === 0) return undefined;
    return {
      partitions: [...txn.partitions, ...unique],
      partitionKeys: [...txn.partitionKeys, ...unique.map((p) => partitionKeyOf(p.topicId, p.partition))],
    };
  });
}
