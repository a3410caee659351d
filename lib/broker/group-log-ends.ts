import type { Broker } from './context';
import type { IsolationLevel } from './fetch';
import { BrookError } from '../errors';
import type { LagEnd } from '../groups/lag';
import { getHeads } from '../metadata/heads';
import type { PartitionHead } from '../metadata/types';
import { getStableHead } from '../transactions/stable-head';

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

/**
 * Where each partition's lag is measured to: the high watermark (read_uncommitted, from
 * headsOf's BatchGetItem per topic) or the last stable offset (read_committed: 1 GetItem each,
 * getStableHead, 16 at a time). Partitions of topics deleted since their commit are left out.
 */
export async function lagEndsOf(broker: Broker, partitions: Array<{ topic: string; partition: number; isolationLevel: IsolationLevel }>): Promise<Map<string, LagEnd>> {
  const out = new Map<string, LagEnd>();
  const plain = partitions.filter((p) => p.isolationLevel !== 'read_committed');
  for (const [k, h] of await headsOf(broker, plain.map((p) => [p.topic, p.partition]), true)) out.set(k, { offset: h.nextOffset, isolationLevel: 'read_uncommitted' });
  const committed = partitions.filter((p) => p.isolationLevel === 'read_committed');
  for (let i = 0; i < committed.length; i += 16) {
    await Promise.all(
      committed.slice(i, i + 16).map(async ({ topic, partition }) => {
        try {
          const meta = await broker.topics.forPartition(topic, partition);
          const h = await getStableHead(broker, topic, meta.topicId, partition);
          out.set(`${topic}#${partition}`, { offset: h.lastStableOffset, isolationLevel: 'read_committed' });
        } catch (err) {
          if ((err as BrookError).errorName !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
        }
      }),
    );
  }
  return out;
}
