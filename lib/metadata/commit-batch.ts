import { createHash } from 'node:crypto';
import type { Broker } from '../broker/context';
import { BrookError } from '../errors';
import { transactOnCondition } from './conditional-write';
import { batchPk, headKey } from './keys';
import { toHead } from './heads';
import type { BatchIndexEntry, PartitionHead } from './types';

/** What a produce request wrote for one partition; offsets are assigned by the commit. */
export type PendingBatch = Omit<BatchIndexEntry, 'baseOffset' | 'lastOffset'>;

export interface CommitResult {
  baseOffset: number;
  lastOffset: number;
  conflicts: number;
}

/**
 * Commit one partition's batch: advance the head by the batch's record count and put the index
 * item, in one transaction, on condition that the head is still where we read it. On a conflict
 * the winner's head comes back in the cancellation reason (ALL_OLD) and the commit is rebuilt at
 * the new offset; the S3 bytes carry no offsets, so nothing is rewritten.
 */
export async function commitBatch(
  broker: Broker,
  topicName: string,
  head: PartitionHead,
  pending: PendingBatch,
): Promise<CommitResult> {
  const { metadataTable, batchesTable } = broker.config;
  const where = `${topicName}-${head.partition}`;
  const { state, conflicts } = await transactOnCondition(broker.clients.ddb, head, {
    what: `commit to ${where}`,
    build(h) {
      const baseOffset = h.nextOffset;
      const lastOffset = baseOffset + pending.recordCount - 1;
      const token = createHash('sha256')
        .update(`${pending.objectKey}|${h.topicId}|${h.partition}|${baseOffset}|${h.leaderEpoch}`)
        .digest('hex')
        .slice(0, 36);
      return {
        token,
        input: {
          TransactItems: [
            {
              Update: {
                TableName: metadataTable,
                Key: headKey(h.topicId, h.partition),
                UpdateExpression: 'SET nextOffset = :next, lastAppendTime = :now',
                ConditionExpression: 'nextOffset = :expected AND leaderEpoch = :epoch',
                ExpressionAttributeValues: {
                  ':next': lastOffset + 1,
                  ':expected': baseOffset,
                  ':epoch': h.leaderEpoch,
                  ':now': pending.appendTime,
                },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            {
              Put: {
                TableName: batchesTable,
                Item: { pk: batchPk(h.topicId, h.partition), lastOffset, baseOffset, ...pending },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        },
      };
    },
    onConflict(reasons) {
      if (reasons[0]?.code !== 'ConditionalCheckFailed') {
        throw new BrookError('KAFKA_STORAGE_ERROR', `Index of ${where} already holds a batch ending at the offset being committed.`);
      }
      const current = reasons[0].item;
      if (!current) throw new BrookError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${where} no longer exists.`);
      return toHead(current);
    },
  });
  return { baseOffset: state.nextOffset, lastOffset: state.nextOffset + pending.recordCount - 1, conflicts };
}
