import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { CancellationReason } from './conditional-write';
import type { Broker } from '../broker/context';
import { BrookError } from '../errors';
import { requestToken, transactOnCondition } from './conditional-write';
import { batchPk, headKey } from './keys';
import { toHead } from './heads';
import { checkSequence, producerStatePut, toProducerState, type ProducerBatch, type ProducerState } from './producer-state';
import type { OpenTxnMark } from './reserve';
import type { BatchIndexEntry, PartitionHead } from './types';

/** What a produce request wrote for one partition; offsets are assigned by the commit. */
export type PendingBatch = Omit<BatchIndexEntry, 'baseOffset' | 'lastOffset'>;

export interface CommitResult {
  baseOffset: number;
  conflicts: number;
  /** The batch had been written before (an idempotent retry); baseOffset is the original one. */
  duplicate: boolean;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What a caller adds to the commit: a transactional batch records its transaction (lib/transactions/). */
export interface CommitExtras {
  /** Record an open transaction on the head, with this batch's base offset as its first offset if none is recorded yet. */
  openTxn?: OpenTxnMark;
  /** Items appended to the transaction (after the producer state). */
  items?: TransactItem[];
  /** One of `items` failed its condition (reasons in the order of `items`): throw the domain error. */
  onConflict?: (reasons: CancellationReason[]) => void | Promise<void>;
}

interface CommitState {
  head: PartitionHead;
  producer?: ProducerState;
  duplicateOf?: number;
}

/**
 * The conditional protocol (BROOK_COMMIT_PROTOCOL=conditional; RFC 0003 keeps it for comparison):
 * commit one partition's batch: advance the head by the batch's record count and put the index
 * item — and, for an idempotent producer, its sequence state — in one transaction, on condition
 * that each is still as read. On a conflict the winner's items come back in the cancellation
 * reasons (ALL_OLD) and the commit is rebuilt at the new offset; the S3 bytes carry no offsets,
 * so nothing is rewritten. A conflict on the producer state that shows the batch was already
 * written ends the commit as a duplicate.
 */
export async function commitBatch(
  broker: Broker,
  topicName: string,
  head: PartitionHead,
  pending: PendingBatch,
  idempotent?: { batch: ProducerBatch; state: ProducerState | undefined },
  extras?: CommitExtras,
): Promise<CommitResult> {
  const { metadataTable, batchesTable } = broker.config;
  const where = `${topicName}-${head.partition}`;
  const { state, conflicts } = await transactOnCondition<CommitState>(broker.clients.ddb, { head, producer: idempotent?.state }, {
    what: `commit to ${where}`,
    build({ head: h, producer }) {
      const baseOffset = h.reservedEnd;
      const lastOffset = baseOffset + pending.recordCount - 1;
      const token = requestToken(pending.objectKey, h.topicId, h.partition, baseOffset, h.leaderEpoch, producer?.producerEpoch, producer?.lastSequence);
      const open = extras?.openTxn;
      const extra = open && {
        clause: '#open = if_not_exists(#open, :open), #first = if_not_exists(#first, :expected)',
        names: { '#open': open.attr, '#first': open.firstAttr },
        values: { ':open': { transactionalId: open.transactionalId } },
      };
      const input: Omit<TransactWriteCommandInput, 'ClientRequestToken'> = {
        TransactItems: [
          {
            Update: {
              TableName: metadataTable,
              Key: headKey(h.topicId, h.partition),
              UpdateExpression: `SET nextOffset = :next, publishedThrough = :next, lastAppendTime = :now${extra ? `, ${extra.clause}` : ''}`,
              // Nothing reserved and unpublished below (a transaction marker in flight, RFC 0003).
              ConditionExpression: 'nextOffset = :expected AND leaderEpoch = :epoch AND (attribute_not_exists(publishedThrough) OR publishedThrough = :expected)',
              ...(extra ? { ExpressionAttributeNames: extra.names } : {}),
              ExpressionAttributeValues: { ':next': lastOffset + 1, ':expected': baseOffset, ':epoch': h.leaderEpoch, ':now': pending.appendTime, ...extra?.values },
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
          ...(idempotent ? [producerStatePut(metadataTable, h.topicId, h.partition, producer, idempotent.batch, baseOffset, pending.appendTime)] : []),
          ...(extras?.items ?? []),
        ],
      };
      return { token, input };
    },
    async onConflict(reasons, current) {
      const [headReason, indexReason, producerReason] = reasons;
      const extraReasons = reasons.slice(idempotent ? 3 : 2);
      if (extras?.onConflict && extraReasons.some((r) => r.code === 'ConditionalCheckFailed')) await extras.onConflict(extraReasons);
      const next: CommitState = { ...current };
      if (headReason?.code === 'ConditionalCheckFailed') {
        if (!headReason.item) throw new BrookError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${where} no longer exists.`);
        next.head = toHead(headReason.item);
      } else if (indexReason?.code === 'ConditionalCheckFailed') {
        throw new BrookError('KAFKA_STORAGE_ERROR', `Index of ${where} already holds a batch ending at the offset being committed.`);
      }
      if (idempotent && producerReason?.code === 'ConditionalCheckFailed') {
        next.producer = producerReason.item ? toProducerState(producerReason.item) : undefined;
        const check = checkSequence(next.producer, idempotent.batch); // throws on a sequence error
        if (check.kind === 'duplicate') next.duplicateOf = check.baseOffset;
      }
      return next;
    },
    isDone: (s) => s.duplicateOf !== undefined,
  });
  if (state.duplicateOf !== undefined) return { baseOffset: state.duplicateOf, conflicts, duplicate: true };
  return { baseOffset: state.head.reservedEnd, conflicts, duplicate: false };
}
