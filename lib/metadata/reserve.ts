import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { BrookError } from '../errors';
import { classify, DEFAULT_RETRY_POLICY, pause } from './conditional-write';
import { headKey } from './keys';

/** An open transaction the reservation records on the head (its first offset: the partition's LSO). */
export interface OpenTxnMark {
  /** Head attribute holding {transactionalId}; `firstAttr` holds the first offset. */
  attr: string;
  firstAttr: string;
  /** Counts the transaction's reservations on the partition: whether any came after a given one. */
  seqAttr: string;
  transactionalId: string;
}

export interface Reservation {
  baseOffset: number;
  /** The counter after this reservation: other ranges are outstanding if it is past this one's end. */
  reservedEnd: number;
  /** The publishedThrough hint when reserved: equal to baseOffset when everything below the range was published. */
  publishedThrough: number;
  reservedAt: number;
  /** A transactional reservation: the value of OpenTxnMark.seqAttr it set. */
  txnSeq?: number;
}

/**
 * Reserve `count` offsets of a partition (RFC 0003, step 1): an atomic counter, so concurrent
 * writers never fail a condition: each gets its own range in one UpdateItem (1 WCU). A transactional
 * batch also records its transaction's first offset (if not yet recorded) in the same update.
 *
 * Not idempotent: a reply lost after the update was applied leaks the range, which readers seal
 * after `sealAfterMs` (a latency cost, never a lost or duplicated record). Throttles are certainly
 * not applied and are retried here; anything else goes to the caller.
 */
export async function reserveOffsets(broker: Broker, topicName: string, topicId: string, partition: number, count: number, open?: OpenTxnMark): Promise<Reservation> {
  // A head from before this protocol has no hint yet: everything below its counter is published.
  const set = ['publishedThrough = if_not_exists(publishedThrough, nextOffset)', ...(open ? ['#open = if_not_exists(#open, :open)', '#first = if_not_exists(#first, nextOffset)'] : [])];
  const command = new UpdateCommand({
    TableName: broker.config.metadataTable,
    Key: headKey(topicId, partition),
    UpdateExpression: `SET ${set.join(', ')} ADD nextOffset :n${open ? ', #seq :one' : ''}`,
    ConditionExpression: 'attribute_exists(pk)',
    ...(open ? { ExpressionAttributeNames: { '#open': open.attr, '#first': open.firstAttr, '#seq': open.seqAttr } } : {}),
    ExpressionAttributeValues: { ':n': count, ...(open ? { ':open': { transactionalId: open.transactionalId }, ':one': 1 } : {}) },
    ReturnValues: 'ALL_NEW',
  });
  for (let attempt = 0; ; attempt++) {
    try {
      const { Attributes } = await broker.clients.ddb.send(command);
      const reservedEnd = Attributes!.nextOffset as number;
      return {
        baseOffset: reservedEnd - count,
        reservedEnd,
        reservedAt: Date.now(),
        publishedThrough: Attributes!.publishedThrough as number,
        ...(open ? { txnSeq: Attributes![open.seqAttr] as number } : {}),
      };
    } catch (err) {
      const outcome = classify(err).kind;
      if (outcome === 'conflict') throw new BrookError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${partition} of topic '${topicName}' does not exist.`);
      if (outcome !== 'retry-same' || attempt >= DEFAULT_RETRY_POLICY.maxResends) throw err;
      await pause(attempt);
    }
  }
}

/**
 * A transactional batch that was not published gives back the open-transaction mark its own
 * reservation set, if nothing relied on it since: the mark still holds this range's base as its
 * first offset (so no earlier batch of the transaction set it) and no later batch of the
 * transaction reserved on the partition (the sequence is unchanged). Otherwise the mark stays, and
 * the transaction's completion removes it. Without this, a batch racing its transaction's end
 * would leave a mark no completion removes, and hold the partition's LSO back for good.
 */
export async function releaseOpenTxn(broker: Broker, topicId: string, partition: number, open: OpenTxnMark, range: Reservation): Promise<void> {
  await broker.clients.ddb
    .send(new UpdateCommand({
      TableName: broker.config.metadataTable,
      Key: headKey(topicId, partition),
      UpdateExpression: 'REMOVE #open, #first, #seq',
      ConditionExpression: '#first = :base AND #seq = :seq',
      ExpressionAttributeNames: { '#open': open.attr, '#first': open.firstAttr, '#seq': open.seqAttr },
      ExpressionAttributeValues: { ':base': range.baseOffset, ':seq': range.txnSeq },
    }))
    .catch(() => undefined);
}
