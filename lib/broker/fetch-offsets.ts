import type { Broker } from './context';
import { validateGroupId } from '../groups/group-id';
import { readOffsets } from '../metadata/offset-store';

export interface FetchedOffset {
  topic: string;
  partition: number;
  /** -1 when the group has no committed offset for the partition (the consumer then applies auto.offset.reset). */
  committedOffset: number;
  metadata: string | null;
  commitTimestamp: number | null;
}

/**
 * Kafka's OffsetFetch: the committed offset of every partition of the given topics (-1 where none
 * was committed), or of every partition the group committed when no topic is given. Like Kafka,
 * an unknown group is not an error: its offsets are all -1. 1 Query (+ topic reads on a cold cache).
 */
export async function fetchOffsets(broker: Broker, groupId: string, topics?: string[]): Promise<FetchedOffset[]> {
  validateGroupId(groupId);
  const metas = topics === undefined ? undefined : await Promise.all([...new Set(topics)].sort().map((t) => broker.topics.get(t)));
  const committed = await readOffsets(broker, groupId);
  const found = (c: (typeof committed)[number]): FetchedOffset => ({
    topic: c.topic,
    partition: c.partition,
    committedOffset: c.committedOffset,
    metadata: c.metadata,
    commitTimestamp: c.commitTimestamp,
  });
  if (!metas) return committed.map(found);
  const byKey = new Map(committed.map((c) => [`${c.topic}#${c.partition}`, c]));
  return metas.flatMap((t) =>
    Array.from({ length: t.partitionsCount }, (_, p) => {
      const c = byKey.get(`${t.topicName}#${p}`);
      return c ? found(c) : { topic: t.topicName, partition: p, committedOffset: -1, metadata: null, commitTimestamp: null };
    }),
  );
}
