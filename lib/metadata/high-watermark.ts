import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { DEFAULT_SEAL_AFTER_MS } from '../config';
import { batchPk, headKey, sealKey } from './keys';
import type { BatchIndexEntry, PartitionHead } from './types';

const PAGE = 100;

interface Walk {
  /** End of the published prefix: every offset below is published or sealed. */
  end: number;
  /** The first unpublished range past `end` (up to the next entry or the reserved end), and since when it is known to exist. */
  gap?: { until: number; since: number };
}

/**
 * The high watermark of a partition whose head has outstanding reservations (RFC 0003, step 3):
 * read the seal FIRST, then walk the index from the `publishedThrough` hint, stepping over gaps
 * below `sealedBelow` (they can never be published: every publish checks the seal atomically)
 * and stopping at the first gap above it. Reading the seal before the index is what makes this
 * safe: a range below the seal read either is in the index read after it, or never will be.
 * A gap older than `sealAfterMs` is sealed here and the walk is repeated. The hint is moved to
 * the result so the next reader starts there. Costs 1 GetItem + 1 Query (+1 UpdateItem when the
 * hint moves, +1 when sealing); a partition without outstanding reservations costs nothing here.
 */
export async function resolveHighWatermark(broker: Broker, head: PartitionHead, lastReservedAt: number, now = Date.now()): Promise<PartitionHead> {
  if (head.nextOffset >= head.reservedEnd) return head;
  let walk = await walkPublished(broker, head, lastReservedAt);
  const sealAfter = broker.config.sealAfterMs ?? DEFAULT_SEAL_AFTER_MS;
  if (walk.gap && now - walk.gap.since >= sealAfter) {
    await raiseSeal(broker, head, walk.gap.until);
    walk = await walkPublished(broker, head, lastReservedAt);
  }
  if (walk.end > head.nextOffset) {
    await broker.clients.ddb
      .send(new UpdateCommand({
        TableName: broker.config.metadataTable,
        Key: headKey(head.topicId, head.partition),
        UpdateExpression: 'SET publishedThrough = :end',
        ConditionExpression: 'publishedThrough < :end',
        ExpressionAttributeValues: { ':end': walk.end },
      }))
      .catch(() => undefined);
  }
  return { ...head, nextOffset: walk.end };
}

async function walkPublished(broker: Broker, head: PartitionHead, lastReservedAt: number): Promise<Walk> {
  const { Item } = await broker.clients.ddb.send(new GetCommand({ TableName: broker.config.metadataTable, Key: sealKey(head.topicId, head.partition), ConsistentRead: true }));
  const sealedBelow = Math.min((Item?.sealedBelow as number | undefined) ?? 0, head.reservedEnd);
  let pos = head.nextOffset;
  for (;;) {
    const out = await broker.clients.ddb.send(
      new QueryCommand({
        TableName: broker.config.batchesTable,
        KeyConditionExpression: 'pk = :pk AND lastOffset >= :offset',
        ExpressionAttributeValues: { ':pk': batchPk(head.topicId, head.partition), ':offset': pos },
        ConsistentRead: true,
        Limit: PAGE,
      }),
    );
    const entries = (out.Items ?? []) as BatchIndexEntry[];
    for (const e of entries) {
      if (e.baseOffset > pos && pos < sealedBelow) pos = Math.min(e.baseOffset, sealedBelow);
      if (e.baseOffset > pos) return { end: pos, gap: { until: e.baseOffset, since: e.reservedAt ?? e.appendTime } };
      pos = Math.max(pos, e.lastOffset + 1);
    }
    if (entries.length < PAGE || !out.LastEvaluatedKey) break;
  }
  pos = Math.max(pos, sealedBelow);
  return pos >= head.reservedEnd ? { end: pos } : { end: pos, gap: { until: head.reservedEnd, since: lastReservedAt } };
}

/** Seal below `offset` (a range boundary): no publish of a range starting below it can succeed from now on. */
async function raiseSeal(broker: Broker, head: PartitionHead, offset: number): Promise<void> {
  await broker.clients.ddb
    .send(new UpdateCommand({
      TableName: broker.config.metadataTable,
      Key: sealKey(head.topicId, head.partition),
      UpdateExpression: 'SET sealedBelow = :b, sealedAt = :now',
      ConditionExpression: 'attribute_not_exists(sealedBelow) OR sealedBelow < :b',
      ExpressionAttributeValues: { ':b': offset, ':now': Date.now() },
    }))
    .catch((err: Error) => {
      if (err?.name !== 'ConditionalCheckFailedException') throw err;
    });
}
