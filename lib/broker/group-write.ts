import { createHash, randomUUID } from 'node:crypto';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Broker } from './context';
import { BrookError } from '../errors';
import { stableStringify } from '../groups/assignment';
import type { GroupState } from '../groups/types';
import { transactOnCondition } from '../metadata/conditional-write';
import { groupKey, livenessItem, livenessKey, registryKey, toGroup, type GroupRead } from '../metadata/group-store';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A change of the group item, with the liveness items that go with it. */
export interface GroupWrite {
  /** The next state; written as version read + 1, on condition the item is still at the version read. */
  group: GroupState;
  /** Members removed for silence: their liveness items are deleted on condition they are as read. */
  expired?: string[];
  /** Liveness items deleted without condition (members that left, were replaced or overdue). */
  dropped?: string[];
  /** The member whose heartbeat this is: its liveness item rides in the same transaction. */
  heartbeatOf?: string;
  now: number;
}

/** DynamoDB allows 100 items per transaction: the group item, the registry, one heartbeat and 97 deletes. */
const MAX_DELETES = 97;
/** DynamoDB items stop at 400 KB; refuse well before, with a clear error instead of a storage failure. */
export const MAX_GROUP_ITEM_BYTES = 350_000;

export function groupWriteItems(table: string, read: GroupRead, w: GroupWrite): TransactItem[] {
  const groupId = w.group.groupId;
  const readVersion = read.group?.version ?? 0;
  const size = Buffer.byteLength(JSON.stringify(w.group));
  if (size > MAX_GROUP_ITEM_BYTES) {
    throw new BrookError('GROUP_MAX_SIZE_REACHED', `Group '${groupId}' would need a ${size}-byte group item (limit ${MAX_GROUP_ITEM_BYTES}); use fewer members or fewer partitions per group.`);
  }
  const items: TransactItem[] = [
    {
      Put: {
        TableName: table,
        Item: { ...groupKey(groupId), ...w.group, version: readVersion + 1, updatedAt: w.now },
        ...(read.group
          ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': readVersion } }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  ];
  for (const id of (w.expired ?? []).slice(0, MAX_DELETES)) {
    const seen = read.liveness.get(id);
    items.push({
      Delete: {
        TableName: table,
        Key: livenessKey(groupId, id),
        ...(seen === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'attribute_not_exists(pk) OR lastHeartbeat = :hb', ExpressionAttributeValues: { ':hb': seen } }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
  }
  for (const id of (w.dropped ?? []).slice(0, MAX_DELETES - Math.min(MAX_DELETES, w.expired?.length ?? 0))) {
    items.push({ Delete: { TableName: table, Key: livenessKey(groupId, id) } });
  }
  if (w.heartbeatOf) items.push({ Put: { TableName: table, Item: livenessItem(groupId, w.heartbeatOf, w.now) } });
  if (!read.group) items.push({ Put: { TableName: table, Item: { ...registryKey(groupId), createdAt: w.group.createdAt } } });
  return items;
}

/**
 * Write the group item through the one conditional-write loop. `compute` turns what was read
 * into the change to make (or none); on a conflict the winner's group item and liveness items
 * come back in the cancellation reasons (ALL_OLD) and `compute` runs again on them — it may
 * throw a domain error (the member was fenced meanwhile) or find nothing left to write.
 */
export async function writeGroup<T>(
  broker: Broker,
  initial: GroupRead,
  compute: (read: GroupRead) => { write?: GroupWrite; result: T } | Promise<{ write?: GroupWrite; result: T }>,
  what: string,
): Promise<{ read: GroupRead; result: T; written: boolean }> {
  const table = broker.config.metadataTable;
  const requestId = randomUUID();
  const first = await compute(initial);
  if (!first.write) return { read: initial, result: first.result, written: false };
  const { state } = await transactOnCondition(broker.clients.ddb, { read: initial, outcome: first }, {
    what,
    build({ read, outcome }) {
      const input = { TransactItems: groupWriteItems(table, read, outcome.write!) };
      const token = createHash('sha256').update(`${requestId}|${stableStringify(input)}`).digest('hex').slice(0, 36);
      return { input, token };
    },
    async onConflict(reasons, { read, outcome }) {
      const next: GroupRead = { group: read.group, liveness: new Map(read.liveness) };
      const [groupReason, ...rest] = reasons;
      if (groupReason?.code === 'ConditionalCheckFailed') next.group = groupReason.item ? toGroup(groupReason.item) : undefined;
      (outcome.write!.expired ?? []).slice(0, rest.length).forEach((id, i) => {
        const r = rest[i];
        if (r?.code === 'ConditionalCheckFailed') {
          if (r.item) next.liveness.set(id, r.item.lastHeartbeat as number);
          else next.liveness.delete(id);
        }
      });
      return { read: next, outcome: await compute(next) };
    },
    isDone: ({ outcome }) => !outcome.write,
  });
  return { read: state.read, result: state.outcome.result, written: !!state.outcome.write };
}
