import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { BrookError } from '../errors';
import { groupSettings } from '../groups/settings';
import { requestToken, transactOnCondition } from '../metadata/conditional-write';
import { getHeadItem } from '../metadata/heads';
import { batchPk, headKey } from '../metadata/keys';
import { advancePublished } from '../metadata/high-watermark';
import { abandonRange } from '../metadata/publish';
import { reserveOffsets } from '../metadata/reserve';
import { offsetKey } from '../metadata/offset-store';
import { newSegmentKey, putSegment } from '../storage/segment-store';
import { encodeMarker } from './control-batch';
import { openTxnsOf } from './stable-head';
import { readTxn } from './txn-store';
import { abortedPk, isPrepared, offsetSk, openTxnAttr, openTxnFirstAttr, openTxnSeqAttr, toTxn, txnKey, type PendingOffset, type Txn, type TxnPartition } from './types';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A partition still holding the transaction open, with the offset reserved for its marker. */
interface Target {
  p: TxnPartition;
  first: number;
  offset: number;
  /** Everything below the marker's offset was published when it was reserved: the hint can move past it. */
  hintable: boolean;
}

/** One offset reserved for a partition's marker. */
async function reserveMarker(broker: Broker, t: { p: TxnPartition; first: number }): Promise<Target> {
  const r = await reserveOffsets(broker, t.p.topic, t.p.topicId, t.p.partition, 1);
  return { p: t.p, first: t.first, offset: r.baseOffset, hintable: r.publishedThrough === r.baseOffset };
}

const MAX_ITEMS = 100;

/**
 * Finish a prepared transaction (docs/rfcs/0002-transactions.md): ONE S3 object holding the marker;
 * one offset reserved for the marker on every partition still holding the transaction open (RFC
 * 0003); then, per partition, the marker's index entry, a seal check, the open transaction removed
 * from the head (+ an aborted-index entry for an abort), and at the end the pending group offsets
 * (commit only) and the coordinator item moved to Complete*: in ONE DynamoDB transaction when it
 * fits in 100 items, so a commit shows on every partition and in the group at once. A larger
 * transaction goes in chunks of whole partitions, each checking the coordinator item is still as
 * prepared; its partitions then show one chunk after the other. A partition's marker and the
 * removal of its open transaction are always written together, so a crash between chunks leaves
 * each partition either done or still open, and a retry finishes the open ones only.
 */
export async function completeTxn(broker: Broker, prepared: Txn, now = Date.now()): Promise<Txn> {
  if (!isPrepared(prepared.state)) throw new Error(`completeTxn: '${prepared.transactionalId}' is ${prepared.state}`);
  const commit = prepared.state === 'PrepareCommit';
  const stride = commit ? 2 : 3;
  const done: Txn = { ...prepared, state: commit ? 'CompleteCommit' : 'CompleteAbort', version: prepared.version + 1, partitions: [], partitionKeys: [], offsets: [], startedAt: 0, updatedAt: now };
  const open = (await Promise.all(prepared.partitions.map(async (p) => ({ p, first: firstOffsetOf(await getHeadItem(broker, p.topic, p.topicId, p.partition), prepared.producerId) })))).filter(
    (t): t is { p: TxnPartition; first: number } => t.first !== undefined,
  );
  const marker = encodeMarker(commit, prepared.producerId, prepared.producerEpoch, now);
  const objectKey = newSegmentKey();
  if (open.length > 0) await putSegment(broker, objectKey, marker);
  const tail = [...(commit ? prepared.offsets.map((o) => offsetUpdate(broker.config.metadataTable, o, now, groupSettings())) : []), txnPut(broker, prepared, done)];
  const size = open.length * stride + tail.length <= MAX_ITEMS ? Math.max(open.length, 1) : Math.floor((MAX_ITEMS - 1) / stride);
  let finished = false;
  for (let i = 0; i === 0 || i < open.length; i += size) {
    const last = i + size >= open.length;
    const targets = await Promise.all(open.slice(i, i + size).map((t) => reserveMarker(broker, t)));
    const spec = { commit, stride, objectKey, markerLength: marker.length, now, tail: last ? tail : [txnCheck(broker, prepared)] };
    const written = await writeChunk(broker, prepared, targets, spec).catch(async (err) => {
      await Promise.all(targets.map((t) => abandonRange(broker, t.p.topicId, t.p.partition, t.offset, 1)));
      throw err;
    });
    if ((finished = written.finished)) break;
  }
  return finished ? ((await readTxn(broker, prepared.transactionalId)) ?? done) : done;
}

interface ChunkSpec {
  commit: boolean;
  stride: number;
  objectKey: string;
  markerLength: number;
  now: number;
  tail: TransactItem[];
}

/** One DynamoDB transaction of markers (+ the tail). A sealed marker offset is reserved again; a partition already done is dropped. */
async function writeChunk(broker: Broker, prepared: Txn, initial: Target[], c: ChunkSpec): Promise<{ finished: boolean }> {
  const { metadataTable, batchesTable } = broker.config;
  const open = openTxnAttr(prepared.producerId);
  const first = openTxnFirstAttr(prepared.producerId);
  let finished = false;
  const dropped: Target[] = [];
  const { state } = await transactOnCondition<Target[]>(broker.clients.ddb, initial, {
    what: `${c.commit ? 'commit' : 'abort'} of transaction '${prepared.transactionalId}'`,
    build(targets) {
      const items: TransactItem[] = targets.flatMap(({ p, first: firstOffset, offset }) => [
        { Put: { TableName: batchesTable, Item: { pk: batchPk(p.topicId, p.partition), lastOffset: offset, baseOffset: offset, recordCount: 1, objectKey: c.objectKey, byteStart: 0, byteLength: c.markerLength, baseTimestamp: c.now, maxTimestamp: c.now, appendTime: c.now, reservedAt: c.now, producerId: prepared.producerId, producerEpoch: prepared.producerEpoch, control: c.commit ? 'commit' : 'abort' }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
        { Update: { TableName: metadataTable, Key: headKey(p.topicId, p.partition), UpdateExpression: 'REMOVE #open, #first, #seq', ConditionExpression: 'attribute_exists(#open)', ExpressionAttributeNames: { '#open': open, '#first': first, '#seq': openTxnSeqAttr(prepared.producerId) } } },
        ...(c.commit ? [] : [{ Put: { TableName: metadataTable, Item: { pk: abortedPk(p.topicId, p.partition), sk: offsetSk(offset), producerId: prepared.producerId, firstOffset, lastOffset: offset } } }]),
      ]);
      const token = requestToken('txn-end', prepared.transactionalId, prepared.version, ...targets.map((t) => `${t.p.topicId}#${t.p.partition}@${t.offset}`));
      return { token, input: { TransactItems: [...items, ...c.tail] } };
    },
    async onConflict(reasons, targets) {
      const txnReason = reasons[reasons.length - 1];
      if (txnReason?.code === 'ConditionalCheckFailed') {
        const current = txnReason.item ? toTxn(txnReason.item) : undefined;
        if (current && current.txnNumber === prepared.txnNumber && !isPrepared(current.state)) {
          finished = true; // another caller completed it
          dropped.push(...targets);
          return targets;
        }
        throw new BrookError('CONCURRENT_TRANSACTIONS', `Transaction '${prepared.transactionalId}' changed while it was being completed; retry.`);
      }
      const next: Target[] = [];
      for (const [i, t] of targets.entries()) {
        if (reasons[i * c.stride + 1]?.code === 'ConditionalCheckFailed') dropped.push(t); // already done: no open transaction
        else if (reasons[i * c.stride]?.code === 'ConditionalCheckFailed') next.push(await reserveMarker(broker, t)); // sealed: reserve again
        else next.push(t);
      }
      return next;
    },
    isDone: () => finished,
  });
  await Promise.all(dropped.map((t) => abandonRange(broker, t.p.topicId, t.p.partition, t.offset, 1)));
  if (!finished) for (const t of state.filter((s) => s.hintable)) broker.background.run(() => advancePublished(broker, t.p.topicId, t.p.partition, t.offset, t.offset + 1));
  return { finished };
}

const firstOffsetOf = (item: Record<string, unknown>, producerId: number) => openTxnsOf(item).find((t) => t.producerId === producerId)?.firstOffset;

function txnPut(broker: Broker, prepared: Txn, done: Txn): TransactItem {
  return {
    Put: {
      TableName: broker.config.metadataTable,
      Item: { ...txnKey(prepared.transactionalId), ...done },
      ConditionExpression: 'version = :v AND #s = :s',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':v': prepared.version, ':s': prepared.state },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** In a chunk before the last: the coordinator item is still as prepared (a stale completer writes nothing). */
function txnCheck(broker: Broker, prepared: Txn): TransactItem {
  const put = txnPut(broker, prepared, prepared).Put!;
  return { ConditionCheck: { TableName: put.TableName, Key: txnKey(prepared.transactionalId), ConditionExpression: put.ConditionExpression!, ExpressionAttributeNames: put.ExpressionAttributeNames, ExpressionAttributeValues: put.ExpressionAttributeValues, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
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
