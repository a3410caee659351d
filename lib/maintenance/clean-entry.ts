import { decodeRecordBatch, encodeRecordBatch, withLastOffsetDelta, type BatchHeader, type DecodedRecord } from '../log/record-batch';

/** What the cleaner keeps (lib/maintenance/compact-partition.ts decides from the whole stable log). */
export interface CleanRules {
  /** A transactional data batch of an aborted transaction: all of it goes. */
  aborted(h: BatchHeader): boolean;
  /** A record of any other data batch stays: the latest of its key, and not an expired tombstone. */
  keep(r: DecodedRecord): boolean;
}

export interface CleanedEntry {
  /** The entry's new bytes; undefined when nothing is left (the entry is removed). */
  bytes?: Buffer;
  recordsRemoved: number;
  /** Of those, records of aborted transactions. */
  abortedRemoved: number;
}

/**
 * Kafka's log cleaner (LogCleaner.cleanInto / MemoryRecords.filterTo) on the batches of one index
 * entry, offsets patched in. Per batch:
 * - a control batch (a transaction marker) is kept as it is (docs/rfcs/0001-log-maintenance.md);
 * - a batch of an aborted transaction is dropped whole;
 * - otherwise the records `keep` refuses go; a batch that keeps all its records is kept byte for
 *   byte (compression included), one that keeps some is encoded again with its own base offset,
 *   its records' offsets, its original span, producer id, epoch, base sequence and transactional
 *   flag (committed transactional records stay transactional), and one that keeps none is dropped.
 * Offsets never change. The entry's sort key is its last offset, so its last batch keeps ending
 * there: when the batches after the last one kept were dropped, its span is stretched over them
 * (the consumer's next offset is past it either way). Undefined when nothing changes.
 */
export function cleanEntry(batches: Buffer[], entryLastOffset: number, rules: CleanRules): CleanedEntry | undefined {
  const out: Array<{ h: BatchHeader; bytes: Buffer }> = [];
  let recordsRemoved = 0;
  let abortedRemoved = 0;
  for (const b of batches) {
    const { header: h, records } = decodeRecordBatch(b);
    if (h.isControlBatch) {
      out.push({ h, bytes: b });
    } else if (h.isTransactional && rules.aborted(h)) {
      recordsRemoved += records.length;
      abortedRemoved += records.length;
    } else {
      const kept = records.filter((r) => rules.keep(r));
      recordsRemoved += records.length - kept.length;
      if (kept.length === records.length) out.push({ h, bytes: b });
      else if (kept.length > 0) out.push({ h, bytes: encodeKept(h, kept) });
    }
  }
  if (recordsRemoved === 0) return undefined;
  const last = out[out.length - 1];
  if (last && last.h.baseOffset + last.h.lastOffsetDelta < entryLastOffset) last.bytes = withLastOffsetDelta(last.bytes, entryLastOffset - last.h.baseOffset);
  return { bytes: out.length > 0 ? Buffer.concat(out.map((o) => o.bytes)) : undefined, recordsRemoved, abortedRemoved };
}

const encodeKept = (h: BatchHeader, kept: DecodedRecord[]) =>
  encodeRecordBatch(kept, {
    baseOffset: h.baseOffset,
    offsetDeltas: kept.map((r) => r.offset - h.baseOffset),
    lastOffsetDelta: h.lastOffsetDelta,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    isTransactional: h.isTransactional,
    timestampType: h.timestampType,
  });
