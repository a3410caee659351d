import type { Broker } from './context';
import { BrookError } from '../errors';
import { checkTransactionalId } from '../transactions/check-producer';
import { settleTxn } from '../transactions/fence-abort';
import { casTxn, readTxn } from '../transactions/txn-store';
import { DEFAULT_TXN_TIMEOUT_MS, isOpen, MAX_EPOCH, MAX_TXN_TIMEOUT_MS, type Txn } from '../transactions/types';
import { initProducerId } from './init-producer-id';

/**
 * Kafka's InitProducerId for a transactional id: the first call takes a producer id from the
 * counter at epoch 0; every later one finishes the id's open transaction (an Ongoing one is
 * aborted, a prepared one completed as decided) and bumps the epoch, fencing older instances.
 * Requests: 1 GetItem + 1 one-item TransactWriteItems (+ 1 UpdateItem for a new id; + the abort).
 */
export async function initTransactionalProducer(broker: Broker, transactionalIdIn: string, timeoutMs = DEFAULT_TXN_TIMEOUT_MS, now = Date.now()) {
  const transactionalId = checkTransactionalId(transactionalIdIn);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TXN_TIMEOUT_MS) {
    throw new BrookError('INVALID_TRANSACTION_TIMEOUT', `transaction_timeout_ms must be from 1 to ${MAX_TXN_TIMEOUT_MS}; got ${timeoutMs}.`);
  }
  let txn = await readTxn(broker, transactionalId);
  for (let attempt = 0; attempt < 50; attempt++) {
    if (txn && isOpen(txn.state)) {
      txn = (await settleTxn(broker, txn, now)) ?? (await readTxn(broker, transactionalId));
      continue;
    }
    const fresh = !txn || txn.producerEpoch >= MAX_EPOCH;
    const id = fresh ? await initProducerId(broker) : { producerId: txn!.producerId, producerEpoch: txn!.producerEpoch + 1 };
    const next: Omit<Txn, 'version'> = {
      transactionalId,
      ...id,
      state: 'Empty',
      txnNumber: txn?.txnNumber ?? 0,
      timeoutMs,
      startedAt: 0,
      partitions: [],
      partitionKeys: [],
      offsets: [],
      updatedAt: now,
    };
    const written = await casTxn(broker, txn, next);
    if (written.ok) return { producerId: written.txn.producerId, producerEpoch: written.txn.producerEpoch };
    txn = written.current;
  }
  throw new BrookError('CONCURRENT_TRANSACTIONS', `Transactional id '${transactionalId}' is being initialised by others; retry.`);
}
