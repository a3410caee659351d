import { createHash, randomUUID } from 'node:crypto';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Broker } from './context';
import { requireEmptyGroup } from './group-settle';
import { BrookError } from '../errors';
import { validateGroupId } from '../groups/group-id';
import { resolveOptions, type GroupOptions } from '../groups/settings';
import type { GroupState } from '../groups/types';
import { batchWrite } from '../metadata/batch-write';
import { transactOnCondition } from '../metadata/conditional-write';
import { groupKey, livenessKey, registryKey, toGroup } from '../metadata/group-store';
import { offsetKey, readOffsets } from '../metadata/offset-store';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
const FIRST_OFFSETS = 97;

const nonEmpty = (g: GroupState, live: string[]) =>
  new BrookError('NON_EMPTY_GROUP', `Group '${g.groupId}' still has ${live.length} member(s); stop its consumers (or wait for their session timeout) before deleting it.`);

/**
 * Kafka's DeleteGroups: refused while the group has members (NON_EMPTY_GROUP). One transaction
 * deletes the group item (on condition of its version), its registry item and its first 97
 * committed offsets; the rest of the offsets and stray liveness items follow in batches.
 */
export async function deleteGroup(broker: Broker, groupId: string, options?: GroupOptions): Promise<void> {
  validateGroupId(groupId);
  const { now } = resolveOptions(options);
  const table = broker.config.metadataTable;
  const read = await requireEmptyGroup(broker, groupId, now, nonEmpty);
  const offsets = await readOffsets(broker, groupId);
  if (!read.group && offsets.length === 0) throw new BrookError('GROUP_ID_NOT_FOUND', `Consumer group '${groupId}' does not exist.`);
  const first = offsets.slice(0, FIRST_OFFSETS).map((o) => offsetKey(groupId, o.topic, o.partition));
  const requestId = randomUUID();
  await transactOnCondition<GroupState | undefined>(broker.clients.ddb, read.group, {
    what: `delete of group '${groupId}'`,
    build(g) {
      const items: TransactItem[] = [
        g
          ? { Delete: { TableName: table, Key: groupKey(groupId), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': g.version }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } }
          : { ConditionCheck: { TableName: table, Key: groupKey(groupId), ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
        { Delete: { TableName: table, Key: registryKey(groupId) } },
        ...first.map((Key) => ({ Delete: { TableName: table, Key } })),
      ];
      return { input: { TransactItems: items }, token: createHash('sha256').update(`${requestId}|${g?.version ?? 0}`).digest('hex').slice(0, 36) };
    },
    onConflict(reasons) {
      const item = reasons[0]?.item;
      const g = item ? toGroup(item) : undefined;
      if (g && Object.keys(g.members).length > 0) throw nonEmpty(g, Object.keys(g.members));
      return g;
    },
  });
  const rest = [
    ...offsets.slice(FIRST_OFFSETS).map((o) => offsetKey(groupId, o.topic, o.partition)),
    ...[...read.liveness.keys()].map((id) => livenessKey(groupId, id)),
  ];
  await batchWrite(broker.clients.ddb, table, rest.map((Key) => ({ DeleteRequest: { Key } })));
}
