import { normalize } from '../assignment';
import type { Assignment } from '../types';
import type { Assignor } from './types';

const key = (topic: string, p: number) => `${topic}\u0000${p}`;

/**
 * The uniform assignor (Kafka's UniformAssignor goals): balanced partition counts, sticky.
 * 1. Keep every partition of the previous target whose member still subscribes to its topic.
 * 2. Give each unowned partition to the subscriber with the fewest partitions.
 * 3. Move partitions from a member to a subscriber that has at least two fewer, until none can
 *    move. With identical subscriptions the counts then differ by at most one, and only the
 *    surplus moved; with mixed subscriptions the result is a greedy balance.
 * Ties go to the lowest member id, so every server computes the same target from the same input.
 */
export const uniformAssignor: Assignor = ({ members, partitionsCount, previous }) => {
  const ids = members.map((m) => m.memberId).sort();
  const subscribers = new Map<string, string[]>();
  for (const topic of Object.keys(partitionsCount)) {
    subscribers.set(topic, ids.filter((id) => members.find((m) => m.memberId === id)!.topics.includes(topic)));
  }
  const owner = new Map<string, string>();
  const counts = new Map(ids.map((id) => [id, 0]));
  const give = (topic: string, p: number, id: string) => {
    const was = owner.get(key(topic, p));
    if (was !== undefined) counts.set(was, counts.get(was)! - 1);
    owner.set(key(topic, p), id);
    counts.set(id, counts.get(id)! + 1);
  };
  const fewest = (topic: string) => subscribers.get(topic)!.reduce((best, id) => (counts.get(id)! < counts.get(best)! ? id : best));

  for (const id of ids) {
    for (const [topic, parts] of Object.entries(previous[id] ?? {})) {
      if (!subscribers.get(topic)?.includes(id)) continue;
      for (const p of parts) if (p < partitionsCount[topic]! && !owner.has(key(topic, p))) give(topic, p, id);
    }
  }
  const all = Object.keys(partitionsCount)
    .sort()
    .filter((topic) => subscribers.get(topic)!.length > 0)
    .flatMap((topic) => Array.from({ length: partitionsCount[topic]! }, (_, p) => [topic, p] as const));
  for (const [topic, p] of all) if (!owner.has(key(topic, p))) give(topic, p, fewest(topic));
  for (let moved = true; moved; ) {
    moved = false;
    for (const [topic, p] of all) {
      const from = owner.get(key(topic, p))!;
      const to = fewest(topic);
      if (counts.get(from)! - counts.get(to)! >= 2) {
        give(topic, p, to);
        moved = true;
      }
    }
  }

  const out: Record<string, Assignment> = Object.fromEntries(ids.map((id) => [id, {}]));
  for (const [topic, p] of all) (out[owner.get(key(topic, p))!]![topic] ??= []).push(p);
  for (const id of ids) out[id] = normalize(out[id]!);
  return out;
};
