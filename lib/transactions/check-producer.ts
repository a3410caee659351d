import { BrookError } from '../errors';
import type { Txn } from './types';

/** The transactional id names a producer that must be the one asking, at its current epoch (Kafka's coordinator checks). */
export function checkProducer(txn: Txn | undefined, transactionalId: string, producerId: number, producerEpoch: number): Txn {
  if (!txn) throw new BrookError('TRANSACTIONAL_ID_NOT_FOUND', `Transactional id '${transactionalId}' is unknown; call InitProducerId (POST …/producers with transactional_id) first.`);
  if (txn.producerId !== producerId) {
    throw new BrookError('INVALID_PRODUCER_ID_MAPPING', `Transactional id '${transactionalId}' belongs to producer id ${txn.producerId}, not ${producerId}.`);
  }
  if (producerEpoch < txn.producerEpoch) {
    throw new BrookError('PRODUCER_FENCED', `Producer ${producerId} epoch ${producerEpoch} is fenced: a newer instance of '${transactionalId}' initialised (epoch ${txn.producerEpoch}).`);
  }
  if (producerEpoch > txn.producerEpoch) {
    throw new BrookError('INVALID_PRODUCER_EPOCH', `Producer ${producerId} epoch ${producerEpoch} is ahead of the coordinator's epoch ${txn.producerEpoch}.`);
  }
  return txn;
}

export const checkTransactionalId = (id: unknown): string => {
  if (typeof id !== 'string' || id.length === 0 || id.length > 255 || /[\u0000-\u001f/]/.test(id)) {
    throw new BrookError('INVALID_REQUEST', 'transactional_id must be 1 to 255 characters, without control characters or "/".');
  }
  return id;
};
