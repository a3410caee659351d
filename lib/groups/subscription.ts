import { BrookError } from '../errors';
import type { GroupMember, GroupState, TopicMeta } from './types';

export const MAX_REGEX_LENGTH = 1000;

/** Kafka matches a subscription regex against the whole topic name (RE2J `matches()`). */
export function compileSubscriptionRegex(source: string): RegExp {
  if (source.length === 0 || source.length > MAX_REGEX_LENGTH) {
    throw new BrookError('INVALID_REGULAR_EXPRESSION', `subscribed_topic_regex must be 1 to ${MAX_REGEX_LENGTH} characters long.`);
  }
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (err) {
    throw new BrookError('INVALID_REGULAR_EXPRESSION', `subscribed_topic_regex '${source}' is not a valid regular expression: ${(err as Error).message}`);
  }
}

/** The existing topics a member subscribes to, by name or by regex, sorted. */
export function memberTopics(member: Pick<GroupMember, 'subscribedTopicNames' | 'subscribedTopicRegex'>, topics: TopicMeta[]): string[] {
  if (member.subscribedTopicRegex !== undefined) {
    const re = compileSubscriptionRegex(member.subscribedTopicRegex);
    return topics.filter((t) => re.test(t.topicName)).map((t) => t.topicName).sort();
  }
  const names = new Set(member.subscribedTopicNames ?? []);
  return topics.filter((t) => names.has(t.topicName)).map((t) => t.topicName).sort();
}

/** Every topic some member subscribes to, as the assignment needs it: name → id and partition count. */
export function subscribedTopicsOf(group: GroupState, topics: TopicMeta[]): GroupState['subscribedTopics'] {
  const byName = new Map(topics.map((t) => [t.topicName, t]));
  const out: GroupState['subscribedTopics'] = {};
  for (const m of Object.values(group.members)) {
    for (const name of memberTopics(m, topics)) {
      const t = byName.get(name)!;
      out[name] = { topicId: t.topicId, partitionsCount: t.partitionsCount };
    }
  }
  return out;
}

export const sameSubscription = (m: GroupMember, names: string[] | undefined, regex: string | undefined) =>
  JSON.stringify([...(m.subscribedTopicNames ?? [])].sort()) === JSON.stringify([...(names ?? [])].sort()) && m.subscribedTopicRegex === regex;
