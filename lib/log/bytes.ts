// Big-endian fixed-width integers and Kafka varints over a Buffer: a growable
// Writer and a bounds-checked Reader. int64 fields travel as JS numbers (must be
// safe integers) and go through Buffer's BigInt methods.
import { readVarint, readVarlong, writeVarint, writeVarlong } from './varint';

export class Writer {
  private buf: Buffer;
  pos = 0;

  constructor(capacity = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, capacity));
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  int8(v: number): this {
    this.ensure(1);
    this.pos = this.buf.writeInt8(v, this.pos);
    return this;
  }
  int16(v: number): this {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
    return this;
  }
  int32(v: number): this {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
    return this;
  }
  uint32(v: number): this {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(v, this.pos);
    return this;
  }
  int64(v: number): this {
    if (!Number.isSafeInteger(v)) throw new RangeError(`int64 field not a safe integer: ${v}`);
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(BigInt(v), this.pos);
    return this;
  }
  varint(v: number): this {
    this.ensure(5);
    this.pos = writeVarint(this.buf, this.pos, v);
    return this;
  }
  varlong(v: number): this {
    this.ensure(10);
    this.pos = writeVarlong(this.buf, this.pos, v);
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** The bytes written so far (a view; the writer should not be used afterwards). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/**
 * Reads buf[pos, end). Every out-of-range access calls `fail`, so a hostile
 * length can never surface as a RangeError from Buffer.
 */
export class Reader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
    private readonly fail: (message: string) => Error,
  ) {
    if (!(pos >= 0 && pos <= end && end <= buf.length)) throw fail(`bad read window [${pos}, ${end}) of ${buf.length}`);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private take(n: number): number {
    if (!(n >= 0) || n > this.end - this.pos) {
      throw this.fail(`need ${n} bytes at ${this.pos}, only ${this.end - this.pos} left`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.take(1));
  }
  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.take(4));
  }
  int64(): number {
    const v = this.buf.readBigInt64BE(this.take(8));
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw this.fail(`int64 ${v} outside the safe integer range`);
    }
    return Number(v);
  }
  varint(): number {
    return this.decode(readVarint);
  }
  varlong(): number {
    return this.decode(readVarlong);
  }
  /** A copy of the next n bytes, so decoded records do not pin the source buffer. */
  bytes(n: number): Buffer {
    const at = this.take(n);
    return Buffer.from(this.buf.subarray(at, at + n));
  }

  private decode(read: typeof readVarint): number {
    try {
      const { value, next } = read(this.buf, this.pos, this.end);
      this.pos = next;
      return value;
    } catch (err) {
      throw this.fail((err as Error).message);
    }
  }
}
