import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { requestToken, transactOnCondition } from '../metadata/conditional-write';
import { toTxn, txnKey, type Txn } from './types';

/** A consistent read of a transactional id's coordinator item (1 RCU). */
export async function readTxn(broker: Broker, transactionalId: string): Promise<Txn | undefined> {
  const { Item } = await broker.clients.ddb.send(new GetCommand({ TableName: broker.config.metadataTable, Key: txnKey(transactionalId), ConsistentRead: true }));
  return Item ? toTxn(Item) : undefined;
}

export type CasResult = { ok: true; txn: Txn } | { ok: false; current: Txn | undefined };

/**
 * Replace the coordinator item on condition that it is still at the version read (or absent),
 * through the one conditional-write loop. A lost race answers the winner's item (ALL_OLD): the
 * caller decides again from it.
 */
export async function casTxn(broker: Broker, expected: Txn | undefined, next: Omit<Txn, 'version'>): Promise<CasResult> {
  const version = (expected?.version ?? 0) + 1;
  const written: Txn = { ...next, version };
  let lost: { current: Txn | undefined } | undefined;
  await transactOnCondition<null>(broker.clients.ddb, null, {
    what: `transaction '${next.transactionalId}'`,
    build: () => ({
      token: requestToken('txn', next.transactionalId, version, next.state, next.producerEpoch, next.txnNumber),
      input: {
        TransactItems: [
          {
            Put: {
              TableName: broker.config.metadataTable,
              Item: { ...txnKey(next.transactionalId), ...written },
              ...(expected
                ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expected.version } }
                : { ConditionExpression: 'attribute_not_exists(pk)' }),
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
      },
    }),
    onConflict(reasons) {
      const item = reasons[0]?.item;
      lost = { current: item ? toTxn(item) : undefined };
      return null;
    },
    isDone: () => lost !== undefined,
  });
  return lost ? { ok: false, current: lost.current } : { ok: true, txn: written };
}
