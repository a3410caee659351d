// Kafka's record batch compression: the records section of a v2 batch (everything after the
// 61-byte header) is compressed as one stream, and the codec sits in attributes bits 0-2:
//   0 none | 1 gzip | 2 snappy (xerial framing) | 3 lz4 (LZ4 frame format) | 4 zstd
// Everything here is synchronous: decodeRecords (records.ts) decompresses inline.
//
// Libraries: gzip is node:zlib. zstd is node:zlib where it exists (Node ≥ 22.15, so the Lambda
// runtime, Node 24) and fzstd (pure JS, decompression only) on older Node, which can therefore
// read zstd but not write it. snappy is snappyjs (pure JS), with Kafka's xerial framing done
// here. LZ4 is implemented below: the pure-JS packages either allocate module-level buffers,
// skip bounds checks or write dependent blocks that Kafka's Java reader cannot follow, and the
// native ones cannot ship in an esbuild bundle.
import zlib from 'node:zlib';
import { decompress as fzstdDecompress } from 'fzstd';
import snappy from 'snappyjs';
import { ATTRIBUTES_OFFSET, COMPRESSION_CODEC_MASK, CRC_OFFSET, LENGTH_OFFSET, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD, readBatchHeader } from './batch-header';
import { crc32c } from './crc32c';
import { CorruptBatchError, UnsupportedCompressionError } from './errors';

/** Kafka's codec ids, under kafkajs's names. */
export const CompressionTypes = { None: 0, GZIP: 1, Snappy: 2, LZ4: 3, ZSTD: 4 } as const;
export type CompressionType = (typeof CompressionTypes)[keyof typeof CompressionTypes];

/** Decompressed records of one batch may not exceed this (a guard against compression bombs). */
export const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** The codec is known but this runtime cannot write it (zstd before Node 22.15). */
export class CompressionUnavailableError extends UnsupportedCompressionError {
  override name = 'CompressionUnavailableError';
  constructor(codec: number, why: string) {
    super(codec);
    this.message = why;
  }
}

type ZstdFn = (buf: Uint8Array, opts?: { maxOutputLength?: number; params?: Record<number, number> }) => Buffer;
const nodeZstd = zlib as unknown as { zstdCompressSync?: ZstdFn; zstdDecompressSync?: ZstdFn; constants: Record<string, number> };

/** True if this runtime can write (`compress`) or read (`decompress`) the codec. */
export function supportsCodec(codec: number, direction: 'compress' | 'decompress'): boolean {
  if (codec === CompressionTypes.ZSTD && direction === 'compress') return typeof nodeZstd.zstdCompressSync === 'function';
  return codec >= 0 && codec <= 4;
}

export function compress(codec: number, data: Uint8Array): Buffer {
  switch (codec) {
    case CompressionTypes.None:
      return Buffer.from(data);
    case CompressionTypes.GZIP:
      return zlib.gzipSync(data);
    case CompressionTypes.Snappy:
      return xerialCompress(data);
    case CompressionTypes.LZ4:
      return lz4FrameCompress(data);
    case CompressionTypes.ZSTD:
      if (!nodeZstd.zstdCompressSync) {
        throw new CompressionUnavailableError(codec, `zstd compression needs Node.js ≥ 22.15 (node:zlib); this is ${process.version}. Use LZ4 or GZIP, or upgrade Node.`);
      }
      return nodeZstd.zstdCompressSync(data, { params: { [nodeZstd.constants.ZSTD_c_compressionLevel!]: 3 } }); // Kafka's default level
    default:
      throw new UnsupportedCompressionError(codec);
  }
}

/** Decompresses `data`; throws CorruptBatchError for bad input or more than `maxLength` bytes out. */
export function decompress(codec: number, data: Uint8Array, maxLength = MAX_DECOMPRESSED_BYTES): Buffer {
  if (codec < 0 || codec > 4) throw new UnsupportedCompressionError(codec);
  if (codec !== CompressionTypes.None && data.length === 0) throw new CorruptBatchError(`empty codec ${codec} data`);
  let out: Uint8Array;
  try {
    switch (codec) {
      case CompressionTypes.None:
        out = data;
        break;
      case CompressionTypes.GZIP:
        out = zlib.gunzipSync(data, { maxOutputLength: maxLength });
        break;
      case CompressionTypes.Snappy:
        out = xerialDecompress(data, maxLength);
        break;
      case CompressionTypes.LZ4:
        out = lz4FrameDecompress(data, maxLength);
        break;
      default:
        out = nodeZstd.zstdDecompressSync ? nodeZstd.zstdDecompressSync(data, { maxOutputLength: maxLength }) : fzstdDecompress(data);
    }
  } catch (err) {
    if (err instanceof CorruptBatchError) throw err;
    throw new CorruptBatchError(`cannot decompress codec ${codec}: ${(err as Error)?.message ?? String(err)}`);
  }
  if (out.length > maxLength) throw new CorruptBatchError(`codec ${codec} decompresses to more than ${maxLength} bytes`);
  return Buffer.isBuffer(out) ? out : Buffer.from(out.buffer, out.byteOffset, out.length);
}

/**
 * Compresses the records of an uncompressed v2 batch (as encodeRecordBatch makes it): the header
 * is kept, the codec goes into attributes, batchLength and the CRC are recomputed.
 */
export function compressBatch(batch: Buffer, codec: number): Buffer {
  const h = readBatchHeader(batch);
  if (h.compression !== 0) throw new RangeError(`batch is already compressed with codec ${h.compression}`);
  if (codec === CompressionTypes.None) return batch;
  const records = compress(codec, batch.subarray(RECORD_BATCH_OVERHEAD, h.sizeInBytes));
  const out = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + records.length);
  batch.copy(out, 0, 0, RECORD_BATCH_OVERHEAD);
  records.copy(out, RECORD_BATCH_OVERHEAD);
  out.writeInt32BE(out.length - LOG_OVERHEAD, LENGTH_OFFSET);
  out.writeInt16BE((h.attributes & ~COMPRESSION_CODEC_MASK) | codec, ATTRIBUTES_OFFSET);
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return out;
}

// ---- snappy, in the xerial framing that Kafka's Java client writes --------------------------
// magic (8) | version int32 BE = 1 | compatible version int32 BE = 1 | (length int32 BE | raw snappy block)*
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_BLOCK = 32 * 1024; // snappy-java's default block size

function xerialCompress(data: Uint8Array): Buffer {
  const parts: Buffer[] = [XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])];
  for (let at = 0; at < data.length; at += XERIAL_BLOCK) {
    const block = Buffer.from(snappy.compress(data.subarray(at, Math.min(data.length, at + XERIAL_BLOCK))));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

function xerialDecompress(data: Uint8Array, maxLength: number): Buffer {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.length);
  // Without the xerial header the whole payload is one raw snappy block, as snappy-java reads it.
  if (buf.length < 16 || !buf.subarray(0, 8).equals(XERIAL_MAGIC)) return Buffer.from(snappy.uncompress(buf, maxLength));
  const parts: Buffer[] = [];
  let total = 0;
  for (let at = 16; at < buf.length; ) {
    if (at + 4 > buf.length) throw new CorruptBatchError('truncated snappy block length');
    const len = buf.readInt32BE(at);
    if (len < 0 || at + 4 + len > buf.length) throw new CorruptBatchError(`snappy block of ${len} bytes runs past the data`);
    const block = Buffer.from(snappy.uncompress(buf.subarray(at + 4, at + 4 + len), maxLength - total));
    total += block.length;
    parts.push(block);
    at += 4 + len;
  }
  return Buffer.concat(parts, total);
}

// ---- LZ4 frame format (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md) --------
// Written as Kafka's KafkaLZ4BlockOutputStream writes it: 64 KiB independent blocks, no block or
// content checksums (the batch CRC covers the bytes). Read: any block size, dependent or
// independent blocks, optional checksums (verified), content size and dictionary id fields.
const LZ4_MAGIC = 0x184d2204;
const LZ4_BLOCK = 64 * 1024;
const MIN_MATCH = 4;
const LAST_LITERALS = 5; // the last 5 bytes of a block are always literals
const MF_LIMIT = 12; // the last match starts at least 12 bytes before the block's end
const HASH_LOG = 14;

function lz4FrameCompress(data: Uint8Array): Buffer {
  const src = Buffer.from(data.buffer, data.byteOffset, data.length);
  const blocks = Math.ceil(src.length / LZ4_BLOCK);
  const out = Buffer.allocUnsafe(7 + 4 + blocks * (4 + LZ4_BLOCK + Math.ceil(LZ4_BLOCK / 255) + 16) + 4);
  out.writeUInt32LE(LZ4_MAGIC, 0);
  out[4] = 0x60; // FLG: version 01, block independence
  out[5] = 0x40; // BD: 64 KiB blocks
  out[6] = (xxh32(out.subarray(4, 6)) >>> 8) & 0xff; // header checksum
  let op = 7;
  const table = new Int32Array(1 << HASH_LOG);
  for (let start = 0; start < src.length; start += LZ4_BLOCK) {
    const end = Math.min(src.length, start + LZ4_BLOCK);
    const size = compressBlock(src, start, end, out, op + 4, table);
    if (size >= end - start) {
      out.writeUInt32LE((0x80000000 | (end - start)) >>> 0, op); // stored uncompressed
      src.copy(out, op + 4, start, end);
      op += 4 + end - start;
    } else {
      out.writeUInt32LE(size, op);
      op += 4 + size;
    }
  }
  out.writeUInt32LE(0, op); // EndMark
  return out.subarray(0, op + 4);
}

const hash4 = (v: number) => Math.imul(v, 2654435761) >>> (32 - HASH_LOG);

/** One independent LZ4 block of src[start, end) written at dst[dp]; returns its size. */
function compressBlock(src: Buffer, start: number, end: number, dst: Buffer, dp: number, table: Int32Array): number {
  const d0 = dp;
  let anchor = start;
  if (end - start > MF_LIMIT) {
    table.fill(-1);
    const mfLimit = end - MF_LIMIT;
    const matchLimit = end - LAST_LITERALS;
    let ip = start;
    let misses = 0;
    while (ip < mfLimit) {
      const seq = src.readInt32LE(ip);
      const h = hash4(seq);
      const ref = table[h]!;
      table[h] = ip;
      if (ref < 0 || ip - ref > 0xffff || src.readInt32LE(ref) !== seq) {
        ip += 1 + (misses++ >> 6); // skip faster through incompressible data, as LZ4 does
        continue;
      }
      misses = 0;
      let len = MIN_MATCH;
      while (ip + len < matchLimit && src[ip + len] === src[ref + len]) len++;
      dp = writeSequence(dst, dp, src, anchor, ip - anchor, ip - ref, len);
      ip += len;
      anchor = ip;
    }
  }
  return writeSequence(dst, dp, src, anchor, end - anchor, 0, 0) - d0;
}

/** token | literal length | literals | offset LE16 | match length (no match part when offset is 0). */
function writeSequence(dst: Buffer, dp: number, src: Buffer, litStart: number, litLen: number, offset: number, matchLen: number): number {
  const ml = matchLen - MIN_MATCH;
  dst[dp++] = (Math.min(litLen, 15) << 4) | (offset ? Math.min(ml, 15) : 0);
  dp = writeLength(dst, dp, litLen);
  src.copy(dst, dp, litStart, litStart + litLen);
  dp += litLen;
  if (offset) {
    dst[dp++] = offset & 0xff;
    dst[dp++] = offset >>> 8;
    dp = writeLength(dst, dp, ml);
  }
  return dp;
}

function writeLength(dst: Buffer, dp: number, n: number): number {
  if (n < 15) return dp;
  for (n -= 15; n >= 255; n -= 255) dst[dp++] = 255;
  dst[dp++] = n;
  return dp;
}

function lz4FrameDecompress(data: Uint8Array, maxLength: number): Buffer {
  const src = Buffer.from(data.buffer, data.byteOffset, data.length);
  const bad = (why: string) => new CorruptBatchError(`LZ4 frame: ${why}`);
  if (src.length < 7 || src.readUInt32LE(0) !== LZ4_MAGIC) throw bad('bad magic number');
  const flg = src[4]!;
  if (flg >> 6 !== 1) throw bad(`unsupported version ${flg >> 6}`);
  if (flg & 0x02) throw bad('reserved FLG bit set');
  const blockChecksum = (flg & 0x10) !== 0;
  const contentSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const dictId = (flg & 0x01) !== 0;
  const blockMax = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20][(src[5]! >> 4) & 7]!;
  if (!blockMax) throw bad('bad block size');
  let sp = 6 + (contentSize ? 8 : 0) + (dictId ? 4 : 0);
  if (sp >= src.length) throw bad('truncated header');
  if (src[sp] !== ((xxh32(src.subarray(4, sp)) >>> 8) & 0xff)) throw bad('header checksum mismatch');
  sp++;
  let out = Buffer.allocUnsafe(Math.min(maxLength, Math.max(1024, src.length * 4)));
  let op = 0;
  for (;;) {
    if (sp + 4 > src.length) throw bad('truncated block size');
    const word = src.readUInt32LE(sp);
    sp += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    if (size > blockMax || sp + size + (blockChecksum ? 4 : 0) > src.length) throw bad(`block of ${size} bytes runs past the frame`);
    if (blockChecksum && xxh32(src.subarray(sp, sp + size)) !== src.readUInt32LE(sp + size)) throw bad('block checksum mismatch');
    if (op + blockMax > out.length) {
      if (op >= maxLength) throw bad(`more than ${maxLength} bytes`);
      const grown = Buffer.allocUnsafe(Math.min(Math.max(out.length * 2, op + blockMax), maxLength + blockMax));
      out.copy(grown, 0, 0, op);
      out = grown;
    }
    if (word & 0x80000000) {
      src.copy(out, op, sp, sp + size);
      op += size;
    } else {
      op = decompressBlock(src, sp, sp + size, out, op, op + blockMax, bad);
    }
    sp += size + (blockChecksum ? 4 : 0);
  }
  if (contentChecksum) {
    if (sp + 4 > src.length) throw bad('truncated content checksum');
    if (xxh32(out.subarray(0, op)) !== src.readUInt32LE(sp)) throw bad('content checksum mismatch');
    sp += 4;
  }
  if (sp !== src.length) throw bad(`${src.length - sp} bytes after the frame`);
  if (op > maxLength) throw bad(`more than ${maxLength} bytes`);
  return out.subarray(0, op);
}

/** Decodes one block into out[op, limit); matches may reach back into earlier blocks. */
function decompressBlock(src: Buffer, sp: number, send: number, out: Buffer, op: number, limit: number, bad: (w: string) => Error): number {
  const readLength = (n: number) => {
    if (n !== 15) return n;
    for (let b = 255; b === 255; n += b) {
      if (sp >= send) throw bad('truncated length');
      b = src[sp++]!;
    }
    return n;
  };
  for (;;) {
    if (sp >= send) throw bad('truncated sequence');
    const token = src[sp++]!;
    const litLen = readLength(token >> 4);
    if (sp + litLen > send || op + litLen > limit) throw bad('literals run past the block');
    src.copy(out, op, sp, sp + litLen);
    sp += litLen;
    op += litLen;
    if (sp === send) return op; // the last sequence has literals only
    if (sp + 2 > send) throw bad('truncated match offset');
    const offset = src[sp]! | (src[sp + 1]! << 8);
    sp += 2;
    if (offset === 0 || offset > op) throw bad(`bad match offset ${offset}`);
    const matchLen = readLength(token & 15) + MIN_MATCH;
    if (op + matchLen > limit) throw bad('match runs past the block');
    if (offset >= matchLen) out.copy(out, op, op - offset, op - offset + matchLen);
    else for (let i = 0; i < matchLen; i++) out[op + i] = out[op - offset + i]!; // overlapping copy
    op += matchLen;
  }
}

// xxHash32 (seed 0), for the frame's header checksum and optional block/content checksums.
const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const P5 = 0x165667b1;
const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
const round = (acc: number, lane: number) => Math.imul(rotl((acc + Math.imul(lane, P2)) | 0, 13), P1);

export function xxh32(buf: Uint8Array, seed = 0): number {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const len = b.length;
  let i = 0;
  let h: number;
  if (len >= 16) {
    let v1 = (seed + P1 + P2) | 0;
    let v2 = (seed + P2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - P1) | 0;
    for (; i + 16 <= len; i += 16) {
      v1 = round(v1, b.readUInt32LE(i));
      v2 = round(v2, b.readUInt32LE(i + 4));
      v3 = round(v3, b.readUInt32LE(i + 8));
      v4 = round(v4, b.readUInt32LE(i + 12));
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    h = (seed + P5) | 0;
  }
  h = (h + len) | 0;
  for (; i + 4 <= len; i += 4) h = Math.imul(rotl((h + Math.imul(b.readUInt32LE(i), P3)) | 0, 17), P4);
  for (; i < len; i++) h = Math.imul(rotl((h + Math.imul(b[i]!, P5)) | 0, 11), P1);
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}
