// Kafka's RecordAccumulator: records wait in one open batch per partition until the batch is
// full (batchSize) or has waited lingerMs; then one request carries the first batch of every
// partition that has one. A partition has at most one batch in flight, so its batches are
// written in order whatever the HTTP layer does (see docs/SDK.md).
import { RECORD_BATCH_OVERHEAD } from '../../log/batch-header';
import { sizeOfRecordBody, type BrookRecord } from '../../log/records';
import { sizeOfVarint } from '../../log/varint';
import type { BatchIdentity } from './sequence';

export interface BatchResult {
  baseOffset: number;
  logAppendTime: number;
}

export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class ProducerBatch {
  readonly records: BrookRecord[] = [];
  /** Encoded size without compression: exact, since deltas are known at append time. */
  size = RECORD_BATCH_OVERHEAD;
  /** No more appends: full, or taken by a drain. */
  sealed = false;
  inFlight = false;
  /** Send alone: a request it shared was refused as a whole. */
  solo = false;
  attempts = 0;
  retryAt = 0;
  firstSentAt = 0;
  /** Set at the first drain and kept for every retry, so a retry is byte for byte the same batch. */
  encoded?: Buffer;
  identity?: BatchIdentity;
  readonly done: Promise<BatchResult>;
  resolve!: (r: BatchResult) => void;
  reject!: (e: unknown) => void;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly codec: number,
    readonly createdAt: number,
  ) {
    this.done = new Promise((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    this.done.catch(() => {}); // acks=0 sends never look; the sender logs failures
  }

  get key(): string {
    return partitionKey(this.topic, this.partition);
  }

  sizeWith(record: BrookRecord): number {
    const base = this.records[0]?.timestamp ?? record.timestamp;
    const body = sizeOfRecordBody(record, record.timestamp - base, this.records.length);
    return this.size + sizeOfVarint(body) + body;
  }
}

export interface AccumulatorOptions {
  batchSize: number;
  lingerMs: number;
  maxRequestSize: number;
}

export class RecordAccumulator {
  private readonly queues = new Map<string, ProducerBatch[]>();
  private drainFrom = 0;

  constructor(private readonly o: AccumulatorOptions) {}

  /** True if `record` cannot join the partition's open batch (the sticky partitioner moves on). */
  startsNewBatch(topic: string, partition: number, record: BrookRecord, codec: number): boolean {
    const last = this.queues.get(partitionKey(topic, partition))?.at(-1);
    return !last || last.sealed || last.codec !== codec || (last.records.length > 0 && last.sizeWith(record) > this.o.batchSize);
  }

  append(topic: string, partition: number, record: BrookRecord, codec: number, now: number): { batch: ProducerBatch; index: number } {
    const key = partitionKey(topic, partition);
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = []));
    let batch = queue.at(-1);
    if (!batch || this.startsNewBatch(topic, partition, record, codec)) {
      if (batch) batch.sealed = true;
      queue.push((batch = new ProducerBatch(topic, partition, codec, now)));
    }
    batch.size = batch.sizeWith(record);
    batch.records.push(record);
    if (batch.size >= this.o.batchSize) batch.sealed = true;
    return { batch, index: batch.records.length - 1 };
  }

  /**
   * Whether a request should go now: some partition's first batch is full, has lingered long
   * enough, is due for a retry, or a flush is waiting. Otherwise, when to look again.
   */
  ready(now: number, flushing: boolean): { ready: boolean; wakeAt: number } {
    let wakeAt = Infinity;
    for (const queue of this.queues.values()) {
      const head = queue[0];
      if (!head || head.inFlight) continue;
      const due = head.attempts > 0 ? head.retryAt : flushing || head.sealed || queue.length > 1 ? now : head.createdAt + this.o.lingerMs;
      if (due <= now) return { ready: true, wakeAt: now };
      wakeAt = Math.min(wakeAt, due);
    }
    return { ready: false, wakeAt };
  }

  /** The first batch of every partition that can go, up to maxRequestSize; marks them in flight. */
  drain(now: number): ProducerBatch[] {
    const queues = [...this.queues.values()];
    const out: ProducerBatch[] = [];
    let bytes = 0;
    for (let i = 0; i < queues.length; i++) {
      const head = queues[(this.drainFrom + i) % queues.length]![0];
      if (!head || head.inFlight || (head.attempts > 0 && head.retryAt > now)) continue;
      const size = head.encoded?.length ?? head.size;
      if (out.length > 0 && (head.solo || out[0]!.solo || bytes + size > this.o.maxRequestSize)) continue;
      out.push(head);
      bytes += size;
    }
    this.drainFrom = queues.length ? (this.drainFrom + 1) % queues.length : 0;
    for (const b of out) {
      b.sealed = true;
      b.inFlight = true;
      if (!b.firstSentAt) b.firstSentAt = now;
    }
    return out;
  }

  /** The batch is done (acknowledged or failed for good): the partition's next batch may go. */
  remove(batch: ProducerBatch): void {
    const queue = this.queues.get(batch.key);
    if (!queue) return;
    const i = queue.indexOf(batch);
    if (i >= 0) queue.splice(i, 1);
    if (queue.length === 0) this.queues.delete(batch.key);
  }

  batches(): ProducerBatch[] {
    return [...this.queues.values()].flat();
  }
}
