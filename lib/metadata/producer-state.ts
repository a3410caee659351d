import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { BrookError } from '../errors';

/**
 * The idempotent producer's state per partition: its epoch, the last sequence number written,
 * and the last five batches (Kafka keeps five, one per request in flight) so that a retried
 * batch is recognised and answered with its original offset instead of being written again.
 */
export const RECENT_BATCHES = 5;
/** Producer state expires a week after its last write (DynamoDB TTL on `expiresAt`). */
export const PRODUCER_STATE_TTL_S = 7 * 24 * 3600;

export interface RecentBatch {
  baseSequence: number;
  lastSequence: number;
  baseOffset: number;
}

export interface ProducerState {
  producerEpoch: number;
  lastSequence: number;
  recent: RecentBatch[];
}

/** What an idempotent batch claims: who wrote it and which sequence numbers it carries. */
export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastSequence: number;
}

export const producerKey = (producerId: number, topicId: string, partition: number) => ({
  pk: `producer#${producerId}`,
  sk: `${topicId}#${partition}`,
});

export const toProducerState = (item: Record<string, unknown>): ProducerState => ({
  producerEpoch: item.producerEpoch as number,
  lastSequence: item.lastSequence as number,
  recent: (item.recent as RecentBatch[]) ?? [],
});

export async function readProducerState(broker: Broker, batch: ProducerBatch, topicId: string, partition: number): Promise<ProducerState | undefined> {
  const { Item } = await broker.clients.ddb.send(
    new GetCommand({ TableName: broker.config.metadataTable, Key: producerKey(batch.producerId, topicId, partition), ConsistentRead: true }),
  );
  return Item ? toProducerState(Item) : undefined;
}

export type SequenceCheck = { kind: 'append' } | { kind: 'duplicate'; baseOffset: number };

/** Kafka's sequence rules: append the next batch, recognise a recent one, refuse anything else. */
export function checkSequence(state: ProducerState | undefined, b: ProducerBatch): SequenceCheck {
  const id = `producer ${b.producerId} (epoch ${b.producerEpoch})`;
  if (!state || b.producerEpoch > state.producerEpoch) {
    if (b.baseSequence === 0) return { kind: 'append' };
    if (!state) throw new BrookError('UNKNOWN_PRODUCER_ID', `${id} has no state on this partition; its first batch must have sequence 0, not ${b.baseSequence}.`);
    throw new BrookError('OUT_OF_ORDER_SEQUENCE_NUMBER', `${id} is new on this partition; expected sequence 0, got ${b.baseSequence}.`);
  }
  if (b.producerEpoch < state.producerEpoch) {
    throw new BrookError('INVALID_PRODUCER_EPOCH', `${id} is fenced: epoch ${state.producerEpoch} has written since.`);
  }
  const seen = state.recent.find((r) => r.baseSequence === b.baseSequence && r.lastSequence === b.lastSequence);
  if (seen) return { kind: 'duplicate', baseOffset: seen.baseOffset };
  if (b.baseSequence === state.lastSequence + 1) return { kind: 'append' };
  if (b.baseSequence <= state.lastSequence) {
    throw new BrookError('DUPLICATE_SEQUENCE_NUMBER', `${id} sent sequence ${b.baseSequence}, already written and older than the last ${RECENT_BATCHES} batches.`);
  }
  throw new BrookError('OUT_OF_ORDER_SEQUENCE_NUMBER', `${id} sent sequence ${b.baseSequence}; expected ${state.lastSequence + 1}.`);
}

/** The transaction item that records an appended batch, on condition the state is still as read. */
export function producerStatePut(table: string, topicId: string, partition: number, state: ProducerState | undefined, b: ProducerBatch, baseOffset: number, now: number) {
  const next: ProducerState = {
    producerEpoch: b.producerEpoch,
    lastSequence: b.lastSequence,
    recent: [...(state && state.producerEpoch === b.producerEpoch ? state.recent : []), { baseSequence: b.baseSequence, lastSequence: b.lastSequence, baseOffset }].slice(-RECENT_BATCHES),
  };
  return {
    Put: {
      TableName: table,
      Item: { ...producerKey(b.producerId, topicId, partition), ...next, expiresAt: Math.floor(now / 1000) + PRODUCER_STATE_TTL_S },
      ...(state
        ? { ConditionExpression: 'producerEpoch = :e AND lastSequence = :l', ExpressionAttributeValues: { ':e': state.producerEpoch, ':l': state.lastSequence } }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  };
}
