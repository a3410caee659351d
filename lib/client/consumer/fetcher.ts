// One poll: `POST /v3/clusters/{id}/fetch` for every fetchable partition (a long poll when none
// has records), answered as whole Kafka v2 batches per partition and decoded (decompressed) here.
import { decodeFetchResponse } from '../../http/fetch-frames';
import { RECORD_BATCH_OVERHEAD, splitBatches, type BatchHeader } from '../../log/batch-header';
import { decodeRecords, type DecodedRecord } from '../../log/records';
import { errorNameOf, KafkaJSOffsetOutOfRange, KafkaJSProtocolError } from '../errors';
import type { HttpClient } from '../http';

export const FETCH_CONTENT_TYPE = 'application/vnd.brook.fetch';
/** The server's cap on one fetch answer: Lambda answers 6 MB at most, binary goes base64 through API Gateway. */
export const MAX_FETCH_BYTES = 4 * 1024 * 1024;
export const MAX_FETCH_PARTITIONS = 1000;

export interface FetchTarget {
  topic: string;
  partition: number;
  offset: number;
}

export interface DecodedBatch {
  header: BatchHeader;
  records: DecodedRecord[];
}

export interface PartitionFetch extends FetchTarget {
  error?: KafkaJSProtocolError;
  highWatermark: number;
  logStartOffset: number;
  /** Where the next fetch starts: past the last batch, and past compaction gaps (the server's next_offset). */
  nextOffset: number;
  batches: DecodedBatch[];
}

export interface FetcherOptions {
  maxWaitTimeInMs: number;
  isolationLevel: 'read_committed' | 'read_uncommitted';
  maxBytes: number;
  maxBytesPerPartition: number;
}

export class Fetcher {
  private rotation = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly o: FetcherOptions,
  ) {}

  async fetch(targets: FetchTarget[], signal?: AbortSignal): Promise<PartitionFetch[]> {
    // The server fills its byte budget in request order, and takes at most 1,000 partitions:
    // start somewhere else each time.
    const start = this.rotation++ % targets.length;
    const ordered = [...targets.slice(start), ...targets.slice(0, start)].slice(0, MAX_FETCH_PARTITIONS);
    const res = await this.http.send({
      method: 'POST',
      path: 'v3/clusters/{cluster}/fetch',
      json: {
        max_wait_ms: this.o.maxWaitTimeInMs,
        isolation_level: this.o.isolationLevel,
        max_bytes: Math.min(this.o.maxBytes, MAX_FETCH_BYTES),
        partitions: ordered.map((t) => ({ topic_name: t.topic, partition_id: t.partition, offset: t.offset, max_bytes: Math.min(this.o.maxBytesPerPartition, MAX_FETCH_BYTES) })),
      },
      accept: FETCH_CONTENT_TYPE,
      waitMs: this.o.maxWaitTimeInMs,
      signal,
    });
    const answers = decodeFetchResponse(res.body);
    return ordered.map((t, i) => {
      const a = answers[i];
      if (!a || a.topic_name !== t.topic || a.partition_id !== t.partition) {
        throw new KafkaJSProtocolError('CORRUPT_MESSAGE', `The fetch answer does not list ${t.topic}-${t.partition} in place ${i}.`, { retriable: true });
      }
      const out = { ...t, highWatermark: a.high_watermark, logStartOffset: a.log_start_offset, nextOffset: t.offset, batches: [] as DecodedBatch[] };
      if (a.error_code !== 0) {
        const type = a.error_name ?? errorNameOf(a.error_code);
        const message = a.message ?? type;
        const error = type === 'OFFSET_OUT_OF_RANGE' ? new KafkaJSOffsetOutOfRange(message, t.topic, t.partition) : new KafkaJSProtocolError(type, message, { code: a.error_code });
        return { ...out, error };
      }
      try {
        const batches = decodeBatches(a.batches);
        return { ...out, batches, nextOffset: Math.max(a.next_offset ?? t.offset, nextOffsetAfter(batches, t.offset)) };
      } catch (err) {
        return { ...out, error: new KafkaJSProtocolError('CORRUPT_MESSAGE', `${t.topic}-${t.partition}: ${(err as Error).message}`, { retriable: false }) };
      }
    });
  }
}

/** The offset after the last batch: past control records and records removed by compaction. */
export const nextOffsetAfter = (batches: DecodedBatch[], from: number) =>
  batches.reduce((next, { header }) => Math.max(next, header.baseOffset + header.lastOffsetDelta + 1), from);

/** Whole v2 batches, CRC-checked and decompressed. */
export function decodeBatches(bytes: Buffer): DecodedBatch[] {
  return splitBatches(bytes).map(({ start, header }) => ({
    header,
    records: decodeRecords(bytes.subarray(start + RECORD_BATCH_OVERHEAD, start + header.sizeInBytes), header),
  }));
}
