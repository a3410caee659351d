import type { Broker } from './context';
import type { TopicMeta } from '../groups/types';
import { listTopics } from '../metadata/topics';

const CACHE_MS = 5_000;
const cache = new WeakMap<Broker, { at: number; topics: TopicMeta[] }>();

/**
 * Every topic (name, id, partition count) for resolving subscriptions, cached for 5 s in a warm
 * process: a heartbeat that changes nothing does not read the topics. A heartbeat that would
 * change the group (or that sees the topics differ from the group's last assignment) asks for a
 * fresh list first, so a stale cache never rebalances a group back and forth.
 */
export async function topicsForGroups(broker: Broker, options: { fresh?: boolean } = {}): Promise<{ topics: TopicMeta[]; fresh: boolean }> {
  const hit = cache.get(broker);
  if (hit && !options.fresh && Date.now() - hit.at < CACHE_MS) return { topics: hit.topics, fresh: false };
  const topics = (await listTopics(broker)).map((t) => ({ topicName: t.topicName, topicId: t.topicId, partitionsCount: t.partitionsCount }));
  cache.set(broker, { at: Date.now(), topics });
  return { topics, fresh: true };
}
