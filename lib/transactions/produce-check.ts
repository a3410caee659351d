import type { Broker } from '../broker/context';
import { BrookError } from '../errors';
import type { CommitExtras } from '../metadata/commit-batch';
import type { ProducerBatch } from '../metadata/producer-state';
import { checkProducer } from './check-producer';
import { readTxn } from './txn-store';
import { openTxnAttr, openTxnFirstAttr, openTxnSeqAttr, partitionKeyOf, toTxn, txnKey, type Txn } from './types';

export interface TransactionalPart {
  topic: string;
  partition: number;
  topicId: string;
  producer?: ProducerBatch;
  transactional?: boolean;
}

/**
 * Before anything is written: transactional batches need the request's transactional id, whose
 * producer and epoch they must carry, in an Ongoing transaction that added their partition
 * (else PRODUCER_FENCED, INVALID_TXN_STATE, …). Then each partition's commit gains the
 * transaction: the head records the producer's first offset in this transaction (if not yet
 * recorded: the partition's LSO), and a ConditionCheck of the coordinator item makes the append
 * fail if the transaction was prepared, ended or fenced meanwhile. 1 GetItem per request.
 */
export async function transactionalCommits(broker: Broker, transactionalId: string | undefined, parts: TransactionalPart[]): Promise<Map<TransactionalPart, CommitExtras>> {
  const out = new Map<TransactionalPart, CommitExtras>();
  const txnParts = parts.filter((p) => p.transactional);
  if (txnParts.length === 0) return out;
  if (transactionalId === undefined) throw new BrookError('INVALID_REQUEST', 'Transactional batches need the transactional_id query parameter (Kafka sends it with every produce).');
  const txn = await readTxn(broker, transactionalId);
  for (const p of txnParts) {
    const checked = checkProducer(txn, transactionalId, p.producer!.producerId, p.producer!.producerEpoch);
    if (checked.state !== 'Ongoing') throw new BrookError('INVALID_TXN_STATE', `Transaction '${transactionalId}' is ${checked.state}: add the partitions first (AddPartitionsToTxn starts a transaction).`);
    if (!checked.partitionKeys.includes(partitionKeyOf(p.topicId, p.partition))) {
      throw new BrookError('INVALID_TXN_STATE', `Partition ${p.partition} of '${p.topic}' was not added to transaction '${transactionalId}'; add it before writing to it.`);
    }
    out.set(p, extrasFor(broker, checked, p));
  }
  return out;
}

function extrasFor(broker: Broker, txn: Txn, p: TransactionalPart): CommitExtras {
  return {
    openTxn: { attr: openTxnAttr(txn.producerId), firstAttr: openTxnFirstAttr(txn.producerId), seqAttr: openTxnSeqAttr(txn.producerId), transactionalId: txn.transactionalId },
    items: [
      {
        ConditionCheck: {
          TableName: broker.config.metadataTable,
          Key: txnKey(txn.transactionalId),
          ConditionExpression: 'producerId = :pid AND producerEpoch = :pe AND #s = :ongoing AND txnNumber = :n AND contains(partitionKeys, :pk)',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':pid': txn.producerId, ':pe': txn.producerEpoch, ':ongoing': 'Ongoing', ':n': txn.txnNumber, ':pk': partitionKeyOf(p.topicId, p.partition) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ],
    onConflict(reasons) {
      const now = reasons[0]?.item ? toTxn(reasons[0].item) : undefined;
      checkProducer(now, txn.transactionalId, txn.producerId, txn.producerEpoch);
      throw new BrookError('INVALID_TXN_STATE', `Transaction '${txn.transactionalId}' is ${now!.state} now; the batch for ${p.topic}-${p.partition} was not written.`);
    },
  };
}
