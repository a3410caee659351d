import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Broker } from './context';
import { BrookError } from '../errors';
import { topicKey } from '../metadata/keys';
import { getTopic } from '../metadata/topics';
import type { TopicItem } from '../metadata/types';
import { newHeadItem, validatePartitionsCount } from './create-topic';

/** Kafka's CreatePartitions: grow a topic to `totalCount` partitions; never fewer. */
export async function createPartitions(broker: Broker, topicName: string, totalCount: number): Promise<TopicItem> {
  validatePartitionsCount(totalCount);
  const topic = await getTopic(broker, topicName);
  if (totalCount < topic.partitionsCount) {
    throw new BrookError('INVALID_PARTITIONS', `Topic already has ${topic.partitionsCount} partitions; a topic can gain partitions but never lose them.`);
  }
  if (totalCount === topic.partitionsCount) return topic;
  const now = Date.now();
  const added = Array.from({ length: totalCount - topic.partitionsCount }, (_, i) => topic.partitionsCount + i);
  // Conditional puts: a concurrent CreatePartitions may already have made a head and a producer
  // may already have written to it; an existing head is never overwritten.
  for (let i = 0; i < added.length; i += 25) {
    await Promise.all(added.slice(i, i + 25).map((p) => putHeadIfAbsent(broker, newHeadItem(topic, p, now))));
  }
  try {
    await broker.clients.ddb.send(
      new UpdateCommand({
        TableName: broker.config.metadataTable,
        Key: topicKey(topicName),
        UpdateExpression: 'SET partitionsCount = :n',
        ConditionExpression: 'partitionsCount = :old AND topicId = :id',
        ExpressionAttributeValues: { ':n': totalCount, ':old': topic.partitionsCount, ':id': topic.topicId },
      }),
    );
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') {
      throw new BrookError('INVALID_PARTITIONS', `Topic '${topicName}' changed while adding partitions; read it again and retry.`);
    }
    throw err;
  }
  broker.topics.invalidate(topicName);
  return { ...topic, partitionsCount: totalCount };
}

async function putHeadIfAbsent(broker: Broker, item: Record<string, unknown>): Promise<void> {
  try {
    await broker.clients.ddb.send(
      new PutCommand({ TableName: broker.config.metadataTable, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  } catch (err) {
    if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
  }
}
