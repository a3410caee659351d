// kafkajs's producer API over Brook's binary produce: send() appends to the accumulator and
// resolves when its records are acknowledged (or at once with acks 0).
import { StickyPartitioner, partitionForKey } from '../../log/partitioner';
import { CompressionTypes, supportsCodec } from '../../log/compression';
import { KafkaJSError, KafkaJSNonRetriableError, KafkaJSProtocolError } from '../errors';
import type { HttpClient } from '../http';
import type { Metadata } from '../metadata';
import type { RetryOptions } from '../retry';
import { RecordAccumulator, type ProducerBatch } from './accumulator';
import { Partitioners, keyBytes, type ICustomPartitioner } from './partitioners';
import { toRecord, type Message, type RecordMetadata } from './messages';
import { Sender } from './sender';
import { Sequences } from './sequence';
import { TransactionManager, type SendOffsetsRequest } from './transaction';

export interface ProducerConfig {
  /** Kafka's transactional.id: enables producer.transaction() (needs idempotence). */
  transactionalId?: string;
  /** Kafka's transaction.timeout.ms (default 60000): the server aborts a transaction open longer. */
  transactionTimeout?: number;
  /** Kafka's enable.idempotence, on by default. */
  idempotent?: boolean;
  /** Requests in flight at once (≤ 5 when idempotent). Default 5. */
  maxInFlightRequests?: number;
  /** How long a batch waits for more records before it is sent. Default 100 ms (see docs/SDK.md). */
  lingerMs?: number;
  /** A batch is sent once it holds this many bytes (uncompressed). Default 1 MiB. */
  batchSize?: number;
  /** Bytes of batches in one request. Default 5 MiB (Lambda takes 6 MB). */
  maxRequestSize?: number;
  /** Default for send(): -1 (all), 1 or 0 (do not wait). */
  acks?: number;
  /** Default codec for send(): CompressionTypes.None. */
  compression?: number;
  createPartitioner?: ICustomPartitioner;
  retry?: RetryOptions;
  /** How long topic metadata (partition counts) is cached. Default 5 minutes. */
  metadataMaxAge?: number;
}

export interface ProducerRecord {
  topic: string;
  messages: Message[];
  acks?: number;
  /** Ignored: an acknowledgement waits for the S3 PUT and the DynamoDB commit. */
  timeout?: number;
  compression?: number;
}

export interface ProducerBatchRequest {
  topicMessages: Array<{ topic: string; messages: Message[] }>;
  acks?: number;
  timeout?: number;
  compression?: number;
}

export class Producer {
  private readonly acc: RecordAccumulator;
  private readonly sender: Sender;
  private readonly sequences?: Sequences;
  private readonly sticky = new StickyPartitioner();
  private readonly partitioner?: ReturnType<ICustomPartitioner>;
  private idempotent: boolean;
  private connected = false;
  private readonly txn?: TransactionManager;

  constructor(
    private readonly http: HttpClient,
    private readonly metadata: Metadata,
    private readonly config: ProducerConfig = {},
  ) {
    const maxInFlight = config.maxInFlightRequests ?? 5;
    this.idempotent = config.idempotent ?? true;
    if (this.idempotent && maxInFlight > 5) throw new KafkaJSNonRetriableError('An idempotent producer allows at most 5 requests in flight (maxInFlightRequests).');
    if (config.createPartitioner && config.createPartitioner !== Partitioners.DefaultPartitioner) this.partitioner = config.createPartitioner();
    this.acc = new RecordAccumulator({ batchSize: config.batchSize ?? 1024 * 1024, lingerMs: config.lingerMs ?? 100, maxRequestSize: config.maxRequestSize ?? 5 * 1024 * 1024 });
    this.sequences = this.idempotent ? new Sequences(() => this.initProducerId()) : undefined;
    this.sender = new Sender(this.acc, http, this.sequences, Math.max(1, maxInFlight));
    if (config.transactionalId !== undefined) {
      if (!this.sequences) throw new KafkaJSNonRetriableError('A transactional producer must be idempotent (idempotent: true).');
      this.txn = new TransactionManager(config.transactionalId, http, () => this.sequences!.current());
      this.sender.txn = this.txn;
    }
  }

  /**
   * Starts a transaction (kafkajs): its sends are committed or aborted together, with the group
   * offsets given to sendOffsets. Only one at a time per producer.
   */
  async transaction(): Promise<Transaction> {
    if (!this.txn) throw new KafkaJSNonRetriableError('Transactions need a transactionalId in the producer config.');
    if (!this.connected) throw new KafkaJSError('The producer is disconnected', { retriable: false });
    this.txn.begin();
    const txn = this.txn;
    const end = async (commit: boolean) => {
      await this.flush();
      await txn.end(commit);
    };
    return {
      send: (record) => this.sendBatch({ topicMessages: [{ topic: record.topic, messages: record.messages }], acks: record.acks, compression: record.compression }, true),
      sendBatch: (batch) => this.sendBatch(batch, true),
      sendOffsets: (request) => txn.sendOffsets(request),
      commit: () => end(true),
      abort: () => end(false),
      isActive: () => txn.inTransaction,
    };
  }

  isTransactional(): boolean {
    return this.txn !== undefined;
  }

  /** Resolves the cluster and, when idempotent, gets a producer id (Kafka's InitProducerId). */
  async connect(): Promise<void> {
    await this.http.clusterId();
    if (this.sequences) {
      try {
        await this.sequences.current();
      } catch (err) {
        // Kafka 3.2+ (KIP-679): idempotence that was not asked for explicitly is dropped when the
        // server cannot offer it; asked for explicitly, it is an error.
        if (this.config.idempotent !== undefined || !(err instanceof KafkaJSProtocolError) || err.type !== 'NOT_FOUND') throw err;
        this.http.logger.warn('The server has no InitProducerId route; producing without idempotence.');
        this.idempotent = false;
        this.sender.sequences = undefined;
      }
    }
    this.connected = true;
  }

  isIdempotent(): boolean {
    return this.idempotent;
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    this.outsideTransaction();
    return this.sendBatch({ topicMessages: [{ topic: record.topic, messages: record.messages }], acks: record.acks, compression: record.compression });
  }

  async sendBatch({ topicMessages, acks = this.config.acks ?? -1, compression = this.config.compression ?? CompressionTypes.None }: ProducerBatchRequest, inTransaction = false): Promise<RecordMetadata[]> {
    if (!inTransaction) this.outsideTransaction();
    else if (!this.txn?.inTransaction) throw new KafkaJSNonRetriableError('The transaction has ended; start another with producer.transaction().');
    if (!this.connected) throw new KafkaJSError('The producer is disconnected', { retriable: false });
    if (!Array.isArray(topicMessages)) throw new KafkaJSNonRetriableError(`Invalid topicMessages ${String(topicMessages)}`);
    if (![0, 1, -1].includes(acks)) throw new KafkaJSNonRetriableError(`Invalid acks ${acks}: use -1, 1 or 0`);
    if (!supportsCodec(compression, 'compress')) {
      throw new KafkaJSNonRetriableError(compression === CompressionTypes.ZSTD ? `zstd compression needs Node.js ≥ 22.15; this is ${process.version}` : `Unknown compression codec ${compression}`);
    }
    // Everything is checked before anything is appended: a send is accepted whole or not at all.
    const now = Date.now();
    const planned: Array<{ topic: string; message: Message; record: ReturnType<typeof toRecord>; count: number }> = [];
    for (const { topic, messages } of topicMessages) {
      if (!topic || typeof topic !== 'string') throw new KafkaJSNonRetriableError(`Invalid topic ${String(topic)}`);
      if (!Array.isArray(messages)) throw new KafkaJSNonRetriableError(`Invalid messages array [${String(messages)}] for topic "${topic}"`);
      const count = await this.metadata.partitionCount(topic);
      for (const message of messages) {
        const record = toRecord(topic, message, now);
        if (message.partition !== undefined && !(Number.isInteger(message.partition) && message.partition >= 0 && message.partition < count)) {
          throw new KafkaJSProtocolError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${message.partition} of topic '${topic}' does not exist; it has ${count} partitions.`);
        }
        planned.push({ topic, message, record, count });
      }
    }
    const placed = planned.map(({ topic, message, record, count }) => {
      const partition = this.partition(topic, message, count, record, compression);
      return { topic, partition, ...this.acc.append(topic, partition, record, compression, now) };
    });
    this.sender.wake();
    return acks === 0 ? this.unacknowledged(placed) : this.acknowledged(placed);
  }

  /** Sends every buffered batch now and waits for their answers (Java's flush()). */
  async flush(): Promise<void> {
    await this.sender.flush();
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    await this.flush();
    this.connected = false;
    this.sender.close();
  }

  /** Explicit partition > custom partitioner > murmur2 of the key > sticky for keyless records. */
  private partition(topic: string, message: Message, count: number, record: ReturnType<typeof toRecord>, codec: number): number {
    if (message.partition !== undefined) return message.partition;
    if (this.partitioner) {
      const partitionMetadata = Array.from({ length: count }, (_, p) => ({ partitionErrorCode: 0, partitionId: p, leader: 0, replicas: [0], isr: [0], offlineReplicas: [] }));
      const p = this.partitioner({ topic, partitionMetadata, message });
      if (!Number.isInteger(p) || p < 0 || p >= count) throw new KafkaJSNonRetriableError(`The partitioner chose partition ${p} of '${topic}', which has ${count}.`);
      return p;
    }
    const key = keyBytes(message.key);
    if (key) return partitionForKey(key, count);
    let p = this.sticky.partition(topic, count);
    if (this.acc.startsNewBatch(topic, p, record, codec)) {
      this.sticky.onNewBatch(topic, p);
      p = this.sticky.partition(topic, count);
    }
    return p;
  }

  private unacknowledged(placed: Array<{ topic: string; partition: number }>): RecordMetadata[] {
    const seen = new Map<string, RecordMetadata>();
    for (const { topic, partition } of placed) seen.set(`${topic}\u0000${partition}`, { topicName: topic, partition, errorCode: 0, offset: '-1', baseOffset: '-1' });
    return [...seen.values()];
  }

  /** One entry per topic-partition, with the offset of this send's first record there. */
  private async acknowledged(placed: Array<{ topic: string; partition: number; batch: ProducerBatch; index: number }>): Promise<RecordMetadata[]> {
    const results = await Promise.all(placed.map((p) => p.batch.done));
    const seen = new Map<string, RecordMetadata>();
    placed.forEach(({ topic, partition, index }, i) => {
      const key = `${topic}\u0000${partition}`;
      if (seen.has(key)) return;
      const r = results[i]!;
      const offset = String(r.baseOffset < 0 ? -1 : r.baseOffset + index);
      const appendTime = String(r.logAppendTime);
      seen.set(key, { topicName: topic, partition, errorCode: 0, offset, baseOffset: offset, timestamp: appendTime, logAppendTime: appendTime, logStartOffset: '-1' });
    });
    return [...seen.values()];
  }

  /** kafkajs refuses plain sends on a transactional producer. */
  private outsideTransaction(): void {
    if (this.txn) throw new KafkaJSNonRetriableError('A transactional producer sends within a transaction: producer.transaction(), then tx.send().');
  }

  private async initProducerId() {
    const json = this.config.transactionalId === undefined ? {} : { transactional_id: this.config.transactionalId, ...(this.config.transactionTimeout ? { transaction_timeout_ms: this.config.transactionTimeout } : {}) };
    const r = await this.http.json<{ producer_id: number; producer_epoch: number }>({ method: 'POST', path: 'v3/clusters/{cluster}/producers', json });
    return { producerId: r.producer_id, producerEpoch: r.producer_epoch };
  }
}

/** kafkajs's Transaction. */
export interface Transaction {
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
  sendBatch(batch: ProducerBatchRequest): Promise<RecordMetadata[]>;
  sendOffsets(request: SendOffsetsRequest): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  isActive(): boolean;
}
