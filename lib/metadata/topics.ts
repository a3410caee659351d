import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './query-pages';
import type { Broker } from '../broker/context';
import { BrookError } from '../errors';
import { TOPICS_PK, topicKey } from './keys';
import { isLegalTopicName } from './topic-names';
import type { TopicItem } from './types';

const toTopic = (item: Record<string, unknown>): TopicItem => ({
  topicName: item.sk as string,
  topicId: item.topicId as string,
  partitionsCount: item.partitionsCount as number,
  configs: (item.configs as Record<string, string>) ?? {},
  createdAt: item.createdAt as number,
});

export async function findTopic(broker: Pick<Broker, 'config' | 'clients'>, name: string): Promise<TopicItem | undefined> {
  // A name no topic can have is not looked up (DynamoDB refuses sort keys over 1,024 bytes).
  if (!isLegalTopicName(name)) return undefined;
  const { Item } = await broker.clients.ddb.send(
    new GetCommand({ TableName: broker.config.metadataTable, Key: topicKey(name), ConsistentRead: true }),
  );
  return Item ? toTopic(Item) : undefined;
}

export async function getTopic(broker: Broker, name: string): Promise<TopicItem> {
  const topic = await findTopic(broker, name);
  if (!topic) throw new BrookError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${name}' does not exist.`);
  return topic;
}

/** All topics, sorted by name: one Query of the "topics" partition key, paged. */
export async function listTopics(broker: Broker): Promise<TopicItem[]> {
  const items = await queryAll(broker.clients.ddb, {
    TableName: broker.config.metadataTable,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': TOPICS_PK },
  });
  return items.map(toTopic);
}
