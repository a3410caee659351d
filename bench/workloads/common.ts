import { createBroker } from '../../lib/broker/context';
import { findTopic } from '../../lib/metadata/topics';
import type { BenchEnv } from '../harness';
import { httpOk } from '../http';

/** How long each measured cell runs: --quick keeps the whole run near a minute. */
export interface Budget {
  name: 'quick' | 'full';
  produceCellMs: number;
  fetchCellMs: number;
  minOps: number;
  maxOps: number;
  e2eSamples: number;
  /** A real long-poll wait: the API's maximum, 20 s, in both modes. */
  idleWaitMs: number;
}

export async function createTopic(env: BenchEnv, name: string, partitions: number): Promise<void> {
  await httpOk(`${env.warmUrl}${env.clusterPath}/topics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic_name: name, partitions_count: partitions }),
    scope: 'setup',
  });
}

export async function topicIdOf(env: BenchEnv, name: string): Promise<string> {
  const topic = await env.accounting.run('setup', () => findTopic(createBroker(env.config, env.clients), name));
  if (!topic) throw new Error(`topic ${name} is missing`);
  return topic.topicId;
}

export const sizeLabel = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`);
