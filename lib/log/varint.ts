// Kafka's variable-length integers: zigzag-encoded (so small negatives stay short)
// then unsigned LEB128, 7 bits per byte, least significant group first, high bit
// set on every byte but the last. varint = 32-bit (≤ 5 bytes), varlong = 64-bit (≤ 10 bytes).
// Varlongs are carried as JS numbers and must be safe integers.

/** Result of a decode: the value and the position just after it. */
export interface Decoded {
  value: number;
  next: number;
}

/** Thrown on a varint that runs past `end` or is longer than its type allows. */
export class VarintError extends Error {
  override name = 'VarintError';
}

const isInt32 = (v: number) => Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff;

function zigzag32(v: number): number {
  if (!isInt32(v)) throw new RangeError(`varint out of int32 range: ${v}`);
  return ((v << 1) ^ (v >> 31)) >>> 0;
}

export function sizeOfVarint(v: number): number {
  let z = zigzag32(v);
  let n = 1;
  while (z > 0x7f) {
    z >>>= 7;
    n++;
  }
  return n;
}

export function sizeOfVarlong(v: number): number {
  if (isInt32(v)) return sizeOfVarint(v); // same bytes as a varint in this range
  let z = zigzag64(v);
  let n = 1;
  while (z > 0x7fn) {
    z >>= 7n;
    n++;
  }
  return n;
}

/** Writes `v` at `pos` (the caller ensures room); returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, v: number): number {
  let z = zigzag32(v);
  while (z > 0x7f) {
    buf[pos++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[pos++] = z;
  return pos;
}

export function writeVarlong(buf: Uint8Array, pos: number, v: number): number {
  if (isInt32(v)) return writeVarint(buf, pos, v); // fast path: most deltas are small
  let z = zigzag64(v);
  while (z > 0x7fn) {
    buf[pos++] = Number(z & 0x7fn) | 0x80;
    z >>= 7n;
  }
  buf[pos++] = Number(z);
  return pos;
}

function zigzag64(v: number): bigint {
  if (!Number.isSafeInteger(v)) throw new RangeError(`varlong not a safe integer: ${v}`);
  const b = BigInt(v);
  return BigInt.asUintN(64, (b << 1n) ^ (b >> 63n));
}

/** Reads a varint from buf[pos, end). Like Java's ByteUtils.readVarint, bits past 32 are dropped. */
export function readVarint(buf: Uint8Array, pos: number, end: number = buf.length): Decoded {
  let z = 0;
  for (let shift = 0; shift <= 28; shift += 7) {
    if (pos >= end) throw new VarintError('varint runs past the end of the buffer');
    const b = buf[pos++]!;
    z |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return { value: (z >>> 1) ^ -(z & 1), next: pos };
  }
  throw new VarintError('varint longer than 5 bytes');
}

export function readVarlong(buf: Uint8Array, pos: number, end: number = buf.length): Decoded {
  // Fast path: up to 4 bytes (28 bits) fits int32 arithmetic, which covers most timestamp deltas.
  let small = 0;
  for (let i = 0, p = pos; i < 4 && p < end; i++) {
    const b = buf[p++]!;
    small |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) return { value: (small >>> 1) ^ -(small & 1), next: p };
  }
  let z = 0n;
  for (let shift = 0n; shift <= 63n; shift += 7n) {
    if (pos >= end) throw new VarintError('varlong runs past the end of the buffer');
    const b = buf[pos++]!;
    z |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      z = BigInt.asUintN(64, z);
      const value = Number((z >> 1n) ^ -(z & 1n));
      if (!Number.isSafeInteger(value)) throw new VarintError('varlong outside the safe integer range');
      return { value, next: pos };
    }
  }
  throw new VarintError('varlong longer than 10 bytes');
}
