// Group membership (KIP-848, docs/GROUPS.md): join with epoch 0, heartbeat on the server's interval
// reporting the partitions owned, follow the assignment each answer carries (rebalance.ts), and
// recover from being fenced by dropping everything and joining again. Also the poll timer: a
// handler running longer than maxPollInterval makes the member leave until it returns.
import { randomUUID } from 'node:crypto';
import { KafkaJSProtocolError, shouldRetry } from '../errors';
import type { HttpClient } from '../http';
import { backoff } from '../retry';
import { HeartbeatTimer, ownedField, sendHeartbeat, subscriptionFields } from './heartbeat';
import { GroupOffsets, type MemberRef, type OffsetToCommit } from './offsets';
import type { GroupOptions, RebalanceListener, TopicPartition } from './options';
import { reconcile, type Rebalance } from './rebalance';
import { PollTimer } from './poll-timer';
import type { Subscription } from './subscription';

export type GroupEvent = 'GROUP_JOIN' | 'HEARTBEAT' | 'REBALANCING' | 'COMMIT_OFFSETS';

export interface MemberHooks {
  /** Cut the poll loop's long poll or idle wait short: what to fetch changed. */
  interrupt(): void;
  /** A group error nothing can cure (FENCED_INSTANCE_ID, a refused subscription, …). */
  crash(err: unknown): void;
  emit(event: GroupEvent, payload: Record<string, unknown>): void;
  /** Whether run() asked for autoCommit. */
  autoCommit(): boolean;
}

/** Answers after which the member drops every partition without committing and joins again. */
const FENCED = new Set(['UNKNOWN_MEMBER_ID', 'FENCED_MEMBER_EPOCH', 'GROUP_ID_NOT_FOUND']);

export class GroupMember implements MemberRef {
  readonly offsets: GroupOffsets;
  private id: string = randomUUID(); // KIP-1082: the client picks its id, so a retried join is the same member
  private memberEpoch = 0;
  private intervalMs: number;
  private target?: TopicPartition[];
  /** Bumped whenever every partition is lost: a rebalance step that began before stops. */
  private generation = 0;
  private reconciling?: Promise<void>;
  private stale = false;
  private closing = false;
  private failures = 0;
  private readonly pollTimer: PollTimer;
  private readonly timer = new HeartbeatTimer(() => this.beat());

  constructor(
    private readonly http: HttpClient,
    private readonly o: GroupOptions,
    private readonly sub: Subscription,
    private readonly hooks: MemberHooks,
  ) {
    this.intervalMs = o.heartbeatIntervalMs;
    this.pollTimer = new PollTimer(o.rebalanceTimeoutMs, () => this.caughtUp());
    this.offsets = new GroupOffsets(http, o.groupId, this, (offsets) => this.emitCommit(offsets));
  }

  memberId = () => this.id;
  epoch = () => this.memberEpoch;
  heartbeatNow = () => this.timer.now();
  fenced(reason: string): void {
    void this.lose(reason).then(() => this.timer.now());
  }

  start(): void {
    this.closing = this.stale = false;
    this.timer.start();
  }

  /** Runs one eachMessage / eachBatch call under the poll timer (maxPollInterval). */
  track<T>(fn: (touch: () => void) => Promise<T>): Promise<T> {
    return this.pollTimer.track(fn);
  }

  /** The handler that made the member leave has returned: join again. */
  private caughtUp(): void {
    if (!this.stale) return;
    this.stale = false;
    this.http.logger.info('The handler returned; rejoining the group', { groupId: this.o.groupId });
    void this.timer.now();
  }

  private async beat(): Promise<number> {
    if (this.closing || this.stale) return this.intervalMs;
    if (this.memberEpoch > 0 && this.pollTimer.overdue()) {
      this.stale = true;
      this.http.logger.warn('A handler ran longer than maxPollInterval: leaving the group until it returns', { groupId: this.o.groupId, maxPollInterval: this.o.rebalanceTimeoutMs });
      await this.leave();
      await this.lose('poll interval exceeded');
      return this.intervalMs;
    }
    const generation = this.generation;
    const joining = this.memberEpoch === 0;
    try {
      const a = await sendHeartbeat(this.http, this.o, {
        member_id: this.id,
        member_epoch: this.memberEpoch,
        client_id: this.o.clientId,
        rebalance_timeout_ms: this.o.rebalanceTimeoutMs,
        ...(this.o.sessionTimeoutMs !== undefined ? { session_timeout_ms: this.o.sessionTimeoutMs } : {}),
        ...(this.o.serverAssignor !== undefined ? { server_assignor: this.o.serverAssignor } : {}),
        ...subscriptionFields(this.sub.topics),
        owned_partitions: ownedField(this.sub.owned()),
        isolation_level: this.o.isolationLevel,
      });
      if (generation !== this.generation || this.closing || this.stale) return 0; // lost meanwhile: this answer is out of date
      this.failures = 0;
      this.id = a.memberId;
      this.memberEpoch = a.memberEpoch;
      this.intervalMs = a.heartbeatIntervalMs; // the server's interval wins
      this.target = a.assignment;
      const ids = { groupId: this.o.groupId, memberId: this.id, groupGenerationId: this.memberEpoch };
      if (joining) this.hooks.emit('GROUP_JOIN', { ...ids, memberAssignment: toAssignment(a.assignment) });
      this.hooks.emit('HEARTBEAT', ids);
      this.reconcile();
      return this.intervalMs;
    } catch (err) {
      return this.failed(err);
    }
  }

  private async failed(err: unknown): Promise<number> {
    const type = err instanceof KafkaJSProtocolError ? err.type : undefined;
    if (type && FENCED.has(type)) {
      await this.lose(`${type}: ${(err as Error).message}`);
      return 0;
    }
    // UNRELEASED_INSTANCE_ID: the previous holder of this instance id has not left; the server frees it after its session timeout.
    if (type === undefined || type === 'UNRELEASED_INSTANCE_ID' || shouldRetry(err)) {
      this.http.logger.warn('Heartbeat failed; retrying', { groupId: this.o.groupId, error: (err as Error)?.message, retryCount: ++this.failures });
      return Math.min(backoff(Math.min(this.failures - 1, 10), this.http.retry), this.intervalMs);
    }
    this.hooks.crash(err);
    return this.intervalMs;
  }

  /** Every partition is gone without a commit (someone else may own it now); the next beat joins with epoch 0. */
  private async lose(reason: string): Promise<void> {
    this.generation++;
    this.memberEpoch = 0;
    this.target = undefined;
    const states = [...this.sub.partitions.values()];
    this.sub.remove(states);
    this.hooks.interrupt();
    if (states.length === 0) return;
    this.http.logger.warn('Partitions lost; rejoining the group', { groupId: this.o.groupId, reason, partitions: states.length });
    const l = this.o.listener;
    await this.listen(l.onPartitionsLost ? 'onPartitionsLost' : 'onPartitionsRevoked', states.filter((s) => !s.pending)); // pending: never announced
  }

  private reconcile(): void {
    if (this.reconciling || this.closing) return;
    const r: Rebalance = {
      sub: this.sub,
      offsets: this.offsets,
      target: () => this.target,
      generation: () => (this.closing ? -1 : this.generation),
      autoCommit: this.hooks.autoCommit,
      interrupt: this.hooks.interrupt,
      told: () => void this.timer.now(),
      listen: (name, states) => this.listen(name, states),
      rebalancing: () => this.hooks.emit('REBALANCING', { groupId: this.o.groupId, memberId: this.id }),
      logger: this.http.logger,
    };
    this.reconciling = reconcile(r).finally(() => (this.reconciling = undefined));
  }

  async listen(name: keyof RebalanceListener, states: Array<{ topic: string; partition: number }>): Promise<void> {
    const fn = this.o.listener[name];
    if (!fn || states.length === 0) return;
    try {
      await fn.call(this.o.listener, states.map(({ topic, partition }) => ({ topic, partition })));
    } catch (err) {
      this.http.logger.error(`${name} threw; the rebalance goes on`, { groupId: this.o.groupId, error: (err as Error)?.message });
    }
  }

  /** Safe shutdown: commit what was processed (autoCommit), onPartitionsRevoked, then leave (-1, or -2 for a static member). */
  async close(): Promise<void> {
    this.closing = true;
    await this.timer.stop();
    await this.reconciling;
    const states = [...this.sub.partitions.values()].filter((s) => !s.pending);
    if (this.memberEpoch > 0) {
      if (this.hooks.autoCommit()) await this.offsets.commitPositions(states).catch((err) => this.http.logger.warn('Commit on shutdown failed', { error: (err as Error).message }));
      await this.listen('onPartitionsRevoked', states);
      await this.leave();
    }
    this.sub.remove([...this.sub.partitions.values()]);
    this.memberEpoch = 0;
  }

  private async leave(): Promise<void> {
    const epoch = this.o.instanceId !== undefined ? -2 : -1;
    await sendHeartbeat(this.http, this.o, { member_id: this.id, member_epoch: epoch }).catch((err) =>
      this.http.logger.warn('Leaving the group failed; the server removes the member after its session timeout', { groupId: this.o.groupId, error: (err as Error).message }),
    );
  }

  private emitCommit(offsets: OffsetToCommit[]): void {
    const topics = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const o of offsets) topics.set(o.topic, [...(topics.get(o.topic) ?? []), { partition: o.partition, offset: String(o.offset) }]);
    this.hooks.emit('COMMIT_OFFSETS', { groupId: this.o.groupId, memberId: this.id, groupGenerationId: this.memberEpoch, topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) });
  }
}

const toAssignment = (tps: TopicPartition[]) => tps.reduce<Record<string, number[]>>((acc, { topic, partition }) => ({ ...acc, [topic]: [...(acc[topic] ?? []), partition] }), {});
