import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Broker } from './context';
import { BrookError } from '../errors';
import { batchWrite } from '../metadata/batch-write';
import { headKey, topicKey } from '../metadata/keys';
import { validateTopicConfigs } from '../metadata/topic-configs';
import { validateTopicName } from '../metadata/topic-names';
import { findTopic } from '../metadata/topics';
import type { TopicItem } from '../metadata/types';

export const MAX_PARTITIONS = 1000;
export const DEFAULT_PARTITIONS = 1; // Kafka's num.partitions

export interface CreateTopicRequest {
  topicName: string;
  partitionsCount?: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
  validateOnly?: boolean;
}

export function validatePartitionsCount(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_PARTITIONS) {
    throw new BrookError('INVALID_PARTITIONS', `partitions_count must be an integer from 1 to ${MAX_PARTITIONS}; got ${count}.`);
  }
}

export const newHeadItem = (topic: TopicItem, partition: number, now: number) => ({
  ...headKey(topic.topicId, partition),
  topicId: topic.topicId,
  topicName: topic.topicName,
  partition,
  nextOffset: 0,
  publishedThrough: 0,
  logStartOffset: 0,
  leaderEpoch: 0,
  createdAt: now,
});

/**
 * Heads are written first under the new topic id (invisible until the topic item exists), then
 * the topic item on condition that the name is free: a crash in between leaves only unreachable
 * heads, never a topic without partitions.
 */
export async function createTopic(broker: Broker, req: CreateTopicRequest): Promise<TopicItem> {
  validateTopicName(req.topicName);
  const partitionsCount = req.partitionsCount ?? DEFAULT_PARTITIONS;
  validatePartitionsCount(partitionsCount);
  const rf = req.replicationFactor;
  if (rf !== undefined && rf !== -1 && !(Number.isInteger(rf) && rf >= 1 && rf <= 3)) {
    throw new BrookError('INVALID_REPLICATION_FACTOR', `replication_factor must be -1 or 1 to 3; got ${rf}. Brook's durability comes from S3 and DynamoDB, which keep 3 copies.`);
  }
  const configs = Object.fromEntries(Object.entries(req.configs ?? {}).map(([k, v]) => [k, String(v)]));
  validateTopicConfigs(configs);
  const exists = () => new BrookError('TOPIC_ALREADY_EXISTS', `Topic '${req.topicName}' already exists.`);
  if (await findTopic(broker, req.topicName)) throw exists();
  const now = Date.now();
  const topic: TopicItem = { topicName: req.topicName, topicId: randomUUID(), partitionsCount, configs, createdAt: now };
  if (req.validateOnly) return topic;

  const { ddb } = broker.clients;
  const table = broker.config.metadataTable;
  const heads = Array.from({ length: partitionsCount }, (_, p) => ({ PutRequest: { Item: newHeadItem(topic, p, now) } }));
  await batchWrite(ddb, table, heads);
  try {
    await ddb.send(
      new PutCommand({
        TableName: table,
        Item: { ...topicKey(topic.topicName), topicId: topic.topicId, partitionsCount, configs, createdAt: now },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') throw exists();
    throw err;
  }
  return topic;
}
