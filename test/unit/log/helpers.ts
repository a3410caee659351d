// Shared test helpers: kafkajs internals as an oracle, a seeded PRNG, CRC re-sealing.
import { createRequire } from 'node:module';
import { crc32c } from '../../../lib/log/crc32c';

const require = createRequire(import.meta.url);
const kjs = (path: string): any => require(`kafkajs/src/${path}`);

export const kafkajs = {
  RecordBatch: kjs('protocol/recordBatch/v0/index.js').RecordBatch as (args: object) => Promise<{ buffer: Buffer }>,
  Record: kjs('protocol/recordBatch/record/v0/index.js') as (args: object) => unknown,
  decodeBatch: kjs('protocol/recordBatch/v0/decoder.js') as (decoder: unknown) => Promise<any>,
  Decoder: kjs('protocol/decoder.js') as new (buf: Buffer) => unknown,
  Encoder: kjs('protocol/encoder.js') as new () => any,
  crc32C: kjs('protocol/recordBatch/crc32C/index.js') as (buf: Buffer) => number,
  murmur2: kjs('producer/partitioners/default/murmur2.js') as (key: Buffer) => number,
  DefaultPartitioner: kjs('producer/partitioners/default/index.js') as () => (args: object) => number,
};

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(rand: () => number, length: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

/** Recomputes the CRC of a single batch at offset 0, to craft structurally bad but CRC-valid batches. */
export function reseal(batch: Buffer): Buffer {
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

/** Runs fn and returns what it threw (fails the test if it did not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error, none was thrown');
}
