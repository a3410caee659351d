import { BrookError } from '../errors';
import { validateTopicName } from '../metadata/topic-names';
import { parseAssignor } from './assignors';
import type { GroupSettings } from './settings';
import { compileSubscriptionRegex } from './subscription';
import { LEFT_STATIC_EPOCH, type Assignment, type AssignorName } from './types';
import type { IsolationLevel } from '../broker/fetch';

/** Kafka's ConsumerGroupHeartbeat request, in Brook's words (docs/GROUPS.md). */
export interface HeartbeatRequest {
  /** Empty (or a new id chosen by the client) with memberEpoch 0 to join. */
  memberId: string;
  /** 0 join, -1 leave, -2 leave for now (static members), else the member's current epoch. */
  memberEpoch: number;
  instanceId?: string;
  clientId?: string;
  host?: string;
  rebalanceTimeoutMs?: number;
  sessionTimeoutMs?: number;
  /** Absent: unchanged since the last heartbeat. */
  subscribedTopicNames?: string[];
  subscribedTopicRegex?: string;
  serverAssignor?: AssignorName;
  /** The partitions the member owns now. Absent: unknown, so revocations are not confirmed. */
  ownedPartitions?: Assignment;
  /** The member's isolation.level (Brook's field; lag is measured to the LSO for read_committed). Absent: unchanged. */
  isolationLevel?: IsolationLevel;
}

export interface HeartbeatResponse {
  memberId: string;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  /** The partitions the member should own now; any other it owns must be revoked. */
  assignment: Assignment;
}

const MEMBER_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const MAX_INT32 = 2 ** 31 - 1;
const invalid = (message: string) => new BrookError('INVALID_REQUEST', message);

/** Every mistake a heartbeat can hold, found before anything is read or written. */
export function validateHeartbeat(req: HeartbeatRequest, settings: GroupSettings): void {
  const { memberId, memberEpoch } = req;
  if (!Number.isInteger(memberEpoch) || memberEpoch < LEFT_STATIC_EPOCH) throw invalid(`member_epoch must be 0 (join), -1 (leave), -2 (static leave) or the member's epoch; got ${memberEpoch}.`);
  if (memberEpoch !== 0 && memberId === '') throw invalid('member_id is required unless member_epoch is 0 (join).');
  if (memberId !== '' && !MEMBER_ID.test(memberId)) throw invalid(`member_id must be 1 to 64 characters of letters, digits, '.', '_', ':' or '-'; got '${memberId}'.`);
  if (req.instanceId !== undefined && (req.instanceId.length === 0 || req.instanceId.length > 249 || /[\u0000-\u001f]/.test(req.instanceId))) {
    throw invalid('instance_id must be 1 to 249 printable characters.');
  }
  if (memberEpoch === LEFT_STATIC_EPOCH && req.instanceId === undefined) throw invalid('member_epoch -2 (static leave) needs the instance_id of a static member.');
  if (req.subscribedTopicNames !== undefined && req.subscribedTopicRegex !== undefined) {
    throw invalid('Send either subscribed_topic_names or subscribed_topic_regex, not both.');
  }
  if (memberEpoch === 0 && req.subscribedTopicNames === undefined && req.subscribedTopicRegex === undefined) {
    throw invalid('A joining member (member_epoch 0) must send subscribed_topic_names or subscribed_topic_regex.');
  }
  for (const name of req.subscribedTopicNames ?? []) validateTopicName(name);
  if (req.subscribedTopicRegex !== undefined) compileSubscriptionRegex(req.subscribedTopicRegex);
  if (req.serverAssignor !== undefined) parseAssignor(req.serverAssignor);
  if (req.isolationLevel !== undefined && req.isolationLevel !== 'read_committed' && req.isolationLevel !== 'read_uncommitted') {
    throw invalid(`isolation_level must be read_committed or read_uncommitted; got '${String(req.isolationLevel)}'.`);
  }
  const { sessionTimeoutMs: s, rebalanceTimeoutMs: r } = req;
  if (s !== undefined && (!Number.isInteger(s) || s < settings.minSessionTimeoutMs || s > settings.maxSessionTimeoutMs)) {
    throw new BrookError(
      'INVALID_SESSION_TIMEOUT',
      `session_timeout_ms must be from ${settings.minSessionTimeoutMs} to ${settings.maxSessionTimeoutMs} ms on this cluster; got ${s}.`,
    );
  }
  if (r !== undefined && (!Number.isInteger(r) || r < 1 || r > MAX_INT32)) throw invalid(`rebalance_timeout_ms must be from 1 to ${MAX_INT32}; got ${r}.`);
  for (const [topic, parts] of Object.entries(req.ownedPartitions ?? {})) {
    if (parts.some((p) => !Number.isInteger(p) || p < 0)) throw invalid(`owned_partitions of '${topic}' must be non-negative integers.`);
  }
}
