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
  const w = report.workload;
  if (w) {
    const gaps = w.commitProtocol === 'conditional' ? 'gapless' : `${s.explicitGaps} explicit gap offsets in the final log, ${s.sealedWrites} writes refused as sealed (503 REQUEST_TIMED_OUT)`;
    lines.splice(1, 0, `  workload ${w.mode}: commit protocol ${w.commitProtocol}, seal after ${w.sealAfterMs} ms; ${gaps}`);
  }
  const t = s.txn;
  if (t) {
    lines.push(
      `  transactions ${t.transactions}: ${t.committedAcked} commits acknowledged, ${t.abortedAcked} aborts acknowledged, ${t.unknownCommitted + t.unknownAborted} of unknown outcome (${t.unknownCommitted} committed, ${t.unknownAborted} aborted), ` +
        `${t.crashed} producer crashes (${t.zombieCommitsRefused} zombie commits refused), ${t.otherAborted} ended by errors; ${t.inits} InitProducerId (${t.initFailures} failed)`,
      `  transactional values ${t.valuesSent} sent, ${t.valuesAcked} acked; final logs: ${t.committedValues} committed, ${t.abortedValuesInLog} aborted records, markers ${t.markers.commit} commit / ${t.markers.abort} abort${t.explicitGaps ? `, ${t.explicitGaps} gap offsets` : ''}`,
      `  transactional reads: ${t.reads.committed} read_committed (${t.recordsRead.committed} records), ${t.reads.uncommitted} read_uncommitted (${t.recordsRead.uncommitted} records)`,
    );
  }
  if (Object.keys(report.warnings.counts).length > 0) {
    lines.push(`  warnings (not anomalies): ${fmt(report.warnings.counts as Record<string, number>)}`);
    for (const w of report.warnings.examples.slice(0, 3)) lines.push(`    [${w.type}] ${w.message}`);
  }
  if (!report.ok) {
    lines.push(`  anomalies by type: ${fmt(report.counts as Record<string, number>)}`);
    for (const a of report.anomalies.slice(0, 20)) lines.push(`    [${a.type}] ${a.message}`);
    if (report.anomalies.length > 20) lines.push(`    ... see report.json`);
    const mode = report.workload ? (report.workload.mode === 'hot-partition' ? ' --hot-partition' : ' --no-hot-partition') : '';
    lines.push(`  rerun: npm run chaos -- --seed ${seed}${mode}`);
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
