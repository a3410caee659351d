import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { BrookError } from '../errors';
import { groupSettings } from '../groups/settings';
import { requestToken, transactOnCondition } from '../metadata/conditional-write';
import { batchPk, headKey } from '../metadata/keys';
import { offsetKey } from '../metadata/offset-store';
import { newSegmentKey, putSegment } from '../storage/segment-store';
import { encodeMarker } from './control-batch';
import { getStableHead, toStableHead, type StableHead } from './stable-head';
import { readTxn } from './txn-store';
import { abortedPk, isPrepared, offsetSk, openTxnAttr, toTxn, txnKey, type PendingOffset, type Txn } from './types';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Finish a prepared transaction: ONE S3 object holding the marker, then ONE DynamoDB transaction
 * that, for every partition the transaction wrote, appends the marker (head nextOffset += 1 and
 * the open-transaction attribute removed, marker index entry put; for an abort, an
 * aborted-index entry too), writes the pending group offsets (commit only) and moves the
 * coordinator item to Complete*. Idempotent: a partition whose head no longer holds the open
 * transaction already has its marker; a coordinator item already past Prepare is done.
 */
export async function completeTxn(broker: Broker, prepared: Txn, now = Date.now()): Promise<Txn> {
  if (!isPrepared(prepared.state)) throw new Error(`completeTxn: '${prepared.transactionalId}' is ${prepared.state}`);
  const commit = prepared.state === 'PrepareCommit';
  const open = openTxnAttr(prepared.producerId);
  const heads = (
    await Promise.all(prepared.partitions.map(async (p) => ({ p, head: await getStableHead(broker, p.topic, p.topicId, p.partition) })))
  ).filter(({ head }) => head.openTxns.some((t) => t.producerId === prepared.producerId));
  const marker = encodeMarker(commit, prepared.producerId, prepared.producerEpoch, now);
  const objectKey = newSegmentKey();
  if (heads.length > 0) await putSegment(broker, objectKey, marker);
  const { metadataTable, batchesTable } = broker.config;
  const settings = groupSettings();
  const done: Txn = { ...prepared, state: commit ? 'CompleteCommit' : 'CompleteAbort', version: prepared.version + 1, partitions: [], partitionKeys: [], offsets: [], startedAt: 0, updatedAt: now };
  let finished = false;

  await transactOnCondition<Array<{ topic: string; head: StableHead }>>(broker.clients.ddb, heads.map(({ p, head }) => ({ topic: p.topic, head })), {
    what: `${commit ? 'commit' : 'abort'} of transaction '${prepared.transactionalId}'`,
    build(targets) {
      const items: TransactItem[] = [];
      for (const { head: h } of targets) {
        const first = h.openTxns.find((t) => t.producerId === prepared.producerId)!.firstOffset;
        const offset = h.nextOffset;
        items.push({
          Update: {
            TableName: metadataTable,
            Key: headKey(h.topicId, h.partition),
            UpdateExpression: 'SET nextOffset = :next, lastAppendTime = :now REMOVE #open',
            ConditionExpression: 'nextOffset = :expected AND leaderEpoch = :epoch AND attribute_exists(#open)',
            ExpressionAttributeNames: { '#open': open },
            ExpressionAttributeValues: { ':next': offset + 1, ':expected': offset, ':epoch': h.leaderEpoch, ':now': now },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        });
        items.push({
          Put: {
            TableName: batchesTable,
            Item: { pk: batchPk(h.topicId, h.partition), lastOffset: offset, baseOffset: offset, recordCount: 1, objectKey, byteStart: 0, byteLength: marker.length, baseTimestamp: now, maxTimestamp: now, appendTime: now, producerId: prepared.producerId, producerEpoch: prepared.producerEpoch, control: commit ? 'commit' : 'abort' },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
        if (!commit) {
          items.push({ Put: { TableName: metadataTable, Item: { pk: abortedPk(h.topicId, h.partition), sk: offsetSk(offset), producerId: prepared.producerId, firstOffset: first, lastOffset: offset } } });
        }
      }
      if (commit) for (const o of prepared.offsets) items.push(offsetUpdate(metadataTable, o, now, settings));
      items.push({
        Put: {
          TableName: metadataTable,
          Item: { ...txnKey(prepared.transactionalId), ...done },
          ConditionExpression: 'version = :v AND #s = :s',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':v': prepared.version, ':s': prepared.state },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
      const token = requestToken('txn-end', prepared.transactionalId, prepared.version, ...targets.map((t) => `${t.head.topicId}#${t.head.partition}@${t.head.nextOffset}`));
      return { token, input: { TransactItems: items } };
    },
    async onConflict(reasons, targets) {
      const last = reasons[reasons.length - 1];
      if (last?.code === 'ConditionalCheckFailed') {
        const current = last.item ? toTxn(last.item) : undefined;
        if (current && current.txnNumber === prepared.txnNumber && !isPrepared(current.state)) {
          finished = true; // another caller completed it
          return targets;
        }
        throw new BrookError('CONCURRENT_TRANSACTIONS', `Transaction '${prepared.transactionalId}' changed while it was being completed; retry.`);
      }
      // Reasons follow the items: per partition 2 (commit) or 3 (abort) items, head first.
      const stride = commit ? 2 : 3;
      const next: typeof targets = [];
      targets.forEach((t, i) => {
        const r = reasons[i * stride];
        if (r?.code !== 'ConditionalCheckFailed') return void next.push(t);
        if (!r.item) throw new BrookError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${t.head.partition} of '${t.topic}' no longer exists.`);
        const head = toStableHead(r.item);
        if (head.openTxns.some((o) => o.producerId === prepared.producerId)) next.push({ topic: t.topic, head });
      });
      return next;
    },
    isDone: () => finished,
  });
  return finished ? ((await readTxn(broker, prepared.transactionalId)) ?? done) : done;
}

/** The same item shape as a group's offset commit (lib/metadata/offset-store.ts), Burrow slot included. */
function offsetUpdate(table: string, o: PendingOffset, now: number, s: ReturnType<typeof groupSettings>): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: offsetKey(o.groupId, o.topic, o.partition),
      UpdateExpression: 'SET #t = :t, #p = :p, #o = :o, #m = :m, #ts = :now, #slot = :sample',
      ExpressionAttributeNames: { '#t': 'topicName', '#p': 'partitionId', '#o': 'committedOffset', '#m': 'metadata', '#ts': 'commitTimestamp', '#slot': `h${Math.floor(now / s.lagSlotMs) % s.lagSlots}` },
      ExpressionAttributeValues: { ':t': o.topic, ':p': o.partition, ':o': o.offset, ':m': o.metadata, ':now': now, ':sample': { offset: o.offset, timestamp: now, logEndOffset: o.logEndOffset } },
    },
  };
}
