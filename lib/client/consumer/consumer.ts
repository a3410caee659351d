// kafkajs's consumer API. run() polls every assigned, unpaused partition with one fetch request
// (a long poll while there is nothing new) and hands the records to eachMessage or eachBatch,
// one partition after another (partitionsConsumedConcurrently at a time). With a groupId the
// partitions are the ones the group assigns (group-member.ts) and positions are committed.
import { EventEmitter } from 'node:events';
import { KafkaJSNonRetriableError } from '../errors';
import type { HttpClient } from '../http';
import type { Metadata } from '../metadata';
import type { ConsumerRunConfig } from './delivery';
import { Fetcher, MAX_FETCH_BYTES } from './fetcher';
import { GroupAdmin, type GroupDescription } from './group-admin';
import { GroupMember } from './group-member';
import { parseOffsets } from './offsets';
import { groupOptions, type ConsumerConfig, type TopicPartitionOffsetAndMetadata } from './options';
import { PollLoop } from './poll-loop';
import { Subscription, type PartitionState } from './subscription';

export type { ConsumerConfig } from './options';
export type TopicPartitions = { topic: string; partitions?: number[] };

const EVENTS = {
  CRASH: 'consumer.crash',
  FETCH: 'consumer.fetch',
  GROUP_JOIN: 'consumer.group_join',
  HEARTBEAT: 'consumer.heartbeat',
  COMMIT_OFFSETS: 'consumer.commit_offsets',
  REBALANCING: 'consumer.rebalancing',
} as const;

export class Consumer {
  readonly events = EVENTS;
  private readonly emitter = new EventEmitter();
  private readonly subscription: Subscription;
  private readonly fetcher: Fetcher;
  private readonly member?: GroupMember;
  private readonly groupId?: string;
  private runConfig: ConsumerRunConfig = {};
  private loop?: PollLoop;
  /** The loop, then (in a group) the commit and leave. */
  private stopped?: Promise<void>;

  constructor(
    private readonly http: HttpClient,
    metadata: Metadata,
    config: ConsumerConfig = {},
  ) {
    const group = groupOptions(config, http.logger);
    this.subscription = new Subscription(http, metadata, config.metadataMaxAge ?? 300_000, group !== undefined, config.autoOffsetReset);
    if (group) {
      this.groupId = group.groupId;
      this.member = new GroupMember(http, group, this.subscription, {
        interrupt: () => this.interrupt(),
        crash: (err) => this.loop?.crash(err),
        emit: (event, payload) => this.emit(EVENTS[event], payload),
        autoCommit: () => this.runConfig.autoCommit ?? true,
      });
    }
    this.fetcher = new Fetcher(http, {
      maxWaitTimeInMs: Math.min(config.maxWaitTimeInMs ?? 10_000, 20_000),
      isolationLevel: config.readUncommitted ? 'read_uncommitted' : 'read_committed',
      maxBytes: Math.min(config.maxBytes ?? MAX_FETCH_BYTES, MAX_FETCH_BYTES),
      maxBytesPerPartition: config.maxBytesPerPartition ?? 1024 * 1024,
    });
  }

  async connect(): Promise<void> {
    await this.http.clusterId();
  }

  /** fromBeginning true → earliest, false → latest, absent → the consumer's autoOffsetReset (default latest). */
  async subscribe(s: { topic?: string | RegExp; topics?: Array<string | RegExp>; fromBeginning?: boolean }): Promise<void> {
    if (this.loop?.running) throw new KafkaJSNonRetriableError('Cannot subscribe to a topic while the consumer is running');
    const topics = s.topics ?? (s.topic !== undefined ? [s.topic] : []);
    if (topics.length === 0) throw new KafkaJSNonRetriableError('Missing required argument "topics"');
    this.subscription.subscribe(topics, s.fromBeginning);
    await this.subscription.refresh(true); // without a group: the partitions now (a missing topic fails here)
  }

  async run(config: ConsumerRunConfig = {}): Promise<void> {
    if (this.loop?.running) return;
    if (!config.eachMessage && !config.eachBatch) throw new KafkaJSNonRetriableError('Consumer#run needs eachMessage or eachBatch');
    if (this.subscription.topics.length === 0) throw new KafkaJSNonRetriableError('Subscribe to a topic before calling run()');
    await this.stopped; // a previous run's shutdown
    this.runConfig = config;
    this.member?.start();
    const loop = new PollLoop({
      http: this.http,
      subscription: this.subscription,
      fetcher: this.fetcher,
      member: this.member,
      config,
      emit: (type, payload) => this.emit(EVENTS[type], { ...payload, ...(type === 'CRASH' ? { groupId: this.groupId } : {}) }),
      pause: (tp) => this.pause(tp),
      resume: (tp) => this.resume(tp),
      commitOffsets: (offsets) => this.commitOffsets(offsets),
    });
    this.loop = loop;
    this.stopped = loop.done.finally(() => this.member?.close());
  }

  /** kafkajs's commitOffsets: `offset` is the next offset to read. Needs a groupId; commits as this member. */
  async commitOffsets(offsets: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    if (!this.member) throw new KafkaJSNonRetriableError('commitOffsets needs a consumer with a groupId');
    const parsed = parseOffsets(offsets);
    await this.member.offsets.commit(parsed);
    for (const o of parsed) {
      const s = this.subscription.get(o.topic, o.partition);
      if (s) s.committed = o.offset;
    }
  }

  /** The next fetch of this partition starts at `offset` ('-2' earliest, '-1' latest). In a group, only an owned partition can be seeked (else a warning). */
  seek({ topic, partition, offset }: { topic: string; partition: number; offset: string | number }): void {
    const n = Number(offset);
    if (!this.subscription.isSubscribed(topic)) throw new KafkaJSNonRetriableError(`Cannot seek: not subscribed to topic "${topic}"`);
    if (!Number.isSafeInteger(n) || n < -2) throw new KafkaJSNonRetriableError(`Invalid offset "${String(offset)}" for seek`);
    const s = this.member ? this.subscription.get(topic, partition) : this.subscription.state(topic, partition);
    if (!s) return this.http.logger.warn('seek() ignored: the partition is not assigned to this member (seek in onPartitionsAssigned)', { topic, partition });
    s.epoch++;
    s.retryAt = 0;
    s.position = n >= 0 ? n : undefined;
    s.reset = n === -2 ? 'earliest' : n === -1 ? 'latest' : undefined;
    this.interrupt();
  }

  /** A whole topic stays paused for partitions assigned later; single partitions only while owned. */
  pause(topics: TopicPartitions[]): void {
    for (const s of this.matching(topics)) s.paused = true;
    for (const t of topics) if (!t.partitions) this.subscription.pausedTopics.add(t.topic);
  }

  resume(topics: TopicPartitions[]): void {
    for (const s of this.matching(topics)) s.paused = false;
    for (const t of topics) if (!t.partitions) this.subscription.pausedTopics.delete(t.topic);
    this.interrupt();
  }

  paused(): Array<{ topic: string; partitions: number[] }> {
    const out = new Map<string, number[]>();
    for (const s of this.subscription.partitions.values()) if (s.paused) out.set(s.topic, [...(out.get(s.topic) ?? []), s.partition]);
    return [...out].map(([topic, partitions]) => ({ topic, partitions }));
  }

  /** kafkajs-style events (`consumer.events`), e.g. `consumer.crash` with `{ payload: { error } }`. Returns a remover. */
  on(event: string, listener: (e: { type: string; timestamp: number; payload: unknown }) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  /** Ends the loop after the message being handled; in a group, then commits (autoCommit) and leaves. */
  async stop(): Promise<void> {
    const loop = this.loop;
    if (!loop) return;
    loop.running = false;
    loop.interrupt();
    if (loop.inCallback === 0) await this.stopped; // not from inside eachMessage: that would wait for itself
  }

  async disconnect(): Promise<void> {
    await this.stop();
  }

  /** kafkajs's describeGroup(): this consumer's group, as admin.describeGroups answers. */
  async describeGroup(): Promise<GroupDescription> {
    if (!this.groupId) throw new KafkaJSNonRetriableError('describeGroup needs a consumer with a groupId');
    return (await new GroupAdmin(this.http).describeGroups([this.groupId])).groups[0]!;
  }

  private emit(type: string, payload: unknown): void {
    this.emitter.emit(type, { type, timestamp: Date.now(), payload });
  }

  private interrupt(): void {
    this.loop?.interrupt();
  }

  private matching(topics: TopicPartitions[]): PartitionState[] {
    if (!Array.isArray(topics)) throw new KafkaJSNonRetriableError('Expected an array of { topic, partitions? }');
    const owned = (topic: string, p: number) => (this.member ? this.subscription.get(topic, p) : this.subscription.state(topic, p));
    return topics.flatMap(({ topic, partitions }) =>
      partitions ? partitions.flatMap((p) => owned(topic, p) ?? []) : [...this.subscription.partitions.values()].filter((s) => s.topic === topic),
    );
  }
}
