import { normalize } from '../assignment';
import type { Assignment } from '../types';
import type { Assignor } from './types';

/**
 * Kafka's RangeAssignor, per topic: the topic's subscribers sorted (static members by
 * group.instance.id, so a restart keeps its ranges, others by member id, as Kafka sorts them);
 * with P partitions and M subscribers, the first P % M members get ⌈P/M⌉ consecutive partitions
 * and the rest ⌊P/M⌋. Not sticky: a join or leave shifts the ranges.
 */
export const rangeAssignor: Assignor = ({ members, partitionsCount }) => {
  const out: Record<string, Assignment> = Object.fromEntries(members.map((m) => [m.memberId, {}]));
  const sortKey = (m: (typeof members)[number]) => m.instanceId ?? m.memberId;
  for (const topic of Object.keys(partitionsCount).sort()) {
    const subscribers = members.filter((m) => m.topics.includes(topic)).sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    if (subscribers.length === 0) continue;
    const total = partitionsCount[topic]!;
    const each = Math.floor(total / subscribers.length);
    const extra = total % subscribers.length;
    let next = 0;
    subscribers.forEach((m, i) => {
      const n = each + (i < extra ? 1 : 0);
      if (n > 0) out[m.memberId]![topic] = Array.from({ length: n }, (_, k) => next + k);
      next += n;
    });
  }
  for (const id of Object.keys(out)) out[id] = normalize(out[id]!);
  return out;
};
