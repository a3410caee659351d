import type { Broker } from './context';
import { headsOf } from './group-log-ends';
import { BrookError } from '../errors';
import { MAX_OFFSET_METADATA_LENGTH } from '../groups/commit-check';
import { validateGroupId } from '../groups/group-id';
import { checkProducer } from '../transactions/check-producer';
import { beginOrContinue } from '../transactions/begin';
import { MAX_TXN_OFFSETS, type PendingOffset } from '../transactions/types';
import type { TxnRequest } from './txn-add-partitions';

/**
 * Kafka's AddOffsetsToTxn + TxnOffsetCommit in one call (kafkajs's sendOffsets): the group's
 * offsets are kept in the coordinator item and written to the group only by the commit, in the
 * same DynamoDB transaction as the markers; an abort drops them. Like kafkajs's sendOffsets
 * (no generation), the group's membership is not checked. Offsets past the log end are refused,
 * as a group commit refuses them. Requests: 1 BatchGetItem per topic + 1 GetItem + 1 TransactWriteItems.
 */
export async function addOffsetsToTxn(broker: Broker, req: TxnRequest, groupId: string, offsets: Array<{ topic: string; partition: number; offset: number; metadata?: string | null }>, now = Date.now()) {
  validateGroupId(groupId);
  if (offsets.length === 0) throw new BrookError('INVALID_REQUEST', 'offsets must not be empty.');
  for (const o of offsets) {
    if (!Number.isSafeInteger(o.offset) || o.offset < 0) throw new BrookError('INVALID_REQUEST', `offset of ${o.topic}-${o.partition} must be a non-negative integer; got ${o.offset}.`);
    if ((o.metadata?.length ?? 0) > MAX_OFFSET_METADATA_LENGTH) throw new BrookError('OFFSET_METADATA_TOO_LARGE', `metadata of ${o.topic}-${o.partition} is longer than ${MAX_OFFSET_METADATA_LENGTH}.`);
  }
  const heads = await headsOf(broker, offsets.map((o) => [o.topic, o.partition]));
  const pending: PendingOffset[] = offsets.map((o) => {
    const logEndOffset = heads.get(`${o.topic}#${o.partition}`)!.nextOffset;
    if (o.offset > logEndOffset) throw new BrookError('OFFSET_OUT_OF_RANGE', `Cannot commit offset ${o.offset} for ${o.topic}-${o.partition}: its log end offset is ${logEndOffset}.`);
    return { groupId, topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata ?? null, logEndOffset };
  });
  return beginOrContinue(broker, req, now, (txn) => {
    checkProducer(txn, req.transactionalId, req.producerId, req.producerEpoch);
    const same = (a: PendingOffset, b: PendingOffset) => a.groupId === b.groupId && a.topic === b.topic && a.partition === b.partition;
    const merged = [...txn.offsets.filter((o) => !pending.some((p) => same(o, p))), ...pending];
    if (merged.length > MAX_TXN_OFFSETS) {
      throw new BrookError('INVALID_REQUEST', `A transaction commits at most ${MAX_TXN_OFFSETS} group offsets (they become visible in one DynamoDB transaction); this one would commit ${merged.length}.`);
    }
    return { offsets: merged };
  });
}
