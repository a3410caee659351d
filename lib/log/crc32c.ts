// CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected), the checksum of Kafka's
// record batch v2. Delegates to SheetJS crc-32, which returns a signed int32.
import CRC32C from 'crc-32/crc32c.js';

/** CRC-32C of `buf` as an unsigned 32-bit number. */
export function crc32c(buf: Uint8Array): number {
  return CRC32C.buf(buf) >>> 0;
}
