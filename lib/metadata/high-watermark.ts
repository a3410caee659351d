import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { DEFAULT_SEAL_AFTER_MS } from '../config';
import { batchPk, headKey } from './keys';
import { sealGap } from './seal';
import type { BatchIndexEntry, PartitionHead } from './types';

const PAGE = 100;

interface Walk {
  /** End of the published prefix: every offset below is published or given up. */
  end: number;
  /** The first unpublished range past `end`, up to the next entry, and when that entry was reserved. */
  gap?: { until: number; since: number };
}

/**
 * The high watermark of a partition whose head has outstanding reservations (RFC 0003, step 3):
 * walk the index from the `publishedThrough` hint and stop at the first offset no entry covers,
 * and at the counter of the head item read (entries reserved since are not this head's).
 * A gap before a later entry that was reserved more than `sealAfterMs` ago is sealed (seal.ts)
 * and the walk repeated; a gap at the end is left alone: nothing lies behind it. The hint is
 * moved to the result, so the next reader starts there. Costs 1 Query (+1 UpdateItem when the
 * hint moves); a partition without outstanding reservations costs nothing here.
 */
export async function resolveHighWatermark(broker: Broker, head: PartitionHead, now = Date.now()): Promise<PartitionHead> {
  if (head.nextOffset >= head.reservedEnd) return head;
  let walk = await walkPublished(broker, head);
  const sealAfter = broker.config.sealAfterMs ?? DEFAULT_SEAL_AFTER_MS;
  for (let sealed = 0; walk.gap && now - walk.gap.since >= sealAfter && sealed < 16; sealed++) {
    await sealGap(broker, head.topicId, head.partition, walk.end, walk.gap.until, walk.gap.since);
    walk = await walkPublished(broker, { ...head, nextOffset: walk.end });
  }
  if (walk.end > head.nextOffset) await advancePublished(broker, head.topicId, head.partition, head.nextOffset, walk.end);
  return { ...head, nextOffset: walk.end };
}

async function walkPublished(broker: Broker, head: PartitionHead): Promise<Walk> {
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
      if (pos >= head.reservedEnd) break;
      if (e.baseOffset > pos) return { end: pos, gap: { until: e.baseOffset, since: e.reservedAt ?? e.appendTime } };
      pos = Math.max(pos, e.lastOffset + 1);
    }
    // Never past the counter of the head item this walk started from: an entry reserved after
    // that read may belong to a transaction whose open mark the read did not see, and the LSO
    // computed from that item would let read_committed return it (chaos seed 19).
    if (pos >= head.reservedEnd || entries.length < PAGE || !out.LastEvaluatedKey) return { end: Math.min(pos, head.reservedEnd) };
  }
}

/**
 * Move the head's `publishedThrough` hint from `from` to `to`, everything below `to` being
 * published: after a publish of [from, to) when the hint stood at its base, or after a walk. Only
 * if the hint is still in [from, to). Losing the race is harmless: readers walk the
 * index from the hint (above). 1 WCU; failures are ignored.
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
