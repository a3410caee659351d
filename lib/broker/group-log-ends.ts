import type { Broker } from './context';
import { BrookError } from '../errors';
import { getHeads } from '../metadata/heads';
import type { PartitionHead } from '../metadata/types';

/**
 * The heads of the given partitions, by topic: 1 BatchGetItem per topic and 100 partitions
 * (plus a topic read when the topic cache is cold). Unknown topics and partitions are
 * UNKNOWN_TOPIC_OR_PARTITION, unless `skipMissing` (a committed topic deleted since).
 */
export async function headsOf(broker: Broker, partitions: Array<[string, number]>, skipMissing = false): Promise<Map<string, PartitionHead>> {
  const byTopic = new Map<string, number[]>();
  for (const [t, p] of partitions) byTopic.set(t, [...(byTopic.get(t) ?? []), p]);
  const out = new Map<string, PartitionHead>();
  await Promise.all(
    [...byTopic].map(async ([topic, parts]) => {
      try {
        const meta = await broker.topics.forPartition(topic, Math.max(...parts));
        for (const h of await getHeads(broker, meta.topicId, [...new Set(parts)])) out.set(`${topic}#${h.partition}`, h);
      } catch (err) {
        if (!(skipMissing && (err as BrookError).errorName === 'UNKNOWN_TOPIC_OR_PARTITION')) throw err;
      }
    }),
  );
  if (!skipMissing) {
    const missing = partitions.find(([t, p]) => !out.has(`${t}#${p}`));
    if (missing) throw new BrookError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${missing[1]} of topic '${missing[0]}' does not exist.`);
  }
  return out;
}
