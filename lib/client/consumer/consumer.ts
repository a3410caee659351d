// kafkajs's consumer API. run() polls every assigned, unpaused partition with one fetch request
// (a long poll while there is nothing new) and hands the records to eachMessage or eachBatch,
// one partition after another (partitionsConsumedConcurrently at a time).
import { EventEmitter } from 'node:events';
import { KafkaJSNonRetriableError, shouldRetry } from '../errors';
import type { HttpClient } from '../http';
import type { Metadata } from '../metadata';
import { backoff, sleep, type RetryOptions } from '../retry';
import { Fetcher, MAX_FETCH_BYTES, type PartitionFetch } from './fetcher';
import { deliver, HandlerError, type ConsumerRunConfig } from './delivery';
import { Subscription, tpKey, type PartitionState } from './subscription';

export interface ConsumerConfig {
  /** Accepted for kafkajs compatibility (with a warning): until the SDK joins groups, every partition is read. */
  groupId?: string;
  /** Long-poll wait when no partition has new records (≤ 20 000). Default 10 000 ms. */
  maxWaitTimeInMs?: number;
  /** Bytes in one fetch answer (≤ 4 MiB). Default 4 MiB. */
  maxBytes?: number;
  /** Bytes per partition in one fetch answer. Default 1 MiB. */
  maxBytesPerPartition?: number;
  retry?: RetryOptions;
  metadataMaxAge?: number;
}

export type TopicPartitions = { topic: string; partitions?: number[] };

export class Consumer {
  readonly events = { CRASH: 'consumer.crash', FETCH: 'consumer.fetch' } as const;
  private readonly emitter = new EventEmitter();
  private readonly subscription: Subscription;
  private readonly fetcher: Fetcher;
  private readonly retry: Required<RetryOptions>;
  private running = false;
  private loop?: Promise<void>;
  private fetchAbort?: AbortController;
  private wakeUp?: () => void;
  private inCallback = 0;

  constructor(
    private readonly http: HttpClient,
    metadata: Metadata,
    config: ConsumerConfig = {},
  ) {
    this.retry = http.retry;
    if (config.groupId) http.logger.warn('Consumer groups are not in the SDK yet: this consumer reads every partition and commits nothing.', { groupId: config.groupId });
    this.subscription = new Subscription(http, metadata, config.metadataMaxAge ?? 300_000);
    this.fetcher = new Fetcher(http, {
      maxWaitTimeInMs: Math.min(config.maxWaitTimeInMs ?? 10_000, 20_000),
      maxBytes: Math.min(config.maxBytes ?? MAX_FETCH_BYTES, MAX_FETCH_BYTES),
      maxBytesPerPartition: config.maxBytesPerPartition ?? 1024 * 1024,
    });
  }

  async connect(): Promise<void> {
    await this.http.clusterId();
  }

  async subscribe(s: { topic?: string | RegExp; topics?: Array<string | RegExp>; fromBeginning?: boolean }): Promise<void> {
    if (this.running) throw new KafkaJSNonRetriableError('Cannot subscribe to a topic while the consumer is running');
    const topics = s.topics ?? (s.topic !== undefined ? [s.topic] : []);
    if (topics.length === 0) throw new KafkaJSNonRetriableError('Missing required argument "topics"');
    this.subscription.subscribe(topics, s.fromBeginning ?? false);
    await this.subscription.refresh(true);
  }

  async run(config: ConsumerRunConfig = {}): Promise<void> {
    if (this.running) return;
    if (!config.eachMessage && !config.eachBatch) throw new KafkaJSNonRetriableError('Consumer#run needs eachMessage or eachBatch');
    if (this.subscription.topics.length === 0) throw new KafkaJSNonRetriableError('Subscribe to a topic before calling run()');
    this.running = true;
    this.loop = this.poll(config);
  }

  /** The next fetch of this partition starts at `offset` ('-2' earliest, '-1' latest). */
  seek({ topic, partition, offset }: { topic: string; partition: number; offset: string | number }): void {
    const n = Number(offset);
    if (!this.subscription.isSubscribed(topic)) throw new KafkaJSNonRetriableError(`Cannot seek: not subscribed to topic "${topic}"`);
    if (!Number.isSafeInteger(n) || n < -2) throw new KafkaJSNonRetriableError(`Invalid offset "${String(offset)}" for seek`);
    const s = this.subscription.state(topic, partition);
    s.epoch++;
    s.retryAt = 0;
    s.position = n >= 0 ? n : undefined;
    s.reset = n === -2 ? 'earliest' : n === -1 ? 'latest' : undefined;
    this.interrupt();
  }

  pause(topics: TopicPartitions[]): void {
    for (const s of this.matching(topics)) s.paused = true;
  }

  resume(topics: TopicPartitions[]): void {
    for (const s of this.matching(topics)) s.paused = false;
    this.interrupt();
  }

  paused(): Array<{ topic: string; partitions: number[] }> {
    const out = new Map<string, number[]>();
    for (const s of this.subscription.partitions.values()) if (s.paused) out.set(s.topic, [...(out.get(s.topic) ?? []), s.partition]);
    return [...out].map(([topic, partitions]) => ({ topic, partitions }));
  }

  /** kafkajs-style events: `consumer.crash` with `{ payload: { error } }`. Returns a remover. */
  on(event: string, listener: (e: { type: string; timestamp: number; payload: unknown }) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.interrupt();
    if (this.inCallback === 0) await this.loop; // not from inside eachMessage: that would wait for itself
  }

  async disconnect(): Promise<void> {
    await this.stop();
  }

  private matching(topics: TopicPartitions[]): PartitionState[] {
    if (!Array.isArray(topics)) throw new KafkaJSNonRetriableError('Expected an array of { topic, partitions? }');
    return topics.flatMap(({ topic, partitions }) =>
      partitions ? partitions.map((p) => this.subscription.state(topic, p)) : [...this.subscription.partitions.values()].filter((s) => s.topic === topic),
    );
  }

  /** Ends a long poll or an idle wait early: a seek or resume changed what to fetch. */
  private interrupt(): void {
    this.fetchAbort?.abort();
    this.wakeUp?.();
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

  private async poll(config: ConsumerRunConfig): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        await this.subscription.refresh();
        await this.subscription.resetPositions();
        const now = Date.now();
        const targets = [...this.subscription.partitions.values()].filter((s) => !s.paused && s.position !== undefined && s.retryAt <= now);
        if (targets.length === 0) {
          await this.idle(200);
          continue;
        }
        const epochs = new Map(targets.map((s) => [tpKey(s.topic, s.partition), s.epoch]));
        this.fetchAbort = new AbortController();
        const results = await this.fetcher.fetch(
          targets.map((s) => ({ topic: s.topic, partition: s.partition, offset: s.position! })),
          this.fetchAbort.signal,
        );
        this.fetchAbort = undefined;
        this.emitter.emit(this.events.FETCH, { type: this.events.FETCH, timestamp: Date.now(), payload: { numberOfBatches: results.length } });
        await this.deliverAll(results, epochs, config);
        failures = 0;
      } catch (err) {
        this.fetchAbort = undefined;
        if (!this.running) break;
        if ((err as Error)?.name === 'AbortError') continue; // a seek or resume interrupted the poll
        failures++;
        const fromUser = err instanceof HandlerError;
        if ((!fromUser && !shouldRetry(err)) || (fromUser && failures > this.retry.retries)) {
          this.crash(fromUser ? err.cause : err);
          break;
        }
        this.http.logger[fromUser ? 'error' : 'warn'](fromUser ? 'Error in the message handler; the message will be delivered again' : 'Fetch failed; retrying', {
          error: (err as Error)?.message,
          retryCount: failures,
        });
        await sleep(backoff(Math.min(failures - 1, 10), this.retry));
      }
    }
  }

  private crash(error: unknown): void {
    this.running = false;
    this.http.logger.error('The consumer crashed', { error: (error as Error)?.message });
    this.emitter.emit(this.events.CRASH, { type: this.events.CRASH, timestamp: Date.now(), payload: { error } });
  }

  private async deliverAll(results: PartitionFetch[], epochs: Map<string, number>, config: ConsumerRunConfig): Promise<void> {
    const queue = results.filter((r) => {
      const s = this.subscription.state(r.topic, r.partition);
      s.highWatermark = r.highWatermark >= 0 ? r.highWatermark : s.highWatermark;
      if (s.epoch !== epochs.get(tpKey(r.topic, r.partition)) || s.position !== r.offset) return false; // seeked meanwhile
      if (!r.error) return true;
      if (r.error.type === 'OFFSET_OUT_OF_RANGE') {
        this.http.logger.warn('Offset out of range; resetting', { topic: r.topic, partition: r.partition, offset: r.offset });
        s.position = undefined; // the reset policy picks earliest or latest on the next round
      } else {
        s.retryAt = Date.now() + backoff(0, this.retry);
        this.http.logger.warn('Partition fetch failed', { topic: r.topic, partition: r.partition, error: r.error.message });
      }
      return false;
    });
    const workers = Math.max(1, config.partitionsConsumedConcurrently ?? 1);
    await Promise.all(
      Array.from({ length: Math.min(workers, queue.length) }, async () => {
        for (let r = queue.shift(); r && this.running; r = queue.shift()) await this.deliver(r, epochs.get(tpKey(r.topic, r.partition))!, config);
      }),
    );
  }

  private async deliver(r: PartitionFetch, epoch: number, config: ConsumerRunConfig): Promise<void> {
    const tp = [{ topic: r.topic, partitions: [r.partition] }];
    this.inCallback++;
    try {
      await deliver(r, this.subscription.state(r.topic, r.partition), epoch, config, {
        isRunning: () => this.running,
        pause: () => {
          this.pause(tp);
          return () => this.resume(tp);
        },
      });
    } finally {
      this.inCallback--;
    }
  }
}
