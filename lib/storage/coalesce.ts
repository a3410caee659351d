export interface ByteRange {
  start: number;
  length: number;
}

/**
 * Merge ranges of one object whose gaps are at most `maxGap` bytes: S3 bills per GET ($0.0004
 * per 1,000) while in-region transfer is free, so reading a small gap beats a second request.
 */
export function coalesceRanges(ranges: ByteRange[], maxGap = 64 * 1024): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: ByteRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.start + last.length + maxGap) {
      last.length = Math.max(last.length, r.start + r.length - last.start);
    } else {
      out.push({ ...r });
    }
  }
  return out;
}
