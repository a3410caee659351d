// Kafka's TransactionManager, in kafkajs's shape: `const tx = await producer.transaction();
// await tx.send(...); await tx.sendOffsets({consumerGroupId, topics}); await tx.commit()`.
// Partitions are added to the transaction by the Sender just before the first request that
// writes to them (AddPartitionsToTxn), as the Java client does. docs/rfcs/0002-transactions.md.
import { KafkaJSNonRetriableError } from '../errors';
import type { HttpClient } from '../http';
import type { ProducerIdentity } from './sequence';

export interface SendOffsetsRequest {
  consumerGroupId: string;
  topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string | number; metadata?: string | null }> }>;
}

export class TransactionManager {
  private active = false;
  private readonly added = new Set<string>();
  private offsetsSent = false;
  private failure?: unknown;

  constructor(
    readonly transactionalId: string,
    private readonly http: HttpClient,
    private readonly identity: () => Promise<ProducerIdentity>,
  ) {}

  get inTransaction(): boolean {
    return this.active;
  }

  begin(): void {
    if (this.active) throw new KafkaJSNonRetriableError('There is already an ongoing transaction for this producer. Please end the transaction before beginning another.');
    this.active = true;
    this.added.clear();
    this.offsetsSent = false;
    this.failure = undefined;
  }

  /** A batch of the transaction failed: the transaction can only be aborted now. */
  fail(err: unknown): void {
    this.failure ??= err;
  }

  /** Before a request: add the partitions it writes that the transaction has not added yet. */
  async ensurePartitions(partitions: Array<{ topic: string; partition: number }>): Promise<void> {
    const fresh = partitions.filter((p) => !this.added.has(`${p.topic}\u0000${p.partition}`));
    if (fresh.length === 0) return;
    await this.call('partitions', { partitions: fresh.map((p) => ({ topic_name: p.topic, partition_id: p.partition })) });
    for (const p of fresh) this.added.add(`${p.topic}\u0000${p.partition}`);
  }

  async sendOffsets({ consumerGroupId, topics }: SendOffsetsRequest): Promise<void> {
    this.requireActive('sendOffsets');
    const offsets = topics.flatMap((t) => t.partitions.map((p) => ({ topic_name: t.topic, partition_id: p.partition, offset: Number(p.offset), ...(p.metadata === undefined ? {} : { metadata: p.metadata }) })));
    if (offsets.length === 0) return;
    await this.call('offsets', { consumer_group_id: consumerGroupId, offsets });
    this.offsetsSent = true;
  }

  /** EndTxn, after the caller flushed every batch. A transaction that wrote nothing ends without a request. */
  async end(commit: boolean): Promise<void> {
    this.requireActive(commit ? 'commit' : 'abort');
    try {
      if (commit && this.failure) {
        if (this.added.size > 0 || this.offsetsSent) await this.call('end', { commit: false });
        throw this.failure;
      }
      if (this.added.size > 0 || this.offsetsSent) await this.call('end', { commit });
    } finally {
      this.active = false;
    }
  }

  private requireActive(what: string): void {
    if (!this.active) throw new KafkaJSNonRetriableError(`Cannot ${what}: no transaction is in progress (call producer.transaction() first).`);
  }

  private async call(op: 'partitions' | 'offsets' | 'end', body: Record<string, unknown>): Promise<void> {
    const { producerId, producerEpoch } = await this.identity();
    await this.http.json({
      method: 'POST',
      path: `v3/clusters/{cluster}/transactions/${encodeURIComponent(this.transactionalId)}/${op}`,
      json: { producer_id: producerId, producer_epoch: producerEpoch, ...body },
    });
  }
}
