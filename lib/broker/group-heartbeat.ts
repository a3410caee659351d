import { randomUUID } from 'node:crypto';
import type { Broker } from './context';
import { topicsForGroups } from './group-topics';
import { writeGroup } from './group-write';
import { validateGroupId } from '../groups/group-id';
import { applyHeartbeat } from '../groups/heartbeat';
import { validateHeartbeat, type HeartbeatRequest, type HeartbeatResponse } from '../groups/heartbeat-request';
import { resolveOptions, type GroupOptions } from '../groups/settings';
import { putLiveness, readGroup, type GroupRead } from '../metadata/group-store';

/**
 * Kafka's ConsumerGroupHeartbeat (KIP-848), over DynamoDB:
 *   1 consistent Query (group item + liveness items)
 *   + 1 PutItem of the member's liveness item            when nothing changed (the steady state)
 *   or 1 TransactWriteItems (group item on condition of its version, the liveness item,
 *     deletes of departed members' liveness items)        when something changed
 * A change of the group epoch also reads the topic list once (cached 5 s otherwise). The decision itself is the pure
 * function applyHeartbeat (lib/groups/heartbeat.ts); conflicts re-run it on the winner's state.
 */
export async function groupHeartbeat(broker: Broker, groupId: string, req: HeartbeatRequest, options?: GroupOptions): Promise<HeartbeatResponse> {
  const { now, settings } = resolveOptions(options);
  validateGroupId(groupId);
  validateHeartbeat(req, settings);
  const newMemberId = randomUUID();
  let { topics, fresh } = await topicsForGroups(broker);
  const read = await readGroup(broker, groupId);

  const decide = async (r: GroupRead) => {
    let o = applyHeartbeat({ groupId, group: r.group, liveness: r.liveness, req, now, topics, settings, newMemberId });
    if (o.bumped && !fresh) {
      // About to recompute the target (or the topics seem to have changed): decide on the
      // current topics, not a cached list, so a stale cache never moves partitions back and forth.
      ({ topics, fresh } = await topicsForGroups(broker, { fresh: true }));
      o = applyHeartbeat({ groupId, group: r.group, liveness: r.liveness, req, now, topics, settings, newMemberId });
    }
    return { write: o.write ? { group: o.group, expired: o.expired, dropped: o.dropped, heartbeatOf: o.heartbeatOf, now } : undefined, result: o };
  };
  const { result, written } = await writeGroup(broker, read, decide, `heartbeat of group '${groupId}'`);
  if (!written && result.heartbeatOf) await putLiveness(broker, groupId, result.heartbeatOf, now);
  return result.response;
}
