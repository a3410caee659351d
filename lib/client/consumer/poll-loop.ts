// The consumer's engine: one fetch for every ready partition (a long poll while there is nothing
// new), then the records to eachMessage / eachBatch partition by partition
// (partitionsConsumedConcurrently at a time), auto-commits in between, retries and crashes.
import { shouldRetry } from '../errors';
import type { HttpClient } from '../http';
import { backoff } from '../retry';
import { deliver, HandlerError, type ConsumerRunConfig, type DeliveryContext, type UncommittedOffsets } from './delivery';
import type { Fetcher, PartitionFetch } from './fetcher';
import type { GroupMember } from './group-member';
import { byTopic } from './offsets';
import type { TopicPartitionOffsetAndMetadata } from './options';
import { tpKey, type Subscription } from './subscription';

export interface LoopParts {
  http: HttpClient;
  subscription: Subscription;
  fetcher: Fetcher;
  member?: GroupMember;
  config: ConsumerRunConfig;
  emit(type: 'FETCH' | 'CRASH', payload: Record<string, unknown>): void;
  pause(tp: Array<{ topic: string; partitions: number[] }>): void;
  resume(tp: Array<{ topic: string; partitions: number[] }>): void;
  commitOffsets(offsets: TopicPartitionOffsetAndMetadata[]): Promise<void>;
}

export class PollLoop {
  running = true;
  /** Handler calls in progress: stop() from inside one must not wait for the loop. */
  inCallback = 0;
  readonly done: Promise<void>;
  private fetchAbort?: AbortController;
  private wakeUp?: () => void;

  constructor(private readonly p: LoopParts) {
    this.done = this.poll();
  }

  /** Ends a long poll or an idle wait early: a seek, resume or rebalance changed what to fetch. */
  interrupt(): void {
    this.fetchAbort?.abort();
    this.wakeUp?.();
  }

  crash(error: unknown): void {
    this.running = false;
    this.interrupt();
    this.p.http.logger.error('The consumer crashed', { error: (error as Error)?.message });
    this.p.emit('CRASH', { error, restart: false });
  }

  private async idle(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      this.wakeUp = done;
      function done() {
        clearTimeout(t);
        resolve();
      }
    });
    this.wakeUp = undefined;
  }

  private async poll(): Promise<void> {
    const { subscription, http } = this.p;
    let failures = 0;
    while (this.running) {
      try {
        await subscription.refresh();
        await subscription.resetPositions();
        const now = Date.now();
        const targets = [...subscription.partitions.values()].filter((s) => !s.paused && !s.pending && !s.revoking && s.position !== undefined && s.retryAt <= now);
        if (targets.length === 0) {
          await this.idle(200);
          await this.autoCommit();
          continue;
        }
        const epochs = new Map(targets.map((s) => [tpKey(s.topic, s.partition), s.epoch]));
        this.fetchAbort = new AbortController();
        const results = await this.p.fetcher.fetch(
          targets.map((s) => ({ topic: s.topic, partition: s.partition, offset: s.position! })),
          this.fetchAbort.signal,
        );
        this.fetchAbort = undefined;
        this.p.emit('FETCH', { numberOfBatches: results.length });
        await this.deliverAll(results, epochs);
        await this.autoCommit();
        failures = 0;
      } catch (err) {
        this.fetchAbort = undefined;
        if (!this.running) break;
        if ((err as Error)?.name === 'AbortError') continue; // a seek, resume or rebalance interrupted the poll
        failures++;
        const fromUser = err instanceof HandlerError;
        if ((!fromUser && !shouldRetry(err)) || (fromUser && failures > http.retry.retries)) {
          this.crash(fromUser ? err.cause : err);
          break;
        }
        http.logger[fromUser ? 'error' : 'warn'](fromUser ? 'Error in the message handler; the message will be delivered again' : 'Fetch failed; retrying', {
          error: (err as Error)?.message,
          retryCount: failures,
        });
        await this.idle(backoff(Math.min(failures - 1, 10), http.retry)); // stop() cuts it short
      }
    }
  }

  private async deliverAll(results: PartitionFetch[], epochs: Map<string, number>): Promise<void> {
    const { subscription, http } = this.p;
    const queue = results.filter((r) => {
      const s = subscription.get(r.topic, r.partition);
      if (!s) return false; // revoked or lost meanwhile
      s.highWatermark = r.highWatermark >= 0 ? r.highWatermark : s.highWatermark;
      if (s.epoch !== epochs.get(tpKey(r.topic, r.partition)) || s.position !== r.offset) return false; // seeked meanwhile
      if (!r.error) return true;
      if (r.error.type === 'OFFSET_OUT_OF_RANGE') {
        if (subscription.policy(r.topic) === 'none' && s.reset === undefined) throw r.error; // Kafka's OffsetOutOfRangeException
        http.logger.warn('Offset out of range; resetting', { topic: r.topic, partition: r.partition, offset: r.offset });
        s.position = undefined; // the reset policy picks earliest or latest on the next round
      } else {
        s.retryAt = Date.now() + backoff(0, http.retry);
        http.logger.warn('Partition fetch failed', { topic: r.topic, partition: r.partition, error: r.error.message });
      }
      return false;
    });
    const workers = Math.max(1, this.p.config.partitionsConsumedConcurrently ?? 1);
    await Promise.all(
      Array.from({ length: Math.min(workers, queue.length) }, async () => {
        for (let r = queue.shift(); r && this.running; r = queue.shift()) {
          await this.deliver(r, epochs.get(tpKey(r.topic, r.partition))!);
          await this.autoCommit();
        }
      }),
    );
  }

  private async deliver(r: PartitionFetch, epoch: number): Promise<void> {
    const { subscription, member } = this.p;
    const s = subscription.get(r.topic, r.partition);
    if (!s) return;
    const tp = [{ topic: r.topic, partitions: [r.partition] }];
    const ctx: DeliveryContext = {
      isRunning: () => this.running,
      pause: () => {
        this.p.pause(tp);
        return () => this.p.resume(tp);
      },
      track: (fn) => (member ? member.track(fn) : fn(() => {})),
      commitOffsetsIfNecessary: (offsets) => this.commitIfNecessary(offsets),
      uncommittedOffsets: () => byTopic([...subscription.partitions.values()]),
    };
    this.inCallback++;
    const delivery = deliver(r, s, epoch, this.p.config, ctx);
    s.inFlight = delivery.catch(() => {});
    try {
      await delivery;
    } finally {
      this.inCallback--;
    }
  }

  /** autoCommit: the positions of the partitions owned (not being revoked) once the interval or threshold is reached. */
  private async autoCommit(): Promise<void> {
    if (!(this.p.config.autoCommit ?? true)) return;
    await this.commitIfNecessary().catch((err) => this.p.http.logger.warn('Auto commit failed', { error: (err as Error).message }));
  }

  private async commitIfNecessary(offsets?: UncommittedOffsets): Promise<void> {
    const m = this.p.member;
    if (!m) return;
    if (offsets) return this.p.commitOffsets(offsets.topics.flatMap(({ topic, partitions }) => partitions.map((p) => ({ topic, ...p }))));
    const states = [...this.p.subscription.partitions.values()].filter((s) => !s.revoking);
    const { autoCommitInterval, autoCommitThreshold } = this.p.config;
    if (m.epoch() <= 0 || !m.offsets.due(states, autoCommitInterval === undefined ? 5_000 : autoCommitInterval, autoCommitThreshold)) return;
    m.offsets.lastCommitAt = Date.now(); // after a failure, the next try waits for the interval too
    await m.offsets.commitPositions(states);
  }
}
