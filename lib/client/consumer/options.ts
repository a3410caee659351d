// The consumer's options, with kafkajs's names where kafkajs has them and the Java client's
// (autoOffsetReset, rebalanceListener, groupInstanceId) where it does not.
import { KafkaJSNonRetriableError } from '../errors';
import type { Logger } from '../logger';
import type { RetryOptions } from '../retry';

export type TopicPartition = { topic: string; partition: number };
export type TopicPartitionOffset = TopicPartition & { offset: string };
export type TopicPartitionOffsetAndMetadata = TopicPartitionOffset & { metadata?: string | null };
export type OffsetReset = 'earliest' | 'latest' | 'none';
export type ServerAssignor = 'uniform' | 'range';

/** kafkajs's assigner names mapped to Brook's server-side assignors (assignment runs on the server). */
export const PartitionAssigners = { roundRobin: 'uniform', uniform: 'uniform', range: 'range' } as const;

/**
 * Java's ConsumerRebalanceListener. Each callback gets the partitions concerned and may be async;
 * the consumer waits for it. An error it throws is logged and the rebalance goes on.
 */
export interface RebalanceListener {
  /** Once the revoked partitions' in-flight processing finished and (with autoCommit) their positions were committed; they are still owned, so commitOffsets() works. */
  onPartitionsRevoked?(partitions: TopicPartition[]): Promise<void> | void;
  /** Before the new partitions are fetched, positions already set from the committed offsets; seek() here overrides them. */
  onPartitionsAssigned?(partitions: TopicPartition[]): Promise<void> | void;
  /** The partitions were lost (fenced, removed, poll interval exceeded): someone else may own them, commits fail. Defaults to onPartitionsRevoked, as in Java. */
  onPartitionsLost?(partitions: TopicPartition[]): Promise<void> | void;
}

export interface ConsumerConfig {
  /** Join this consumer group: partitions are assigned by the server, offsets committed to it. Without it, every partition is read and positions stay in memory. */
  groupId?: string;
  /** Long-poll wait when no partition has new records (≤ 20 000). Default 10 000 ms. */
  maxWaitTimeInMs?: number;
  /**
   * kafkajs's isolation switch: false (the default, as in kafkajs) reads committed records only —
   * up to the last stable offset, never a record of an aborted transaction; true reads everything.
   */
  readUncommitted?: boolean;
  /** Bytes in one fetch answer (≤ 4 MiB). Default 4 MiB. */
  maxBytes?: number;
  /** Bytes per partition in one fetch answer. Default 1 MiB. */
  maxBytesPerPartition?: number;
  retry?: RetryOptions;
  metadataMaxAge?: number;
  /** session.timeout.ms sent to the server; default: the cluster's (45 s unless configured). */
  sessionTimeout?: number;
  /** max.poll.interval.ms (kafkajs: rebalanceTimeout): the longest one eachMessage/eachBatch call may take before the consumer leaves the group, and the time the server gives it to revoke. Default 300 000. */
  rebalanceTimeout?: number;
  /** Same as rebalanceTimeout (the Java client's name); wins if both are given. */
  maxPollInterval?: number;
  /** Heartbeat interval until the server's first answer, which then sets it. Default 3 000 ms. */
  heartbeatInterval?: number;
  /** group.instance.id: a static member; a restart within the session timeout keeps its partitions. */
  groupInstanceId?: string;
  /** Where a partition without a committed offset starts: earliest, latest (default) or none (an error). subscribe({ fromBeginning }) overrides it per subscription. */
  autoOffsetReset?: OffsetReset;
  /** The server's assignor: uniform (default) or range. */
  serverAssignor?: ServerAssignor;
  /** kafkajs's option; only PartitionAssigners.roundRobin / .range (this SDK's) mean something here: assignment runs on the server. */
  partitionAssigners?: unknown[];
  rebalanceListener?: RebalanceListener;
  /** client.id shown by describe and lag. Default 'brook'. */
  clientId?: string;
}

export interface GroupOptions {
  groupId: string;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  instanceId?: string;
  serverAssignor?: ServerAssignor;
  listener: RebalanceListener;
  clientId: string;
  /** Sent with every heartbeat, so the group's lag is measured to the last stable offset for read_committed (docs/GROUPS.md). */
  isolationLevel: 'read_committed' | 'read_uncommitted';
}

const positive = (name: string, v: number | undefined) => {
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new KafkaJSNonRetriableError(`${name} must be a positive integer (ms); got ${String(v)}`);
  return v;
};

export function groupOptions(c: ConsumerConfig, logger: Logger): GroupOptions | undefined {
  if (c.groupId === undefined) return undefined;
  if (typeof c.groupId !== 'string' || c.groupId === '') throw new KafkaJSNonRetriableError('groupId must be a non-empty string');
  if (c.autoOffsetReset !== undefined && !['earliest', 'latest', 'none'].includes(c.autoOffsetReset)) {
    throw new KafkaJSNonRetriableError(`autoOffsetReset must be earliest, latest or none; got ${String(c.autoOffsetReset)}`);
  }
  let assignor = c.serverAssignor;
  for (const a of c.partitionAssigners ?? []) {
    if (a === 'uniform' || a === 'range') assignor ??= a;
    else logger.warn('partitionAssigners: Brook assigns partitions on the server; use serverAssignor (uniform or range). Ignored.', { groupId: c.groupId });
  }
  return {
    groupId: c.groupId,
    sessionTimeoutMs: positive('sessionTimeout', c.sessionTimeout),
    rebalanceTimeoutMs: positive('maxPollInterval', c.maxPollInterval ?? c.rebalanceTimeout) ?? 300_000,
    heartbeatIntervalMs: positive('heartbeatInterval', c.heartbeatInterval) ?? 3_000,
    instanceId: c.groupInstanceId,
    serverAssignor: assignor,
    listener: c.rebalanceListener ?? {},
    clientId: c.clientId ?? 'brook',
    isolationLevel: c.readUncommitted ? 'read_uncommitted' : 'read_committed',
  };
}
