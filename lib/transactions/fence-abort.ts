import type { Broker } from '../broker/context';
import { completeTxn } from './complete';
import { casTxn } from './txn-store';
import { isPrepared, type Txn } from './types';

/**
 * Bring a transactional id to a state with no open transaction: an Ongoing transaction is
 * aborted with the epoch bumped first (PrepareAbort at epoch + 1: the old instance's batches,
 * offsets and EndTxn fail from that write on), a prepared one is completed as decided.
 * Returns the item as it is afterwards, or undefined if another writer moved it (re-read and retry).
 */
export async function settleTxn(broker: Broker, txn: Txn, now = Date.now()): Promise<Txn | undefined> {
  let current = txn;
  if (current.state === 'Ongoing') {
    const fenced = await casTxn(broker, current, { ...current, state: 'PrepareAbort', producerEpoch: current.producerEpoch + 1, updatedAt: now });
    if (!fenced.ok) return undefined;
    current = fenced.txn;
  }
  if (isPrepared(current.state)) current = await completeTxn(broker, current, now);
  return current;
}
