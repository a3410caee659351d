import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './query-pages';
import type { Broker } from '../broker/context';
import type { GroupState, Liveness } from '../groups/types';

/**
 * Consumer group items in the metadata table (docs/GROUPS.md):
 *   group item     pk "group#<g>"  sk "group"             the whole GroupState, written on condition of `version`
 *   liveness item  pk "group#<g>"  sk "member#<memberId>" lastHeartbeat, expiresAt (TTL); one plain PutItem per heartbeat
 *   registry item  pk "groups"     sk <g>                 so that listing groups is one Query
 * One consistent Query of pk "group#<g>" reads the group item and every liveness item.
 */
export const GROUP_SK = 'group';
export const GROUPS_PK = 'groups';
/** Liveness items outlive their member by a day (TTL); nothing relies on TTL for correctness. */
export const LIVENESS_TTL_S = 24 * 3600;

export const groupPk = (groupId: string) => `group#${groupId}`;
export const groupKey = (groupId: string) => ({ pk: groupPk(groupId), sk: GROUP_SK });
export const livenessKey = (groupId: string, memberId: string) => ({ pk: groupPk(groupId), sk: `member#${memberId}` });
export const registryKey = (groupId: string) => ({ pk: GROUPS_PK, sk: groupId });

export function toGroup(item: Record<string, unknown>): GroupState {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as GroupState;
}

export interface GroupRead {
  group: GroupState | undefined;
  liveness: Liveness;
}

/** The group item and every member's last heartbeat: one strongly consistent Query (paged past 1 MB). */
export async function readGroup(broker: Broker, groupId: string): Promise<GroupRead> {
  let group: GroupState | undefined;
  const liveness: Liveness = new Map();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await broker.clients.ddb.send(
      new QueryCommand({
        TableName: broker.config.metadataTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': groupPk(groupId) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      if (item.sk === GROUP_SK) group = toGroup(item);
      else if (typeof item.sk === 'string' && item.sk.startsWith('member#')) liveness.set(item.sk.slice('member#'.length), item.lastHeartbeat as number);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return { group, liveness };
}

export const livenessItem = (groupId: string, memberId: string, now: number) => ({
  ...livenessKey(groupId, memberId),
  lastHeartbeat: now,
  expiresAt: Math.floor(now / 1000) + LIVENESS_TTL_S,
});

/** The heartbeat that changes nothing: 1 small PutItem, no condition (each member writes only its own item). */
export async function putLiveness(broker: Broker, groupId: string, memberId: string, now: number): Promise<void> {
  await broker.clients.ddb.send(new PutCommand({ TableName: broker.config.metadataTable, Item: livenessItem(groupId, memberId, now) }));
}

/** All group ids, sorted: one Query of the registry partition key, paged. */
export async function listGroupIds(broker: Broker): Promise<string[]> {
  const items = await queryAll(broker.clients.ddb, {
    TableName: broker.config.metadataTable,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': GROUPS_PK },
    ProjectionExpression: 'sk',
  });
  return items.map((i) => i.sk as string);
}
