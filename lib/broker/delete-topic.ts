import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { Broker } from './context';
import { BrookError } from '../errors';
import { batchWrite } from '../metadata/batch-write';
import { headKey, topicKey } from '../metadata/keys';
import { getTopic } from '../metadata/topics';

/**
 * Deletes the topic item, then its partition heads: in-flight produces then fail their commit
 * condition (UNKNOWN_TOPIC_OR_PARTITION). Index items and S3 objects of the old topic id are
 * unreachable from then on; the maintenance job removes them (docs/ARCHITECTURE.md).
 */
export async function deleteTopic(broker: Broker, topicName: string): Promise<void> {
  const { ddb } = broker.clients;
  const table = broker.config.metadataTable;
  // Read first: a request for a topic that does not exist writes nothing, not even a failed delete.
  await getTopic(broker, topicName);
  let old: Record<string, unknown> | undefined;
  try {
    ({ Attributes: old } = await ddb.send(
      new DeleteCommand({
        TableName: table,
        Key: topicKey(topicName),
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_OLD',
      }),
    ));
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') {
      throw new BrookError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topicName}' does not exist.`);
    }
    throw err;
  }
  broker.topics.invalidate(topicName);
  const topicId = old!.topicId as string;
  const count = old!.partitionsCount as number;
  await batchWrite(ddb, table, Array.from({ length: count }, (_, p) => ({ DeleteRequest: { Key: headKey(topicId, p) } })));
}
