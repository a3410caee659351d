import type { Broker } from './context';
import { headsOf } from './group-log-ends';
import { requireEmptyGroup } from './group-settle';
import { offsetForTimestamp } from './list-offsets';
import { BrookError } from '../errors';
import { validateGroupId } from '../groups/group-id';
import { viewGroup } from '../groups/group-state';
import { resolveOptions, type GroupOptions } from '../groups/settings';
import type { GroupState } from '../groups/types';
import { readGroup } from '../metadata/group-store';
import { readOffsets, writeGroupOffsets } from '../metadata/offset-store';

export type ResetStrategy =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'datetime'; timestamp: number }
  | { kind: 'shift'; by: number }
  | { kind: 'offset'; offset: number };

export interface ResetRequest {
  /** Topics, each with all its partitions or the ones listed; or every topic the group has offsets for. */
  topics?: Array<{ topic: string; partitions?: number[] }>;
  allTopics?: boolean;
  strategy: ResetStrategy;
  /** false: a dry run, which only says what would be written (kafka-consumer-groups.sh without --execute). */
  execute: boolean;
}

export interface ResetPlanEntry {
  topic: string;
  partition: number;
  /** -1 when the group had no committed offset. */
  previousOffset: number;
  newOffset: number;
  logStartOffset: number;
  logEndOffset: number;
}

const refuse = (g: GroupState, live: string[]) =>
  new BrookError('NON_EMPTY_GROUP', `Offsets can only be reset while group '${g.groupId}' has no members; it has ${live.length} (stop its consumers, or wait for their session timeout).`);

/**
 * kafka-consumer-groups.sh --reset-offsets: to the earliest or latest offset, the first offset at
 * or after a time, a shift from the committed offset, or a given offset — clamped to
 * [log start, log end] as Kafka does. Refused while the group has members, dry run included (as
 * Kafka does). A dry run reads only; an executed reset writes like a simple commit.
 */
export async function resetOffsets(broker: Broker, groupId: string, req: ResetRequest, options?: GroupOptions): Promise<ResetPlanEntry[]> {
  const { now, settings } = resolveOptions(options);
  validateGroupId(groupId);
  const s = req.strategy;
  if ((req.topics === undefined) === !req.allTopics) throw new BrookError('INVALID_REQUEST', 'Give either topics or all_topics: true.');
  if (req.topics?.length === 0) throw new BrookError('INVALID_REQUEST', 'topics must name at least one topic.');
  if (s.kind === 'shift' && !Number.isSafeInteger(s.by)) throw new BrookError('INVALID_REQUEST', 'shift_by must be an integer.');
  if (s.kind === 'offset' && !(Number.isSafeInteger(s.offset) && s.offset >= 0)) throw new BrookError('INVALID_REQUEST', 'to_offset must be a non-negative integer.');
  if (s.kind === 'datetime' && !(Number.isSafeInteger(s.timestamp) && s.timestamp >= 0)) throw new BrookError('INVALID_TIMESTAMP', 'to_datetime must be an ISO-8601 time or epoch milliseconds.');

  const read = await readGroup(broker, groupId);
  if (read.group) {
    const live = Object.keys(viewGroup(read.group, read.liveness, now).group.members);
    if (live.length > 0) throw refuse(read.group, live);
  }
  const committed = await readOffsets(broker, groupId);
  let partitions: Array<[string, number]>;
  if (req.topics) {
    partitions = [];
    for (const { topic, partitions: listed } of req.topics) {
      const meta = await broker.topics.get(topic);
      const chosen = listed ?? Array.from({ length: meta.partitionsCount }, (_, p) => p);
      partitions.push(...[...new Set(chosen)].sort((a, b) => a - b).map((p) => [topic, p] as [string, number]));
    }
  } else {
    partitions = committed.map((c) => [c.topic, c.partition]);
  }
  const heads = await headsOf(broker, partitions, !req.topics);
  partitions = partitions.filter(([t, p]) => heads.has(`${t}#${p}`));
  const previous = new Map(committed.map((c) => [`${c.topic}#${c.partition}`, c.committedOffset]));
  const noCommit = s.kind === 'shift' ? partitions.filter(([t, p]) => !previous.has(`${t}#${p}`)) : [];
  if (noCommit.length > 0) {
    throw new BrookError('INVALID_REQUEST', `shift_by needs a committed offset to shift from; none for ${noCommit.slice(0, 5).map(([t, p]) => `${t}-${p}`).join(', ')}.`);
  }

  const plan: ResetPlanEntry[] = [];
  for (const [topic, partition] of partitions) {
    const head = heads.get(`${topic}#${partition}`)!;
    const clamp = (o: number) => Math.min(Math.max(o, head.logStartOffset), head.nextOffset);
    const prev = previous.get(`${topic}#${partition}`) ?? -1;
    const newOffset =
      s.kind === 'earliest' ? head.logStartOffset
      : s.kind === 'latest' ? head.nextOffset
      : s.kind === 'shift' ? clamp(prev + s.by)
      : s.kind === 'offset' ? clamp(s.offset)
      : ((await offsetForTimestamp(broker, topic, partition, s.timestamp))?.offset ?? head.nextOffset);
    plan.push({ topic, partition, previousOffset: prev, newOffset, logStartOffset: head.logStartOffset, logEndOffset: head.nextOffset });
  }
  if (!req.execute || plan.length === 0) return plan;

  const { group } = await requireEmptyGroup(broker, groupId, now, refuse);
  const offsets = plan.map((e) => ({ topic: e.topic, partition: e.partition, offset: e.newOffset, metadata: null, logEndOffset: e.logEndOffset }));
  await writeGroupOffsets(broker, groupId, group, offsets, now, settings, (g) => {
    if (g && Object.keys(g.members).length > 0) throw refuse(g, Object.keys(g.members));
  });
  return plan;
}
