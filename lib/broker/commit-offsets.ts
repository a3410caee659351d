import type { Broker } from './context';
import { headsOf } from './group-log-ends';
import { requireEmptyGroup } from './group-settle';
import { BrookError } from '../errors';
import { checkCommitter, checkSimpleCommit, MAX_OFFSET_METADATA_LENGTH } from '../groups/commit-check';
import { validateGroupId } from '../groups/group-id';
import { resolveOptions, type GroupOptions } from '../groups/settings';
import { readGroup } from '../metadata/group-store';
import { writeGroupOffsets, type OffsetToWrite } from '../metadata/offset-store';

export interface OffsetCommitRequest {
  /** A member commits with its id and epoch; without them the group must have no members (a simple group). */
  memberId?: string;
  memberEpoch?: number;
  offsets: Array<{ topic: string; partition: number; offset: number; metadata?: string | null }>;
}

export const MAX_COMMIT_PARTITIONS = 10_000;
const invalid = (message: string) => new BrookError('INVALID_REQUEST', message);

/**
 * Kafka's OffsetCommit. Every check happens before anything is written; the membership check is
 * atomic with the write (a ConditionCheck on the group item's version in each transaction).
 * Offsets must be from 0 to the partition's log end offset: Kafka accepts any offset, but one
 * past the log end can only be a client bug, and refusing it costs nothing more than the head
 * read that the Burrow window needs anyway (the log end at commit time).
 * Requests: 1 Query (group) + 1 BatchGetItem per topic + 1 TransactWriteItems per 98 offsets.
 */
export async function commitOffsets(broker: Broker, groupId: string, req: OffsetCommitRequest, options?: GroupOptions): Promise<OffsetToWrite[]> {
  const { now, settings } = resolveOptions(options);
  validateGroupId(groupId);
  const member = req.memberId !== undefined && req.memberId !== '';
  if (member && (req.memberEpoch === undefined || req.memberEpoch < 0)) throw invalid('member_epoch (the epoch of the last heartbeat answer) is required with member_id.');
  if (!member && req.memberEpoch !== undefined && req.memberEpoch >= 0) throw invalid('member_id is required with member_epoch; omit both to commit for a group without members.');
  if (req.offsets.length === 0 || req.offsets.length > MAX_COMMIT_PARTITIONS) throw invalid(`offsets must hold 1 to ${MAX_COMMIT_PARTITIONS} partitions; got ${req.offsets.length}.`);
  const seen = new Set<string>();
  for (const o of req.offsets) {
    const k = `${o.topic}#${o.partition}`;
    if (seen.has(k)) throw invalid(`Partition ${o.partition} of '${o.topic}' appears twice in offsets.`);
    seen.add(k);
    if (!Number.isSafeInteger(o.offset) || o.offset < 0) throw invalid(`offset of ${o.topic}-${o.partition} must be a non-negative integer; got ${o.offset}.`);
    if ((o.metadata?.length ?? 0) > MAX_OFFSET_METADATA_LENGTH) {
      throw new BrookError('OFFSET_METADATA_TOO_LARGE', `metadata of ${o.topic}-${o.partition} is ${o.metadata!.length} characters; the limit is ${MAX_OFFSET_METADATA_LENGTH}.`);
    }
  }
  const partitions = req.offsets.map((o) => [o.topic, o.partition] as [string, number]);
  const heads = await headsOf(broker, partitions);
  const offsets: OffsetToWrite[] = req.offsets.map((o) => {
    const logEndOffset = heads.get(`${o.topic}#${o.partition}`)!.nextOffset;
    if (o.offset > logEndOffset) {
      throw new BrookError('OFFSET_OUT_OF_RANGE', `Cannot commit offset ${o.offset} for ${o.topic}-${o.partition}: its log end offset is ${logEndOffset} (the next offset to consume is at most the log end).`);
    }
    return { topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata ?? null, logEndOffset };
  });

  const partial = (err: unknown, written: number) => {
    if (written > 0 && err instanceof BrookError) err.message += ` The first ${written} of ${offsets.length} offsets were committed before.`;
    return err;
  };
  if (member) {
    const { group } = await readGroup(broker, groupId);
    const guard = (g: Parameters<typeof checkCommitter>[0], written: number) => {
      try {
        checkCommitter(g, groupId, req.memberId!, req.memberEpoch!, partitions);
      } catch (err) {
        throw partial(err, written);
      }
    };
    guard(group, 0);
    await writeGroupOffsets(broker, groupId, group, offsets, now, settings, guard);
  } else {
    const refuse = () => new BrookError('UNKNOWN_MEMBER_ID', `Group '${groupId}' has members; only its members may commit, with their member_id and member_epoch.`);
    const { group } = await requireEmptyGroup(broker, groupId, now, refuse);
    await writeGroupOffsets(broker, groupId, group, offsets, now, settings, (g, written) => {
      try {
        checkSimpleCommit(g, groupId);
      } catch (err) {
        throw partial(err, written);
      }
    });
  }
  return offsets;
}
