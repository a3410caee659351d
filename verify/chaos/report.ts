import type { CheckReport } from './checker';

/** A short human summary of one run's report. */
export function summarize(seed: number, report: CheckReport, elapsedMs?: number): string {
  const s = report.stats;
  const lines = [
    `seed ${seed}: ${report.ok ? 'OK, no anomalies' : `${report.anomalyCount} ANOMALIES`}${elapsedMs === undefined ? '' : ` (${(elapsedMs / 1000).toFixed(1)} s)`}`,
    `  operations ${s.operations}: ${s.produceRequests} produce requests (${s.retries} retries), ${s.reads} reads (${s.recordsRead} records read)`,
    `  values ${s.valuesSent} sent, ${s.ackedValues} acked, ${s.unackedValues} of unknown outcome (${s.unackedPresent} in the log, ${s.unackedAbsent} not)`,
    `  duplicates ${s.duplicateValues} values (${s.duplicateExtraCopies} extra copies; plain producers, from retries)`,
    `  applied despite an error answer: ${fmt(s.committedDespiteError)}`,
    `  final log ${s.finalRecords} records, high watermarks ${JSON.stringify(s.highWatermarks)}`,
    `  faults: ${s.faultWindows} windows, ${s.faultsInjected} requests hit; ${s.serverKills} server kills; ${s.readerCrashes} fetcher crashes`,
    `  produce errors ${fmt(s.produceFailures)}`,
    `  read errors ${fmt(s.readFailures)}`,
  ];
  if (Object.keys(report.warnings.counts).length > 0) {
    lines.push(`  warnings (not anomalies): ${fmt(report.warnings.counts as Record<string, number>)}`);
    for (const w of report.warnings.examples.slice(0, 3)) lines.push(`    [${w.type}] ${w.message}`);
  }
  if (!report.ok) {
    lines.push(`  anomalies by type: ${fmt(report.counts as Record<string, number>)}`);
    for (const a of report.anomalies.slice(0, 20)) lines.push(`    [${a.type}] ${a.message}`);
    if (report.anomalies.length > 20) lines.push(`    ... see report.json`);
    lines.push(`  rerun: npm run chaos -- --seed ${seed}`);
  }
  return lines.join('\n');
}

const fmt = (m: Record<string, number>) =>
  Object.keys(m).length === 0
    ? 'none'
    : Object.entries(m)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ');
