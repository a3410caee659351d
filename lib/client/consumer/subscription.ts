// What the consumer reads and from where: partitions, each with its position (the next offset to
// fetch, which is also what a commit records). Without a group every partition of the subscribed
// topics is read; in a group only the partitions the member owns are here (group-member.ts adds
// and removes them), their positions seeded from committed offsets before the reset policy.
import { KafkaJSNonRetriableError } from '../errors';
import type { HttpClient } from '../http';
import type { Metadata } from '../metadata';
import { KafkaJSNoOffsetForPartition } from './offsets';
import type { OffsetReset, TopicPartition } from './options';

export interface PartitionState {
  topic: string;
  partition: number;
  /** Next offset to fetch (and to commit); undefined until committed offsets, the reset policy or a seek set it. */
  position?: number;
  /** Where an unset position goes: a seek to earliest/latest, else the subscription's policy. */
  reset?: 'earliest' | 'latest';
  paused: boolean;
  /** Bumped by every seek and when the partition is lost, so an answer to an older fetch (or a late handler) is recognised and dropped. */
  epoch: number;
  highWatermark: number;
  /** Not fetched before this time (after a partition error). */
  retryAt: number;
  /** The group's committed offset as last read or written (groups only). */
  committed?: number;
  /** Assigned, but committed offsets and onPartitionsAssigned are not done yet: not fetched. */
  pending?: boolean;
  /** Being revoked: not fetched, and delivery stops after the current message. */
  revoking?: boolean;
  /** The delivery of this partition's records in progress, if any. */
  inFlight?: Promise<void>;
}

export const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class Subscription {
  readonly partitions = new Map<string, PartitionState>();
  /** auto.offset.reset per subscription: fromBeginning true → earliest, false → latest, absent → the consumer's autoOffsetReset. */
  private readonly subscriptions: Array<{ topic: string | RegExp; fromBeginning?: boolean }> = [];
  /** Topics paused as a whole: partitions assigned later start paused too. */
  readonly pausedTopics = new Set<string>();
  private refreshedAt = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly metadata: Metadata,
    private readonly maxAgeMs: number,
    /** In a group the member decides the partitions; otherwise every partition is read. */
    readonly group: boolean,
    private readonly autoOffsetReset: OffsetReset = 'latest',
  ) {}

  subscribe(topics: Array<string | RegExp>, fromBeginning: boolean | undefined): void {
    for (const topic of topics) {
      if (!(topic instanceof RegExp) && (typeof topic !== 'string' || !topic)) throw new KafkaJSNonRetriableError(`Invalid topic ${String(topic)}`);
      this.subscriptions.push({ topic, fromBeginning });
    }
    this.refreshedAt = 0;
  }

  get topics(): Array<string | RegExp> {
    return this.subscriptions.map((s) => s.topic);
  }

  /** Without a group: picks up new topics (for patterns) and partitions, at most once per metadataMaxAge unless forced. */
  async refresh(force = false): Promise<void> {
    if (this.group || (!force && Date.now() - this.refreshedAt < this.maxAgeMs)) return;
    const patterns = this.subscriptions.some((s) => s.topic instanceof RegExp);
    const all = patterns ? await this.metadata.listTopics() : [];
    const names = new Set(this.subscriptions.flatMap((s) => (s.topic instanceof RegExp ? all.filter((t) => (s.topic as RegExp).test(t)) : [s.topic])));
    for (const topic of names) {
      const count = await this.metadata.partitionCount(topic, true);
      for (let partition = 0; partition < count; partition++) this.state(topic, partition);
    }
    this.refreshedAt = Date.now();
  }

  /** The partition's state, created (position unset) when new. */
  state(topic: string, partition: number): PartitionState {
    const key = tpKey(topic, partition);
    let s = this.partitions.get(key);
    if (!s) this.partitions.set(key, (s = { topic, partition, paused: this.pausedTopics.has(topic), epoch: 0, highWatermark: -1, retryAt: 0 }));
    return s;
  }

  get(topic: string, partition: number): PartitionState | undefined {
    return this.partitions.get(tpKey(topic, partition));
  }

  /** Forgets partitions (revoked or lost); a fetch answer or handler still running for them is ignored. */
  remove(states: PartitionState[]): void {
    for (const s of states) {
      s.epoch++;
      if (this.partitions.get(tpKey(s.topic, s.partition)) === s) this.partitions.delete(tpKey(s.topic, s.partition));
    }
  }

  owned(): TopicPartition[] {
    return [...this.partitions.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  isSubscribed(topic: string): boolean {
    return this.subscriptions.some((s) => (s.topic instanceof RegExp ? s.topic.test(topic) : s.topic === topic));
  }

  policy(topic: string): OffsetReset {
    const fromBeginning = this.subscriptions.find((x) => (x.topic instanceof RegExp ? x.topic.test(topic) : x.topic === topic))?.fromBeginning;
    return fromBeginning === undefined ? this.autoOffsetReset : fromBeginning ? 'earliest' : 'latest';
  }

  /** Sets the position of every ready partition that has none, per its subscription's policy (none: NoOffsetForPartition). */
  async resetPositions(): Promise<void> {
    const unset = [...this.partitions.values()].filter((s) => s.position === undefined && !s.pending && !s.revoking);
    await Promise.all(
      unset.map(async (s) => {
        const which = s.reset ?? this.policy(s.topic);
        if (which === 'none') throw new KafkaJSNoOffsetForPartition(s.topic, s.partition);
        const epoch = s.epoch;
        const position = await this.listOffset(s.topic, s.partition, which);
        if (s.epoch !== epoch || s.position !== undefined) return; // seeked meanwhile
        s.position = position;
        s.reset = undefined;
      }),
    );
  }

  async listOffset(topic: string, partition: number, which: 'earliest' | 'latest'): Promise<number> {
    const o = await this.http.json<{ earliest_offset: number; latest_offset: number }>({
      method: 'GET',
      path: `v3/clusters/{cluster}/topics/${encodeURIComponent(topic)}/partitions/${partition}/offset`,
    });
    return which === 'earliest' ? o.earliest_offset : o.latest_offset;
  }
}
