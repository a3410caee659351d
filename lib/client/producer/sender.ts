// Kafka's Sender: drains the accumulator into `POST /v3/clusters/{id}/batches` requests (one
// request, hence one S3 object, per drain), at most maxInFlightRequests at a time, and settles
// each batch from its partition's answer: acknowledged, retried (the same bytes, so the same
// producer id, epoch and sequence), or failed.
import { encodeFrames } from '../../http/batch-frames';
import { compressBatch } from '../../log/compression';
import { encodeRecordBatch } from '../../log/record-batch';
import { errorNameOf, KafkaJSError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, shouldRetry } from '../errors';
import type { HttpClient } from '../http';
import { backoff } from '../retry';
import type { ProducerBatch, RecordAccumulator } from './accumulator';
import type { Sequences } from './sequence';
import type { TransactionManager } from './transaction';

export const BATCHES_CONTENT_TYPE = 'application/vnd.brook.batches';

interface PartitionAnswer {
  topic_name: string;
  partition_id: number;
  error_code: number;
  error: { message?: string; error_name?: string; retriable?: boolean } | null;
  base_offset: number;
  log_append_time: number;
  duplicate?: boolean;
}

/** Sequence errors: the server's producer state disagrees with ours. */
const SEQUENCE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'INVALID_PRODUCER_EPOCH', 'UNKNOWN_PRODUCER_ID']);

export class Sender {
  private inFlight = 0;
  private timer?: NodeJS.Timeout;
  private scheduled = false;
  private flushing = 0;
  /** Set for a transactional producer: batches are transactional and their partitions added first. */
  txn?: TransactionManager;

  constructor(
    private readonly acc: RecordAccumulator,
    private readonly http: HttpClient,
    /** Undefined when not idempotent. */
    public sequences: Sequences | undefined,
    private readonly maxInFlightRequests: number,
  ) {}

  /** Look at the accumulator soon (appends of the same tick share one look). */
  wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.run();
    });
  }

  /** Send every batch now, ignoring linger, and wait until the ones present now are settled. */
  async flush(): Promise<void> {
    const batches = this.acc.batches();
    this.flushing++;
    this.wake();
    try {
      await Promise.allSettled(batches.map((b) => b.done));
    } finally {
      this.flushing--;
    }
  }

  close(): void {
    clearTimeout(this.timer);
  }

  private run(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight < this.maxInFlightRequests) {
      const now = Date.now();
      const { ready, wakeAt } = this.acc.ready(now, this.flushing > 0);
      if (!ready) {
        if (wakeAt !== Infinity) this.timer = setTimeout(() => this.run(), Math.max(1, wakeAt - now));
        return;
      }
      const batches = this.acc.drain(now);
      if (batches.length === 0) return;
      this.inFlight++;
      void this.send(batches).finally(() => {
        this.inFlight--;
        this.wake();
      });
    }
  }

  private async send(batches: ProducerBatch[]): Promise<void> {
    let answers: PartitionAnswer[];
    try {
      if (this.txn) await this.txn.ensurePartitions(batches);
      for (const b of batches) await this.encode(b);
      const body = encodeFrames(batches.map((b) => ({ topic: b.topic, partition: b.partition, batches: b.encoded! })));
      const query = this.txn ? { transactional_id: this.txn.transactionalId } : undefined;
      const res = await this.http.send({ method: 'POST', path: 'v3/clusters/{cluster}/batches', query, body, contentType: BATCHES_CONTENT_TYPE });
      answers = (JSON.parse(res.body.toString('utf8')) as { data: PartitionAnswer[] }).data;
    } catch (err) {
      // The whole request failed: nothing was written (4xx), or we do not know (5xx, no answer).
      for (const b of batches) this.settle(b, err, batches.length);
      return;
    }
    for (const b of batches) {
      const a = answers.find((x) => x.topic_name === b.topic && x.partition_id === b.partition);
      if (!a) this.settle(b, new KafkaJSError(`No answer for ${b.topic}-${b.partition}`), 1);
      else if (a.error_code === 0 || a.error_code === 46) {
        // 46 DUPLICATE_SEQUENCE_NUMBER: written long ago, offset unknown (the Java client's answer too).
        this.done(b, { baseOffset: a.error_code === 0 ? a.base_offset : -1, logAppendTime: a.log_append_time ?? -1 });
      } else {
        const type = a.error?.error_name ?? errorNameOf(a.error_code);
        this.settle(b, new KafkaJSProtocolError(type, a.error?.message ?? type, { code: a.error_code, retriable: a.error?.retriable }), 1);
      }
    }
  }

  /** Encoded once, at the first drain: sequence numbers are taken then, in partition order. */
  private async encode(b: ProducerBatch): Promise<void> {
    if (b.encoded) return;
    b.identity = this.sequences ? await this.sequences.assign(b.key, b.records.length) : undefined;
    const plain = encodeRecordBatch(b.records, { ...b.identity, isTransactional: this.txn !== undefined });
    const compressed = b.codec ? compressBatch(plain, b.codec) : plain;
    // Incompressible records are sent as they are: a batch that grew could exceed max.message.bytes.
    b.encoded = compressed.length < plain.length ? compressed : plain;
  }

  private done(b: ProducerBatch, result: { baseOffset: number; logAppendTime: number }): void {
    this.acc.remove(b);
    b.resolve(result);
  }

  private settle(b: ProducerBatch, err: unknown, sharedWith: number): void {
    b.inFlight = false;
    const now = Date.now();
    const type = err instanceof KafkaJSProtocolError ? err.type : undefined;
    if (type === 'UNKNOWN_PRODUCER_ID' && b.identity && this.sequences && !this.txn && b.attempts < this.http.retry.retries) {
      // The server has no state for our id on this partition (so it did not write this batch):
      // start over with a new id and send the batch again under it, as the Java client does.
      this.sequences.bump(b.identity);
      this.reencode(b, now);
      return;
    }
    const retry = this.http.retry;
    const wait = backoff(b.attempts, retry);
    if (shouldRetry(err) && b.attempts < retry.retries && now - b.firstSentAt + wait <= retry.maxRetryTime) {
      b.attempts++;
      b.retryAt = now + wait;
      return;
    }
    if (sharedWith > 1 && !b.solo && err instanceof KafkaJSProtocolError && !err.retriable && (err.status ?? 500) < 500) {
      b.solo = true; // refused as a whole before anything was written: find out which batch is at fault
      return;
    }
    this.acc.remove(b);
    b.reject(shouldRetry(err) ? new KafkaJSNumberOfRetriesExceeded(err, b.attempts, now - b.firstSentAt) : err);
    // In a transaction a failed batch dooms the transaction (commit aborts it); a new producer id
    // would abort it too, so the sequences are only given back when that is safe.
    this.txn?.fail(err);
    if (b.identity && this.sequences && this.txn) {
      const notWritten = err instanceof KafkaJSProtocolError && !err.retriable && (err.status ?? 0) < 500 && !SEQUENCE_ERRORS.has(err.type);
      if (notWritten) this.sequences.rollback(b.key, b.identity, b.records.length);
    } else if (b.identity && this.sequences) {
      // Later batches must not leave a gap: give the sequences back if the server surely did not
      // write this batch, else continue under a new producer id.
      const notWritten = err instanceof KafkaJSProtocolError && !err.retriable && (err.status ?? 0) < 500 && !SEQUENCE_ERRORS.has(err.type);
      if (!notWritten || !this.sequences.rollback(b.key, b.identity, b.records.length)) this.sequences.bump(b.identity);
    }
    this.http.logger.error('Failed to send a batch', { topic: b.topic, partition: b.partition, records: b.records.length, error: (err as Error)?.message });
  }

  private reencode(b: ProducerBatch, now: number): void {
    b.encoded = undefined;
    b.identity = undefined;
    b.attempts++;
    b.retryAt = now;
  }
}
