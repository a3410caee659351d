import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { DEFAULT_SEAL_AFTER_MS } from '../config';
import { BrookError } from '../errors';
import type { CommitExtras, CommitResult, PendingBatch } from './commit-batch';
import { requestToken, transactOnCondition } from './conditional-write';
import { getHead } from './heads';
import { advancePublished } from './high-watermark';
import { batchPk } from './keys';
import { checkSequence, producerStatePut, toProducerState, type ProducerBatch, type ProducerState } from './producer-state';
import { releaseOpenTxn, type Reservation } from './reserve';

/** How often (in offsets) a contended publisher walks the index to move the hint. */
const WALK_EVERY = 1024;

interface PublishState {
  producer?: ProducerState;
  duplicateOf?: number;
  /** An earlier attempt of this very publish was applied (its reply was lost). */
  landed?: boolean;
}

/**
 * Publish a reserved range (RFC 0003, step 2): ONE write puts the index entry if its key
 * (the range's last offset) is free, and for an idempotent producer its sequence state on
 * condition it is unchanged. No item here is shared with other writers, so concurrent publishes
 * never conflict, on DynamoDB Local or on AWS. A plain producer's publish is a single conditional
 * PutItem; with producer state or a transaction check, a TransactWriteItems. A reader that sealed the range first holds the key
 * with a placeholder: the put fails and the writer answers REQUEST_TIMED_OUT (retriable), having
 * written nothing. A lost reply is resent with the same token (applied once); an entry found under
 * the key that is this very batch (same object and bytes) is an earlier attempt that landed.
 * A range that is not published for any other reason (duplicate, sequence or transaction error,
 * outage) is given up at once with a placeholder, so readers need not wait to seal it.
 */
export async function publishBatch(
  broker: Broker,
  topicName: string,
  topicId: string,
  partition: number,
  range: Reservation,
  pending: PendingBatch,
  idempotent?: { batch: ProducerBatch; state: ProducerState | undefined },
  extras?: CommitExtras,
): Promise<CommitResult> {
  const { metadataTable, batchesTable } = broker.config;
  const where = `${topicName}-${partition}`;
  const baseOffset = range.baseOffset;
  const lastOffset = baseOffset + pending.recordCount - 1;
  let sealed = false;
  try {
    const { state, conflicts } = await transactOnCondition<PublishState>(broker.clients.ddb, { producer: idempotent?.state }, {
      what: `publish to ${where}`,
      build: ({ producer }) => ({
        token: requestToken('publish', pending.objectKey, topicId, partition, baseOffset, producer?.producerEpoch, producer?.lastSequence),
        input: {
          TransactItems: [
            { Put: { TableName: batchesTable, Item: { pk: batchPk(topicId, partition), lastOffset, baseOffset, ...pending, reservedAt: range.reservedAt }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
            ...(idempotent ? [producerStatePut(metadataTable, topicId, partition, producer, idempotent.batch, baseOffset, pending.appendTime)] : []),
            ...(extras?.items ?? []),
          ],
        },
      }),
      async onConflict(reasons, current) {
        const [indexReason, producerReason] = reasons;
        if (indexReason?.code === 'ConditionalCheckFailed') {
          const held = indexReason.item;
          if (held?.objectKey === pending.objectKey && held?.byteStart === pending.byteStart) return { ...current, landed: true };
          sealed = true;
          const after = broker.config.sealAfterMs ?? DEFAULT_SEAL_AFTER_MS;
          throw new BrookError('REQUEST_TIMED_OUT', `The write to ${where} took longer than ${after} ms, so readers gave up offsets ${baseOffset}..${lastOffset}; nothing was written. Retry.`);
        }
        const extraReasons = reasons.slice(idempotent ? 2 : 1);
        if (extras?.onConflict && extraReasons.some((r) => r.code === 'ConditionalCheckFailed')) await extras.onConflict(extraReasons);
        if (!idempotent || producerReason?.code !== 'ConditionalCheckFailed') return current;
        const producer = producerReason.item ? toProducerState(producerReason.item) : undefined;
        const check = checkSequence(producer, idempotent.batch); // throws on a sequence error
        return { producer, ...(check.kind === 'duplicate' ? { duplicateOf: check.baseOffset } : {}) };
      },
      isDone: (s) => s.duplicateOf !== undefined || s.landed === true,
      singlePut: true, // a plain producer's publish: one conditional PutItem; `landed` recognises a resend

    });
    if (state.duplicateOf !== undefined) {
      await giveUp(broker, topicId, partition, range, pending.recordCount, extras);
      return { baseOffset: state.duplicateOf, conflicts, duplicate: true };
    }
    // Everything below the range was published when it was reserved: move the hint past it,
    // after the answer. Otherwise a reader walks the index from the hint (high-watermark.ts).
    // Under contention the hint lags; so that no reader ever walks far, the publisher whose range
    // crosses a multiple of WALK_EVERY offsets walks the index and moves it (high-watermark.ts).
    if (range.publishedThrough === baseOffset) broker.background.run(() => advancePublished(broker, topicId, partition, baseOffset, lastOffset + 1));
    else if (Math.floor(baseOffset / WALK_EVERY) !== Math.floor((lastOffset + 1) / WALK_EVERY)) broker.background.run(() => getHead(broker, topicName, topicId, partition));
    return { baseOffset, conflicts, duplicate: false };
  } catch (err) {
    if (!sealed) await giveUp(broker, topicId, partition, range, pending.recordCount, extras);
    throw err;
  }
}

/** A range not published: its placeholder, and for a transactional batch the open-transaction mark it set. */
async function giveUp(broker: Broker, topicId: string, partition: number, range: Reservation, count: number, extras?: CommitExtras): Promise<void> {
  const abandoned = await abandonRange(broker, topicId, partition, range.baseOffset, count, range.reservedAt);
  if (abandoned && extras?.openTxn && range.txnSeq !== undefined) await releaseOpenTxn(broker, topicId, partition, extras.openTxn, range);
}

/**
 * Give up a reserved range: a placeholder entry (no bytes) readers step over. Put if absent, so a
 * publish that did land (an unknown outcome) keeps its entry, and a late one is refused. Best
 * effort: if this fails too, readers seal the range after `sealAfterMs`.
 */
export async function abandonRange(broker: Broker, topicId: string, partition: number, baseOffset: number, count: number, reservedAt = Date.now()): Promise<boolean> {
  const lastOffset = baseOffset + count - 1;
  return broker.clients.ddb
    .send(new PutCommand({
      TableName: broker.config.batchesTable,
      Item: { pk: batchPk(topicId, partition), lastOffset, baseOffset, recordCount: count, byteStart: 0, byteLength: 0, placeholder: true, appendTime: Date.now(), reservedAt },
      ConditionExpression: 'attribute_not_exists(pk)',
    }))
    .then(() => true, () => false);
}
