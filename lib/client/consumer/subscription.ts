// What the consumer reads and from where: the subscribed topics' partitions, each with its
// position (the next offset to fetch). Without a group every partition is assigned to this
// consumer; consumer groups will replace `refresh()` with the coordinator's assignment and seed
// positions from committed offsets before falling back to the reset policy.
import { KafkaJSNonRetriableError } from '../errors';
import type { HttpClient } from '../http';
import type { Metadata } from '../metadata';

export interface PartitionState {
  topic: string;
  partition: number;
  /** Next offset to fetch; undefined until the reset policy (or a seek) sets it. */
  position?: number;
  /** Where an unset position goes: a seek to earliest/latest, else the subscription's policy. */
  reset?: 'earliest' | 'latest';
  paused: boolean;
  /** Bumped by every seek, so an answer to an older fetch is recognised and dropped. */
  epoch: number;
  highWatermark: number;
  /** Not fetched before this time (after a partition error). */
  retryAt: number;
}

export const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class Subscription {
  readonly partitions = new Map<string, PartitionState>();
  /** auto.offset.reset per subscription: fromBeginning → earliest, else latest. */
  private readonly subscriptions: Array<{ topic: string | RegExp; fromBeginning: boolean }> = [];
  private refreshedAt = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly metadata: Metadata,
    private readonly maxAgeMs: number,
  ) {}

  subscribe(topics: Array<string | RegExp>, fromBeginning: boolean): void {
    for (const topic of topics) {
      if (!(topic instanceof RegExp) && (typeof topic !== 'string' || !topic)) throw new KafkaJSNonRetriableError(`Invalid topic ${String(topic)}`);
      this.subscriptions.push({ topic, fromBeginning });
    }
    this.refreshedAt = 0;
  }

  get topics(): Array<string | RegExp> {
    return this.subscriptions.map((s) => s.topic);
  }

  /** Picks up new topics (for patterns) and partitions, at most once per metadataMaxAge unless forced. */
  async refresh(force = false): Promise<void> {
    if (!force && Date.now() - this.refreshedAt < this.maxAgeMs) return;
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
    if (!s) this.partitions.set(key, (s = { topic, partition, paused: false, epoch: 0, highWatermark: -1, retryAt: 0 }));
    return s;
  }

  isSubscribed(topic: string): boolean {
    return this.subscriptions.some((s) => (s.topic instanceof RegExp ? s.topic.test(topic) : s.topic === topic));
  }

  /** Sets the position of every partition that has none, per its subscription's policy. */
  async resetPositions(): Promise<void> {
    const unset = [...this.partitions.values()].filter((s) => s.position === undefined);
    await Promise.all(
      unset.map(async (s) => {
        const fromBeginning = this.subscriptions.find((x) => (x.topic instanceof RegExp ? x.topic.test(s.topic) : x.topic === s.topic))?.fromBeginning ?? false;
        const epoch = s.epoch;
        const position = await this.listOffset(s.topic, s.partition, s.reset ?? (fromBeginning ? 'earliest' : 'latest'));
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
