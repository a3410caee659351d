import { createHash, randomUUID } from 'node:crypto';
import { QueryCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { emptyGroup, type GroupState } from '../groups/types';
import type { GroupSettings } from '../groups/settings';
import { transactOnCondition } from './conditional-write';
import { groupKey, registryKey, toGroup } from './group-store';

/**
 * Committed offsets (docs/GROUPS.md): pk "offsets#<g>", sk "<topic>#<partition>" with
 * committedOffset, metadata, commitTimestamp, and the Burrow window: attributes h0…h(N-1), one
 * per time slot of `lagSlotMs` (slot = ⌊commit time / lagSlotMs⌋ mod N), each the last commit
 * made in that slot {offset, timestamp, logEndOffset}. A commit overwrites its slot with one
 * SET, so keeping the window costs no read.
 */
export const offsetsPk = (groupId: string) => `offsets#${groupId}`;
export const offsetKey = (groupId: string, topic: string, partition: number) => ({ pk: offsetsPk(groupId), sk: `${topic}#${partition}` });

export interface CommitSample {
  offset: number;
  timestamp: number;
  /** The partition's log end offset when the commit was made: lag at that time = logEndOffset − offset. */
  logEndOffset: number;
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  committedOffset: number;
  metadata: string | null;
  commitTimestamp: number;
  /** The Burrow window, oldest first. */
  samples: CommitSample[];
}

export interface OffsetToWrite {
  topic: string;
  partition: number;
  offset: number;
  metadata: string | null;
  logEndOffset: number;
}

export function toCommittedOffset(item: Record<string, unknown>): CommittedOffset {
  const samples = Object.entries(item)
    .filter(([k]) => /^h\d+$/.test(k))
    .map(([, v]) => v as CommitSample)
    .sort((a, b) => a.timestamp - b.timestamp);
  return {
    topic: item.topicName as string,
    partition: item.partitionId as number,
    committedOffset: item.committedOffset as number,
    metadata: (item.metadata as string | null | undefined) ?? null,
    commitTimestamp: item.commitTimestamp as number,
    samples,
  };
}

/** Every committed offset of a group (or of one of its topics), sorted by topic and partition: one Query, paged. */
export async function readOffsets(broker: Broker, groupId: string, topic?: string): Promise<CommittedOffset[]> {
  const out: CommittedOffset[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await broker.clients.ddb.send(
      new QueryCommand({
        TableName: broker.config.metadataTable,
        KeyConditionExpression: topic === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': offsetsPk(groupId), ...(topic === undefined ? {} : { ':prefix': `${topic}#` }) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    out.push(...(page.Items ?? []).map(toCommittedOffset));
    start = page.LastEvaluatedKey;
  } while (start);
  return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const offsetUpdate = (table: string, groupId: string, o: OffsetToWrite, now: number, s: GroupSettings): TransactItem => ({
  Update: {
    TableName: table,
    Key: offsetKey(groupId, o.topic, o.partition),
    UpdateExpression: 'SET #t = :t, #p = :p, #o = :o, #m = :m, #ts = :now, #slot = :sample',
    ExpressionAttributeNames: { '#t': 'topicName', '#p': 'partitionId', '#o': 'committedOffset', '#m': 'metadata', '#ts': 'commitTimestamp', '#slot': `h${Math.floor(now / s.lagSlotMs) % s.lagSlots}` },
    ExpressionAttributeValues: { ':t': o.topic, ':p': o.partition, ':o': o.offset, ':m': o.metadata, ':now': now, ':sample': { offset: o.offset, timestamp: now, logEndOffset: o.logEndOffset } },
  },
});

/** Offsets per transaction: DynamoDB's 100 items, less the group check and the registry item. */
export const OFFSETS_PER_TRANSACTION = 98;

/**
 * Write offsets atomically with a check of the group item: each transaction holds a
 * ConditionCheck that the group item is still at the version the caller validated (or creates
 * the group item of a simple group), plus up to 98 offset updates. When the group moved on, its
 * new state comes back (ALL_OLD) and `guard` decides again: throw (the member was fenced
 * meanwhile) or accept, and the chunk is retried on the new version. Chunks that were written
 * stay written: `guard` sees how many.
 */
export async function writeGroupOffsets(
  broker: Broker,
  groupId: string,
  group: GroupState | undefined,
  offsets: OffsetToWrite[],
  now: number,
  settings: GroupSettings,
  guard: (group: GroupState | undefined, written: number) => void,
): Promise<void> {
  const table = broker.config.metadataTable;
  const requestId = randomUUID();
  let current = group;
  for (let i = 0; i < offsets.length; i += OFFSETS_PER_TRANSACTION) {
    const chunk = offsets.slice(i, i + OFFSETS_PER_TRANSACTION);
    const { state } = await transactOnCondition<GroupState | undefined>(broker.clients.ddb, current, {
      what: `offset commit of group '${groupId}'`,
      build(g) {
        const check: TransactItem[] = g
          ? [{ ConditionCheck: { TableName: table, Key: groupKey(groupId), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': g.version }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } }]
          : [
              { Put: { TableName: table, Item: { ...groupKey(groupId), ...emptyGroup(groupId, now), version: 1 }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
              { Put: { TableName: table, Item: { ...registryKey(groupId), createdAt: now } } },
            ];
        const input = { TransactItems: [...check, ...chunk.map((o) => offsetUpdate(table, groupId, o, now, settings))] };
        const token = createHash('sha256').update(`${requestId}|${i}|${g?.version ?? 0}`).digest('hex').slice(0, 36);
        return { input, token };
      },
      onConflict(reasons) {
        const item = reasons[0]?.code === 'ConditionalCheckFailed' ? reasons[0].item : undefined;
        const next = item ? toGroup(item) : undefined;
        guard(next, i);
        return next;
      },
    });
    current = state ?? { ...emptyGroup(groupId, now), version: 1 };
  }
}
