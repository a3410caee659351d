import type { Broker } from '../broker/context';
import { BrookError } from '../errors';
import { casTxn, readTxn } from './txn-store';
import { isPrepared, type Txn } from './types';

/**
 * Add to the id's transaction, starting one if none is open: `change` checks the producer and
 * returns the fields to set (undefined: nothing new). Written on condition of the version read;
 * a lost race decides again on the winner's item.
 */
export async function beginOrContinue(
  broker: Broker,
  req: { transactionalId: string },
  now: number,
  change: (txn: Txn) => Partial<Txn> | undefined,
): Promise<Txn> {
  let txn = await readTxn(broker, req.transactionalId);
  for (let attempt = 0; attempt < 50; attempt++) {
    if (!txn) throw new BrookError('TRANSACTIONAL_ID_NOT_FOUND', `Transactional id '${req.transactionalId}' is unknown; call InitProducerId first.`);
    const base = txn.state === 'Ongoing' ? txn : { ...txn, partitions: [], partitionKeys: [], offsets: [] };
    const fields = change(base);
    if (isPrepared(txn.state)) throw new BrookError('CONCURRENT_TRANSACTIONS', `Transaction '${req.transactionalId}' is completing; retry once it has.`);
    if (txn.state === 'Ongoing' && fields === undefined) return txn;
    const starting = txn.state !== 'Ongoing';
    const next = { ...base, ...fields, state: 'Ongoing' as const, updatedAt: now, ...(starting ? { txnNumber: txn.txnNumber + 1, startedAt: now } : {}) };
    const written = await casTxn(broker, txn, next);
    if (written.ok) return written.txn;
    txn = written.current;
  }
  throw new BrookError('CONCURRENT_TRANSACTIONS', `Transaction '${req.transactionalId}' keeps changing; retry.`);
}
