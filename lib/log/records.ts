// The records section of a v2 batch; each record is
//   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint
//   | keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value
//   | headersCount varint | headers: keyLength varint | key UTF-8 | valueLength varint (-1 = null) | value
// where length counts the bytes after itself.
import { Reader, Writer } from './bytes';
import type { BatchHeader } from './batch-header';
import { decompress } from './compression';
import { CorruptBatchError } from './errors';
import { sizeOfVarint, sizeOfVarlong } from './varint';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface BrookRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** Milliseconds since the epoch. */
  timestamp: number;
}

export interface DecodedRecord extends BrookRecord {
  offset: number;
}

const sizeOfNullableBytes = (b: Uint8Array | null) => (b === null ? 1 : sizeOfVarint(b.length) + b.length);

/** Bytes of a record after its length prefix. */
export function sizeOfRecordBody(record: BrookRecord, timestampDelta: number, offsetDelta: number): number {
  let size = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta);
  size += sizeOfNullableBytes(record.key) + sizeOfNullableBytes(record.value);
  size += sizeOfVarint(record.headers.length);
  for (const h of record.headers) {
    const keyLength = Buffer.byteLength(h.key, 'utf8');
    size += sizeOfVarint(keyLength) + keyLength + sizeOfNullableBytes(h.value);
  }
  return size;
}

function writeNullableBytes(w: Writer, b: Uint8Array | null): void {
  if (b === null) w.varint(-1);
  else w.varint(b.length).bytes(b);
}

/** Writes one record; `bodySize` comes from sizeOfRecordBody with the same deltas. */
export function writeRecord(w: Writer, record: BrookRecord, timestampDelta: number, offsetDelta: number, bodySize: number): void {
  w.varint(bodySize).int8(0).varlong(timestampDelta).varint(offsetDelta); // record attributes are unused
  writeNullableBytes(w, record.key);
  writeNullableBytes(w, record.value);
  w.varint(record.headers.length);
  for (const h of record.headers) {
    writeNullableBytes(w, Buffer.from(h.key, 'utf8'));
    writeNullableBytes(w, h.value);
  }
}

const corrupt = (message: string) => new CorruptBatchError(message);

function readNullableBytes(r: Reader, what: string): Buffer | null {
  const n = r.varint();
  if (n === -1) return null;
  if (n < 0) throw corrupt(`negative ${what} length ${n}`);
  return r.bytes(n);
}

/**
 * Decodes `header.recordCount` records that must fill the records section exactly. `stored` is
 * the section as stored, compressed with `header.compression` (see compression.ts) or not.
 */
export function decodeRecords(stored: Buffer, header: BatchHeader): DecodedRecord[] {
  if (header.recordCount < 0) throw corrupt(`negative record count ${header.recordCount}`);
  const payload = header.compression === 0 ? stored : decompress(header.compression, stored);
  const r = new Reader(payload, 0, payload.length, corrupt);
  const records: DecodedRecord[] = [];
  for (let i = 0; i < header.recordCount; i++) {
    const length = r.varint();
    if (length < 0 || length > r.remaining) throw corrupt(`record ${i}: length ${length} with ${r.remaining} bytes left`);
    const end = r.pos + length;
    const rr = new Reader(payload, r.pos, end, corrupt);
    rr.int8(); // attributes: unused in v2
    const timestampDelta = rr.varlong();
    const offsetDelta = rr.varint();
    const key = readNullableBytes(rr, 'key');
    const value = readNullableBytes(rr, 'value');
    const headerCount = rr.varint();
    if (headerCount < 0) throw corrupt(`record ${i}: negative header count ${headerCount}`);
    const headers: RecordHeader[] = [];
    for (let j = 0; j < headerCount; j++) {
      const headerKey = readNullableBytes(rr, 'header key');
      if (headerKey === null) throw corrupt(`record ${i}: null header key`);
      headers.push({ key: headerKey.toString('utf8'), value: readNullableBytes(rr, 'header value') });
    }
    if (rr.remaining !== 0) throw corrupt(`record ${i}: ${rr.remaining} bytes left inside its declared length`);
    r.pos = end;
    const timestamp = header.timestampType === 'LogAppendTime' ? header.maxTimestamp : header.baseTimestamp + timestampDelta;
    records.push({ offset: header.baseOffset + offsetDelta, timestamp, key, value, headers });
  }
  if (r.remaining !== 0) throw corrupt(`${r.remaining} bytes after the last of ${header.recordCount} records`);
  return records;
}
