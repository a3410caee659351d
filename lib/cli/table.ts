// Tables the way Kafka's tools print them: left-aligned columns at least as wide as Kafka's
// format strings (`%-15s`), one space apart, the last column unpadded.

/** `minWidths[i]` is Kafka's width for column i; a column widens to its longest cell. */
export function table(header: string[], rows: Array<Array<string | number>>, minWidths: number[] = []): string[] {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(minWidths[i] ?? 0, ...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join(' ')
      .trimEnd(),
  );
}

/** Kafka prints "-" where a value is missing (an uncommitted partition's CURRENT-OFFSET and LAG). */
export const MISSING = '-';
