import { BrookError } from '../errors';

/**
 * REST Proxy v3 record data: `{type, data}` where BINARY data is base64, STRING is UTF-8 text and
 * JSON is any JSON value stored as its serialized text (so the string "foo" is the 5 bytes "foo"
 * with quotes).
 */
export type DataType = 'BINARY' | 'JSON' | 'STRING';
export interface RecordData {
  type?: DataType;
  data?: unknown;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

export function decodeBase64(text: string, what: string): Buffer {
  if (!BASE64.test(text)) throw new BrookError('INVALID_REQUEST', `${what} is not valid base64.`);
  return Buffer.from(text, 'base64');
}

/** The bytes a REST record's key or value stands for; undefined/null data is a null key or value. */
export function toBytes(field: RecordData | null | undefined, what: string): Buffer | null {
  if (field === null || field === undefined || field.data === null || field.data === undefined) return null;
  const type = field.type ?? 'JSON';
  switch (type) {
    case 'BINARY':
      if (typeof field.data !== 'string') throw new BrookError('INVALID_REQUEST', `${what}.data must be a base64 string when type is BINARY.`);
      return decodeBase64(field.data, `${what}.data`);
    case 'STRING':
      if (typeof field.data !== 'string') throw new BrookError('INVALID_REQUEST', `${what}.data must be a string when type is STRING.`);
      return Buffer.from(field.data, 'utf8');
    case 'JSON':
      try {
        return Buffer.from(JSON.stringify(field.data), 'utf8');
      } catch {
        throw new BrookError('INVALID_REQUEST', `${what}.data is nested too deeply to serialize; flatten it or send it as STRING.`);
      }
    default:
      throw new BrookError('INVALID_REQUEST', `${what}.type must be BINARY, JSON or STRING; got '${String(type)}'.`);
  }
}

/** Bytes back to `{type, data}` in the format a fetch asked for; JSON that does not parse falls back to BINARY. */
export function fromBytes(bytes: Buffer | null, format: DataType): { type: DataType; data: unknown } | null {
  if (bytes === null) return null;
  if (format === 'STRING') return { type: 'STRING', data: bytes.toString('utf8') };
  if (format === 'JSON') {
    try {
      return { type: 'JSON', data: JSON.parse(bytes.toString('utf8')) };
    } catch {
      return { type: 'BINARY', data: bytes.toString('base64') };
    }
  }
  return { type: 'BINARY', data: bytes.toString('base64') };
}
