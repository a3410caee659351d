// kafkajs's message and RecordMetadata shapes, and their conversion to Brook records.
import type { BrookRecord, RecordHeader } from '../../log/record-batch';
import { KafkaJSNonRetriableError } from '../errors';

export type HeaderValue = Buffer | string | null | undefined | Array<Buffer | string>;
export interface IHeaders {
  [key: string]: HeaderValue;
}

export interface Message {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  /** An explicit partition wins over the partitioner. */
  partition?: number;
  headers?: IHeaders;
  /** Milliseconds since the epoch, as a string (kafkajs) or a number; default now. */
  timestamp?: string | number;
}

/** One per topic-partition a send touched, as kafkajs answers (offsets as strings). */
export interface RecordMetadata {
  topicName: string;
  partition: number;
  errorCode: number;
  /** Offset of the send's first record in this partition ('-1' with acks 0). */
  offset?: string;
  baseOffset?: string;
  /** The broker's append time for LogAppendTime topics, else '-1'. */
  timestamp?: string;
  logAppendTime?: string;
  logStartOffset?: string;
}

const bytes = (v: Buffer | string | null | undefined): Buffer | null =>
  v === null || v === undefined ? null : Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v as Uint8Array);

function headersOf(h: IHeaders | undefined): RecordHeader[] {
  const out: RecordHeader[] = [];
  for (const [key, value] of Object.entries(h ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.push({ key, value: bytes(v) });
    else out.push({ key, value: bytes(value) });
  }
  return out;
}

export function toRecord(topic: string, m: Message, now: number): BrookRecord {
  if (!m || typeof m !== 'object') throw new KafkaJSNonRetriableError(`Invalid message for topic "${topic}": ${String(m)}`);
  if (m.value === undefined) throw new KafkaJSNonRetriableError(`Invalid message without value for topic "${topic}"`);
  const timestamp = m.timestamp === undefined || m.timestamp === null ? now : Number(m.timestamp);
  if (!Number.isSafeInteger(timestamp)) throw new KafkaJSNonRetriableError(`Invalid timestamp ${String(m.timestamp)} for topic "${topic}"`);
  return { key: bytes(m.key), value: bytes(m.value), headers: headersOf(m.headers), timestamp };
}
