// Committed offsets of a group member: OffsetFetch when partitions are assigned, OffsetCommit
// fenced by the member's id and epoch (docs/GROUPS.md), and the auto-commit bookkeeping.
// A commit records the position: the next offset to read (kafkajs's and Kafka's meaning).
import { KafkaJSNonRetriableError, KafkaJSOffsetOutOfRange, KafkaJSProtocolError } from '../errors';
import type { HttpClient } from '../http';
import type { TopicPartition } from './options';
import type { PartitionState } from './subscription';

/** Kafka's NoOffsetForPartitionException: no committed offset and autoOffsetReset 'none'. */
export class KafkaJSNoOffsetForPartition extends KafkaJSOffsetOutOfRange {
  override name = 'KafkaJSNoOffsetForPartition';
  constructor(topic: string, partition: number) {
    super(`No committed offset for ${topic}-${partition} and autoOffsetReset is 'none' (Kafka's NoOffsetForPartitionException)`, topic, partition);
  }
}

export interface OffsetToCommit extends TopicPartition {
  offset: number;
  metadata?: string | null;
}

/** What the offsets need from the member: who it is now, and a way to learn a newer epoch. */
export interface MemberRef {
  memberId(): string;
  /** The epoch of the last answer; 0 while (re)joining. */
  epoch(): number;
  heartbeatNow(): Promise<void>;
  /** The server no longer knows this member: drop every partition and rejoin. */
  fenced(reason: string): void;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
const typeOf = (err: unknown) => (err instanceof KafkaJSProtocolError ? err.type : undefined);

export class GroupOffsets {
  private chain: Promise<unknown> = Promise.resolve();
  lastCommitAt = Date.now();

  constructor(
    private readonly http: HttpClient,
    private readonly groupId: string,
    private readonly member: MemberRef,
    private readonly onCommit: (offsets: OffsetToCommit[]) => void,
  ) {}

  private get path() {
    return `v3/clusters/{cluster}/consumer-groups/${encodeURIComponent(this.groupId)}`;
  }

  /** OffsetFetch: topic-partition → committed offset (-1: none). */
  async fetchCommitted(tps: TopicPartition[]): Promise<Map<string, number>> {
    const topics = [...new Set(tps.map((t) => t.topic))].sort();
    const res = await this.http.json<{ data: Array<{ topic_name: string; partition_id: number; committed_offset: number }> }>({
      method: 'GET',
      path: `${this.path}/offsets`,
      query: { topics: topics.join(',') },
    });
    return new Map(res.data.map((o) => [key(o.topic_name, o.partition_id), o.committed_offset]));
  }

  /** OffsetCommit as this member; one at a time, so an older commit never lands after a newer one. */
  commit(offsets: OffsetToCommit[]): Promise<void> {
    const next = this.chain.then(() => this.commitNow(offsets));
    this.chain = next.catch(() => {});
    return next;
  }

  private async commitNow(offsets: OffsetToCommit[]): Promise<void> {
    if (offsets.length === 0) return;
    for (let attempt = 0; ; attempt++) {
      const epoch = this.member.epoch();
      if (epoch <= 0) throw new KafkaJSProtocolError('UNKNOWN_MEMBER_ID', `Cannot commit: this consumer is not a member of group '${this.groupId}' right now (joining or rejoining).`);
      try {
        await this.http.json({
          method: 'POST',
          path: `${this.path}/offsets:commit`,
          json: {
            member_id: this.member.memberId(),
            member_epoch: epoch,
            offsets: offsets.map((o) => ({ topic_name: o.topic, partition_id: o.partition, offset: o.offset, ...(o.metadata != null ? { metadata: o.metadata } : {}) })),
          },
        });
        this.lastCommitAt = Date.now();
        this.onCommit(offsets);
        return;
      } catch (err) {
        // A newer epoch (or an assignment change) the member has not heard of yet: heartbeat, then try again.
        if (typeOf(err) === 'STALE_MEMBER_EPOCH' && attempt < 2) {
          await this.member.heartbeatNow();
          continue;
        }
        if (typeOf(err) === 'UNKNOWN_MEMBER_ID' || typeOf(err) === 'GROUP_ID_NOT_FOUND') this.member.fenced(`commit refused: ${(err as Error).message}`);
        throw err;
      }
    }
  }

  /** Commits the position of each given partition that moved since its last commit. */
  async commitPositions(states: PartitionState[]): Promise<void> {
    const todo = uncommitted(states).map((s) => ({ s, offset: s.position! }));
    if (todo.length === 0) return;
    await this.commit(todo.map(({ s, offset }) => ({ topic: s.topic, partition: s.partition, offset })));
    for (const { s, offset } of todo) s.committed = offset;
  }

  /** autoCommitInterval elapsed, or autoCommitThreshold offsets processed since the last commit. */
  due(states: PartitionState[], interval: number | null | undefined, threshold: number | null | undefined): boolean {
    const pending = uncommitted(states);
    if (pending.length === 0) return false;
    if (interval != null && Date.now() - this.lastCommitAt >= interval) return true;
    return threshold != null && pending.reduce((n, s) => n + s.position! - Math.max(s.committed ?? 0, 0), 0) >= threshold;
  }
}

/** Partitions whose position differs from what was last committed. */
export const uncommitted = (states: Iterable<PartitionState>) =>
  [...states].filter((s) => !s.pending && s.position !== undefined && s.position !== s.committed);

/** kafkajs's uncommittedOffsets() shape. */
export function byTopic(states: PartitionState[]): { topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> } {
  const out = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const s of uncommitted(states)) out.set(s.topic, [...(out.get(s.topic) ?? []), { partition: s.partition, offset: String(s.position) }]);
  return { topics: [...out].map(([topic, partitions]) => ({ topic, partitions })) };
}

/** kafkajs's commitOffsets argument, checked: offset is the next offset to read. */
export function parseOffsets(list: Array<{ topic: string; partition: number; offset: string | number; metadata?: string | null }>): OffsetToCommit[] {
  if (!Array.isArray(list)) throw new KafkaJSNonRetriableError('commitOffsets expects an array of { topic, partition, offset }');
  return list.map(({ topic, partition, offset, metadata }) => {
    const n = Number(offset);
    if (typeof topic !== 'string' || !Number.isInteger(partition) || partition < 0 || !Number.isSafeInteger(n) || n < 0) {
      throw new KafkaJSNonRetriableError(`Invalid offset to commit: ${JSON.stringify({ topic, partition, offset })}`);
    }
    return { topic, partition, offset: n, metadata };
  });
}
