import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../lib/log/crc32c';
import { kafkajs, prng, randomBytes } from './helpers';

describe('crc32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('matches the RFC 3720 (iSCSI) test vectors', () => {
    const ascending = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    expect(crc32c(Buffer.alloc(32, 0x00))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(ascending)).toBe(0x46dd794e);
    expect(crc32c(Buffer.from(ascending).reverse())).toBe(0x113fdb5c);
  });

  it('is 0 for no bytes and always unsigned', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
    const rand = prng(1);
    for (let i = 0; i < 200; i++) {
      const c = crc32c(randomBytes(rand, i));
      expect(c).toBeGreaterThanOrEqual(0);
      expect(c).toBeLessThanOrEqual(0xffffffff);
    }
  });

  it('agrees with kafkajs on random buffers', () => {
    const rand = prng(2);
    for (let i = 0; i < 300; i++) {
      const buf = randomBytes(rand, Math.floor(rand() * 300));
      expect(crc32c(buf)).toBe(kafkajs.crc32C(buf));
    }
  });
});
