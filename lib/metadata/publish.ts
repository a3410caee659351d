import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { DEFAULT_SEAL_AFTER_MS } from '../config';
import { BrookError } from '../errors';
import type { CommitExtras, CommitResult, PendingBatch } from './commit-batch';
import { requestToken, transactOnCondition } from './conditional-write';
import { batchPk, headKey, sealKey } from './keys';
import { checkSequence, producerStatePut, toProducerState, type ProducerBatch, type ProducerState } from './producer-state';
import type { Reservation } from './reserve';

interface PublishState {
  producer?: ProducerState;
  duplicateOf?: number;
}

/** The seal condition every publish carries: its range is not below `sealedBelow` (RFC 0003). */
export const notSealed = (table: string, topicId: string, partition: number, baseOffset: number) => ({
  ConditionCheck: {
    TableName: table,
    Key: sealKey(topicId, partition),
    ConditionExpression: 'attribute_not_exists(sealedBelow) OR sealedBelow <= :base',
    ExpressionAttributeValues: { ':base': baseOffset },
  },
});

/**
 * Publish a reserved range (RFC 0003, step 2): ONE transaction puts the index entry (if absent),
 * checks the partition's seal, and for an idempotent producer puts its sequence state on condition
 * it is unchanged. No item here is written by other writers' reservations or publishes, so
 * concurrent publishes do not conflict. A lost reply is resent with the same token (applied once).
 * A range that is not published (duplicate, sequence or transaction error, outage) is given up
 * at once with a placeholder, so readers need not wait for the seal.
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
            { Put: { TableName: batchesTable, Item: { pk: batchPk(topicId, partition), lastOffset, baseOffset, ...pending, reservedAt: range.reservedAt }, ConditionExpression: 'attribute_not_exists(pk)' } },
            notSealed(metadataTable, topicId, partition, baseOffset),
            ...(idempotent ? [producerStatePut(metadataTable, topicId, partition, producer, idempotent.batch, baseOffset, pending.appendTime)] : []),
            ...(extras?.items ?? []),
          ],
        },
      }),
      async onConflict(reasons, current) {
        const [indexReason, sealReason, producerReason] = reasons;
        if (sealReason?.code === 'ConditionalCheckFailed') {
          sealed = true;
          const after = broker.config.sealAfterMs ?? DEFAULT_SEAL_AFTER_MS;
          throw new BrookError('REQUEST_TIMED_OUT', `The write to ${where} took longer than ${after} ms, so readers gave up offsets ${baseOffset}..${lastOffset}; nothing was written. Retry.`);
        }
        if (indexReason?.code === 'ConditionalCheckFailed') throw new BrookError('KAFKA_STORAGE_ERROR', `Index of ${where} already holds offsets ${baseOffset}..${lastOffset}.`);
        const extraReasons = reasons.slice(idempotent ? 3 : 2);
        if (extras?.onConflict && extraReasons.some((r) => r.code === 'ConditionalCheckFailed')) await extras.onConflict(extraReasons);
        if (!idempotent || producerReason?.code !== 'ConditionalCheckFailed') return current;
        const producer = producerReason.item ? toProducerState(producerReason.item) : undefined;
        const check = checkSequence(producer, idempotent.batch); // throws on a sequence error
        return { producer, ...(check.kind === 'duplicate' ? { duplicateOf: check.baseOffset } : {}) };
      },
      isDone: (s) => s.duplicateOf !== undefined,
    });
    if (state.duplicateOf !== undefined) {
      await abandonRange(broker, topicId, partition, baseOffset, pending.recordCount);
      return { baseOffset: state.duplicateOf, conflicts, duplicate: true };
    }
    // Everything below the range was published when it was reserved: move the hint past it,
    // after the answer. Otherwise a reader walks the index from the hint (high-watermark.ts).
    if (range.publishedThrough === baseOffset) broker.background.run(() => advancePublished(broker, topicId, partition, baseOffset, lastOffset + 1));
    return { baseOffset, conflicts, duplicate: false };
  } catch (err) {
    if (!sealed) await abandonRange(broker, topicId, partition, baseOffset, pending.recordCount);
    throw err;
  }
}

/**
 * Give up a reserved range: a placeholder entry (no bytes) readers step over. Put if absent, so a
 * publish that did land (an unknown outcome) keeps its entry, and a late one is refused. Best
 * effort: if this fails too, readers seal the range after `sealAfterMs`.
 */
export async function abandonRange(broker: Broker, topicId: string, partition: number, baseOffset: number, count: number): Promise<void> {
  const lastOffset = baseOffset + count - 1;
  await broker.clients.ddb
    .send(new PutCommand({
      TableName: broker.config.batchesTable,
      Item: { pk: batchPk(topicId, partition), lastOffset, baseOffset, recordCount: count, byteStart: 0, byteLength: 0, placeholder: true, appendTime: Date.now() },
      ConditionExpression: 'attribute_not_exists(pk)',
    }))
    .catch(() => undefined);
}

/**
 * Move the head's `publishedThrough` hint past a range just published, if everything below the
 * range already was (the hint is at or inside it). Losing the race is harmless: readers walk the
 * index from the hint (lib/metadata/high-watermark.ts). 1 WCU; failures are ignored.
 */
export async function advancePublished(broker: Broker, topicId: string, partition: number, from: number, to: number): Promise<void> {
  await broker.clients.ddb
    .send(new UpdateCommand({
      TableName: broker.config.metadataTable,
      Key: headKey(topicId, partition),
      UpdateExpression: 'SET publishedThrough = :to',
      ConditionExpression: 'publishedThrough BETWEEN :from AND :last',
      ExpressionAttributeValues: { ':to': to, ':from': from, ':last': to - 1 },
    }))
    .catch(() => undefined);
}
