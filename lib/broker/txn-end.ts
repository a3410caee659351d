import type { Broker } from './context';
import { BrookError } from '../errors';
import { checkProducer } from '../transactions/check-producer';
import { completeTxn } from '../transactions/complete';
import { settleTxn } from '../transactions/fence-abort';
import { casTxn, readTxn } from '../transactions/txn-store';
import type { Txn } from '../transactions/types';
import type { TxnRequest } from './txn-add-partitions';

/**
 * Kafka's EndTxn. Ongoing → PrepareCommit | PrepareAbort (the decision: from this write no batch
 * of the transaction can be appended any more), then completeTxn writes every marker, the
 * pending offsets and the Complete state in one DynamoDB transaction. A retry after a lost
 * answer resumes a prepared transaction or answers a completed one. A transaction past its
 * timeout is aborted (epoch bumped) instead of committed: PRODUCER_FENCED, as Kafka answers.
 * Requests: 1 GetItem + 1 TransactWriteItems (prepare) + 1 GetItem per partition + 1 S3 PUT + 1 TransactWriteItems.
 */
export async function endTxn(broker: Broker, req: TxnRequest, commit: boolean, now = Date.now()): Promise<Txn> {
  const want = commit ? 'Commit' : 'Abort';
  let txn = checkProducer(await readTxn(broker, req.transactionalId), req.transactionalId, req.producerId, req.producerEpoch);
  for (let attempt = 0; attempt < 50; attempt++) {
    switch (txn.state) {
      case 'Ongoing': {
        if (commit && now > txn.startedAt + txn.timeoutMs) {
          await settleTxn(broker, txn, now);
          throw new BrookError('PRODUCER_FENCED', `Transaction '${req.transactionalId}' ran past its timeout (${txn.timeoutMs} ms) and was aborted.`);
        }
        const prepared = await casTxn(broker, txn, { ...txn, state: `Prepare${want}`, updatedAt: now });
        if (!prepared.ok) {
          txn = checkProducer(prepared.current, req.transactionalId, req.producerId, req.producerEpoch);
          continue;
        }
        return completeTxn(broker, prepared.txn, now);
      }
      case 'PrepareCommit':
      case 'PrepareAbort':
        if (txn.state !== `Prepare${want}`) break;
        return completeTxn(broker, txn, now);
      case 'CompleteCommit':
      case 'CompleteAbort':
        if (txn.state === `Complete${want}` && isRetry(txn, now)) return txn;
        break;
    }
    throw new BrookError('INVALID_TXN_STATE', `Cannot ${commit ? 'commit' : 'abort'} transaction '${req.transactionalId}': it is ${txn.state}${txn.state === 'Empty' ? ' (no transaction was started: add partitions or offsets first)' : ''}.`);
  }
  throw new BrookError('CONCURRENT_TRANSACTIONS', `Transaction '${req.transactionalId}' keeps changing; retry.`);
}

/** A repeated EndTxn shortly after the transaction completed is a retry of a lost answer (Kafka answers it). */
const isRetry = (txn: Txn, now: number) => now - txn.updatedAt < txn.timeoutMs;
