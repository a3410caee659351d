// kafkajs's shapes for what a consumer hands to eachMessage / eachBatch.
import type { DecodedBatch } from './fetcher';

/** Header values as bytes; null where the producer wrote a null value (kafkajs cannot, Java can). */
export interface IHeaders {
  [key: string]: Buffer | null | Array<Buffer | null> | undefined;
}

export interface KafkaMessage {
  key: Buffer | null;
  value: Buffer | null;
  /** Milliseconds since the epoch, as a string. */
  timestamp: string;
  attributes: number;
  offset: string;
  headers: IHeaders;
}

export interface Batch {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: KafkaMessage[];
  isEmpty(): boolean;
  firstOffset(): string | null;
  lastOffset(): string;
  offsetLag(): string;
  offsetLagLow(): string;
}

/** Records at or after `from`, in kafkajs's message shape; control batches are skipped. */
export function toMessages(batches: DecodedBatch[], from: number): KafkaMessage[] {
  const out: KafkaMessage[] = [];
  for (const { header, records } of batches) {
    if (header.isControlBatch) continue;
    for (const r of records) {
      if (r.offset < from) continue;
      const headers: IHeaders = {};
      for (const h of r.headers) {
        const value = h.value;
        const seen = headers[h.key];
        headers[h.key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
      }
      out.push({ key: r.key, value: r.value, timestamp: String(r.timestamp), attributes: 0, offset: String(r.offset), headers });
    }
  }
  return out;
}

export function toBatch(topic: string, partition: number, highWatermark: number, messages: KafkaMessage[]): Batch {
  const last = () => (messages.length ? messages[messages.length - 1]!.offset : String(highWatermark - 1));
  return {
    topic,
    partition,
    highWatermark: String(highWatermark),
    messages,
    isEmpty: () => messages.length === 0,
    firstOffset: () => messages[0]?.offset ?? null,
    lastOffset: last,
    offsetLag: () => String(highWatermark - 1 - Number(last())),
    offsetLagLow: () => String(highWatermark - 1 - Number(messages[0]?.offset ?? last())),
  };
}
