import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Broker } from './context';
import { BrookError } from '../errors';
import { topicKey } from '../metadata/keys';
import { TOPIC_CONFIGS, validateTopicConfigs } from '../metadata/topic-configs';
import { getTopic } from '../metadata/topics';

export interface ConfigChange {
  name: string;
  value?: string | null;
  operation?: 'SET' | 'DELETE';
}

/**
 * Kafka's IncrementalAlterConfigs for a topic: SET a value or DELETE it (back to the default).
 * Every change is validated before any is written; the write is conditioned on the topic id, so
 * a topic deleted and created again meanwhile is not altered by mistake.
 */
export async function alterTopicConfigs(broker: Broker, topicName: string, changes: ConfigChange[], validateOnly = false): Promise<Record<string, string>> {
  const names = changes.map((c) => c.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) throw new BrookError('INVALID_REQUEST', `Config '${repeated}' appears more than once; give each config once.`);
  const topic = await getTopic(broker, topicName);
  const configs = { ...topic.configs };
  for (const c of changes) {
    const op = c.operation ?? 'SET';
    if (op === 'DELETE') delete configs[c.name];
    else if (c.value === null || c.value === undefined) throw new BrookError('INVALID_CONFIG', `Config '${c.name}' needs a value to SET; use operation DELETE to restore its default.`);
    else configs[c.name] = String(c.value);
  }
  validateTopicConfigs(Object.fromEntries(changes.map((c) => [c.name, configs[c.name] ?? defaultOf(c.name)])));
  if (validateOnly) return configs;
  try {
    await broker.clients.ddb.send(
      new UpdateCommand({
        TableName: broker.config.metadataTable,
        Key: topicKey(topicName),
        UpdateExpression: 'SET configs = :c',
        ConditionExpression: 'topicId = :id',
        ExpressionAttributeValues: { ':c': configs, ':id': topic.topicId },
      }),
    );
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') throw new BrookError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topicName}' was deleted meanwhile.`);
    throw err;
  }
  broker.topics.invalidate(topicName);
  return configs;
}

const defaultOf = (name: string) => TOPIC_CONFIGS[name]?.default ?? '';
