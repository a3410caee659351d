// MurmurHash2 (32-bit, seed 0x9747b28c) exactly as Java's
// org.apache.kafka.common.utils.Utils.murmur2: little-endian 4-byte blocks, then the
// 1–3 byte tail, then the final avalanche. Java int overflow is mirrored with Math.imul / |0.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Signed 32-bit hash, equal to the Java client's for the same bytes. */
export function murmur2(key: Uint8Array): number {
  const length = key.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;

  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = key[i4]! | (key[i4 + 1]! << 8) | (key[i4 + 2]! << 16) | (key[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }

  // The Java switch falls through from case 3 to case 1.
  const tail = length & ~3;
  const rest = length % 4;
  if (rest >= 3) h ^= key[tail + 2]! << 16;
  if (rest >= 2) h ^= key[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= key[tail]!;
    h = Math.imul(h, M);
  }

  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
