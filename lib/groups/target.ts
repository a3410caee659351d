import { ASSIGNOR_IMPLEMENTATIONS } from './assignors';
import { memberTopics } from './subscription';
import type { Assignment, GroupState, TopicMeta } from './types';

/** The target assignment for the group as it is now: its assignor over the subscribed topics' partitions. */
export function computeTarget(g: GroupState, topics: TopicMeta[]): Record<string, Assignment> {
  const known = topics.filter((t) => g.subscribedTopics[t.topicName] !== undefined);
  const members = Object.values(g.members).map((m) => ({ memberId: m.memberId, instanceId: m.instanceId, topics: memberTopics(m, known) }));
  const partitionsCount = Object.fromEntries(Object.entries(g.subscribedTopics).map(([name, t]) => [name, t.partitionsCount]));
  return ASSIGNOR_IMPLEMENTATIONS[g.assignor]({ members, partitionsCount, previous: g.targetAssignment });
}
