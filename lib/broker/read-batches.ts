import type { Broker } from './context';
import { splitBatches, withBaseOffset } from '../log/record-batch';
import type { BatchIndexEntry } from '../metadata/types';
import { readRanges } from '../storage/segment-store';

/**
 * The bytes of index entries: one coalesced set of ranged GETs per object, then each batch's
 * baseOffset and leader epoch patched in (the stored bytes say 0; the CRC does not cover them).
 */
export async function readBatches(broker: Broker, entries: BatchIndexEntry[], leaderEpoch: number): Promise<Buffer[]> {
  const byObject = new Map<string, BatchIndexEntry[]>();
  entries = entries.filter((e) => !e.placeholder); // a given-up range (RFC 0003): no bytes, offsets stepped over
  for (const e of entries) byObject.set(e.objectKey, [...(byObject.get(e.objectKey) ?? []), e]);
  const bytes = new Map<BatchIndexEntry, Buffer>();
  await Promise.all(
    [...byObject].map(async ([key, list]) => {
      const parts = await readRanges(broker, key, list.map((e) => ({ start: e.byteStart, length: e.byteLength })));
      list.forEach((e, i) => bytes.set(e, parts[i]!));
    }),
  );
  return entries.flatMap((e) => {
    let next = e.baseOffset;
    const data = bytes.get(e)!;
    return splitBatches(data).map(({ start, header }) => {
      // Compacted entries carry their real offsets (with gaps); others were stored at offset 0.
      const base = e.absoluteOffsets ? header.baseOffset : next;
      const batch = withBaseOffset(data.subarray(start, start + header.sizeInBytes), base, leaderEpoch);
      next += header.lastOffsetDelta + 1;
      return batch;
    });
  });
}
