// The idempotent producer's identity (Kafka's producer id and epoch, from InitProducerId) and its
// sequence numbers: per partition, from 0, each batch's baseSequence advancing by its record count.
export interface ProducerIdentity {
  producerId: number;
  producerEpoch: number;
}

export interface BatchIdentity extends ProducerIdentity {
  baseSequence: number;
}

/** Sequences are int32. Kafka wraps them to 0; Brook's server does not, so the SDK takes a new id instead. */
const MAX_SEQUENCE = 0x7fffffff;

export class Sequences {
  private identity?: Promise<ProducerIdentity>;
  private resolved?: ProducerIdentity;
  private readonly next = new Map<string, number>();

  constructor(private readonly initProducerId: () => Promise<ProducerIdentity>) {}

  /** The current identity, asking the server for one the first time and after a bump. */
  current(): Promise<ProducerIdentity> {
    this.identity ??= this.initProducerId().then(
      (id) => (this.resolved = id),
      (err) => {
        this.identity = undefined;
        throw err;
      },
    );
    return this.identity;
  }

  /** Sequence numbers for a batch of `count` records of `partitionKey`, under the current identity. */
  async assign(partitionKey: string, count: number): Promise<BatchIdentity> {
    for (;;) {
      const id = await this.current();
      if (!this.isCurrent(id)) continue; // bumped while we waited: the sequences below belong to the next id
      const baseSequence = this.next.get(partitionKey) ?? 0;
      if (baseSequence > MAX_SEQUENCE - count + 1) {
        this.bump(id);
        continue;
      }
      this.next.set(partitionKey, baseSequence + count);
      return { ...id, baseSequence };
    }
  }

  /** Give back the sequences of a batch the server did not write, if nothing was assigned after it. */
  rollback(partitionKey: string, batch: BatchIdentity, count: number): boolean {
    if (!this.isCurrent(batch) || this.next.get(partitionKey) !== batch.baseSequence + count) return false;
    this.next.set(partitionKey, batch.baseSequence);
    return true;
  }

  /**
   * Start over under a new producer id (Kafka bumps the epoch; Brook's InitProducerId hands out a
   * fresh id at epoch 0), every partition from sequence 0. Only the first caller for a given
   * identity bumps: batches failing together cause one InitProducerId.
   */
  bump(from: ProducerIdentity): void {
    if (!this.isCurrent(from)) return;
    this.resolved = undefined;
    this.identity = undefined;
    this.next.clear();
  }

  private isCurrent(id: ProducerIdentity): boolean {
    return this.resolved !== undefined && this.resolved.producerId === id.producerId && this.resolved.producerEpoch === id.producerEpoch;
  }
}
