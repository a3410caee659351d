import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Broker } from './context';

export const PRODUCER_IDS_KEY = { pk: 'producer-ids', sk: 'counter' };

/**
 * Kafka's InitProducerId for an idempotent producer: a fresh producer id from an atomic counter
 * (one UpdateItem, no conflicts) at epoch 0. Transactional ids, which reuse an id and bump its
 * epoch to fence older instances, arrive with transactions.
 */
export async function initProducerId(broker: Broker): Promise<{ producerId: number; producerEpoch: number }> {
  const out = await broker.clients.ddb.send(
    new UpdateCommand({
      TableName: broker.config.metadataTable,
      Key: PRODUCER_IDS_KEY,
      UpdateExpression: 'ADD nextProducerId :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return { producerId: (out.Attributes!.nextProducerId as number) - 1, producerEpoch: 0 };
}
