/**
 * The checker: a pure function over a chaos history (history.ts). It rebuilds the log from the
 * final read and holds every acknowledgement and every read against it.
 *
 * Anomalies (any one fails the run):
 *   lost-ack             acknowledged, absent from the final read
 *   ack-offset-mismatch  acknowledged at an offset that holds another record (or none)
 *   duplicate            one value at two offsets, from an idempotent producer, or more copies
 *                        than the producer sent (a plain producer's retry may duplicate: counted)
 *   final-gap            the final read is not offsets 0..hw-1, each once
 *   read-order           a read's offsets are not gapless and increasing from the offset asked,
 *                        reach past its high watermark, or next_offset disagrees
 *   offset-divergence    two reads of one offset returned different records
 *   value-at-two-offsets a record read at two offsets that the final log does not both give it
 *   phantom              a record read that no producer sent
 *   fetcher-skip         a reader asked for an offset beyond what it had seen (moved past records;
 *                        with consumer groups this is the poll-skip check)
 *   hw-regression        a read sent after another read ended saw a lower high watermark
 *   stale-read           a read sent after an ack at offset o saw a high watermark <= o
 *   unseen-ack           at the end, a reader has not seen an acknowledged record
 *   unexplained-5xx      a 5xx answer to good input while no fault was injected in that request
 *   rejected-good-input  a 4xx (other than 429) answer to the workload's good input
 *   key-partition-split  records with the same key in two partitions
 *
 * Under the reserve commit protocol (RFC 0003; the history's `workload` event names the protocol)
 * offsets may have explicit gaps: ranges a read steps over with next_offset. Then read-order only
 * asks for increasing offsets and a next_offset between the last record + 1 and the high
 * watermark; final-gap asks that the final reads cover 0..hw; the fetchers' coverage moves with
 * next_offset; stale-read becomes the warning late-hw (an ack may wait for slower writers below it,
 * up to the seal time, before readers get it); a retriable 503 REQUEST_TIMED_OUT (a write that
 * outlived the seal time) is counted, not unexplained; and two more anomalies apply:
 *   poll-skip            a read covered [offset, next_offset) and did not return a record the final
 *                        log holds in that range: it moved past a record that is there
 *   ack-in-gap           an acknowledged record's offset is an explicit gap of the final log
 * A record read at an offset that the final log steps over is an offset-divergence.
 *
 * The transactional topics are checked by txn-checker.ts (aborted-read, torn-transaction,
 * lost-committed-txn, partial-transaction, zombie-commit, txn-marker, hanging-transaction, and
 * the rules above for their reads).
 */
import type { EventOf, HistoryEvent, ReadRecord, WorkloadInfo } from './history';
import { checkTransactions, inside, merge, uncovered, type TxnStats } from './txn-checker';

export type AnomalyType =
  | 'lost-ack'
  | 'ack-offset-mismatch'
  | 'duplicate'
  | 'final-gap'
  | 'read-order'
  | 'offset-divergence'
  | 'value-at-two-offsets'
  | 'phantom'
  | 'fetcher-skip'
  | 'hw-regression'
  | 'stale-read'
  | 'unseen-ack'
  | 'unexplained-5xx'
  | 'rejected-good-input'
  | 'key-partition-split'
  | 'poll-skip'
  | 'ack-in-gap'
  | 'aborted-read'
  | 'torn-transaction'
  | 'lost-committed-txn'
  | 'partial-transaction'
  | 'zombie-commit'
  | 'txn-marker'
  | 'hanging-transaction';

export interface Anomaly {
  type: AnomalyType;
  message: string;
  t?: number;
  partition?: number;
  offset?: number;
  value?: string;
  reader?: string;
}

export interface CheckStats {
  operations: number;
  produceRequests: number;
  valuesSent: number;
  acks: number;
  ackedValues: number;
  /** Sent, never acknowledged: the outcome is unknown to the producer. */
  unackedValues: number;
  unackedPresent: number;
  unackedAbsent: number;
  retries: number;
  duplicateValues: number;
  duplicateExtraCopies: number;
  /**
   * Values with more copies in the log than their acks plus their attempts of unknown outcome
   * (broken connection, timeout; a refused connection delivered nothing): at least one attempt
   * answered with an error was applied after all. By the errors those attempts got. Expected for
   * lost commit replies (503 KAFKA_STORAGE_ERROR); worth a look for any other error.
   */
  committedDespiteError: Record<string, number>;
  reads: number;
  recordsRead: number;
  produceFailures: Record<string, number>;
  readFailures: Record<string, number>;
  faultWindows: number;
  faultsInjected: number;
  serverKills: number;
  serverStarts: number;
  readerCrashes: number;
  finalRecords: number;
  highWatermarks: Record<number, number>;
  /** Produce attempts answered 503 REQUEST_TIMED_OUT: writes that outlived the seal time (reserve protocol). */
  sealedWrites: number;
  /** Offsets of the plain topic's final log that hold no record (explicit gaps, reserve protocol). */
  explicitGaps: number;
  /** The transactional workload, if the run had one (txn-checker.ts). */
  txn?: TxnStats;
}

/** Not a broken guarantee, but worth a look: reported, never fails a run. */
export type WarningType = 'non-retriable-5xx' | 'stalled-read' | 'late-hw';

export interface CheckReport {
  ok: boolean;
  anomalyCount: number;
  counts: Partial<Record<AnomalyType, number>>;
  /** The first anomalies of each type (all are counted). */
  anomalies: Anomaly[];
  /** non-retriable-5xx: an error answer to a transient fault that tells clients not to retry;
   *  stalled-read: a read below the high watermark that returned no records. */
  warnings: { counts: Partial<Record<WarningType, number>>; examples: Array<{ type: WarningType; message: string }> };
  stats: CheckStats;
  /** The run's shape, from its `workload` event (absent in older and hand-made histories). */
  workload?: WorkloadInfo;
}

export interface CheckOptions {
  /** The reader whose reads are the final state of the log. */
  finalReader?: string;
  /** How many anomalies of each type to keep in detail. */
  keepPerType?: number;
}

const pos = (p: number, o: number) => `${p}:${o}`;

export function check(events: HistoryEvent[], options: CheckOptions = {}): CheckReport {
  const finalReader = options.finalReader ?? 'final';
  const keep = options.keepPerType ?? 50;
  const counts: Partial<Record<AnomalyType, number>> = {};
  const anomalies: Anomaly[] = [];
  const flag = (a: Anomaly) => {
    const n = (counts[a.type] = (counts[a.type] ?? 0) + 1);
    if (n <= keep) anomalies.push(a);
  };

  const warnings: CheckReport['warnings'] = { counts: {}, examples: [] };
  const warn = (type: WarningType, message: string) => {
    const n = (warnings.counts[type] = (warnings.counts[type] ?? 0) + 1);
    if (n <= 10) warnings.examples.push({ type, message });
  };

  const of = <T extends HistoryEvent['type']>(type: T) => events.filter((e): e is EventOf<T> => e.type === type);
  const sends = of('send');
  const acks = of('ack');
  const fails = of('fail');
  const reads = of('read');
  const readFails = of('read-fail');
  const starts = of('reader-start');
  const workloadEvent = events.find((e): e is EventOf<'workload'> => e.type === 'workload');
  const workload = workloadEvent ? (({ type: _type, t: _t, ...info }) => info)(workloadEvent) : undefined;
  // Explicit gaps are allowed unless the server ran the gapless (conditional) protocol.
  const gaps = workload !== undefined && workload.commitProtocol !== 'conditional';
  const sealAfterMs = workload?.sealAfterMs ?? 10_000;

  // What was sent: each value, how often, by whom.
  const sent = new Map<string, { idempotent: boolean; sends: number; producer: string }>();
  for (const s of sends) {
    for (const r of s.records) {
      const seen = sent.get(r.value);
      if (seen) seen.sends++;
      else sent.set(r.value, { idempotent: s.idempotent, sends: 1, producer: s.producer });
    }
  }

  // The final log: offset -> record per partition, from the final reader's pages.
  const finalReads = reads.filter((r) => r.reader === finalReader);
  const finalLog = new Map<number, Map<number, ReadRecord>>();
  const finalHw = new Map<number, number>();
  const finalSpans = new Map<number, Array<[number, number]>>(); // what the final reads covered, [offset, next_offset)
  for (const r of finalReads) {
    finalHw.set(r.partition, Math.max(finalHw.get(r.partition) ?? 0, r.high_watermark));
    const log = finalLog.get(r.partition) ?? new Map<number, ReadRecord>();
    finalLog.set(r.partition, log);
    for (const rec of r.records) if (!log.has(rec.offset)) log.set(rec.offset, rec);
    const end = Math.max(r.next_offset, r.records.length > 0 ? r.records[r.records.length - 1]!.offset + 1 : r.offset);
    if (end > r.offset) finalSpans.set(r.partition, [...(finalSpans.get(r.partition) ?? []), [r.offset, end]]);
  }
  for (const [p, spans] of finalSpans) finalSpans.set(p, merge(spans));
  /** An explicit gap: the final reads stepped over offset o of partition p. */
  const finalGap = (p: number, o: number) => gaps && !finalLog.get(p)?.has(o) && inside(finalSpans.get(p) ?? [], o);
  let explicitGaps = 0;
  const partitions = new Set<number>([...finalHw.keys(), ...acks.map((a) => a.partition), ...reads.map((r) => r.partition)]);
  if (finalReads.length === 0 && (acks.length > 0 || reads.length > 0)) {
    flag({ type: 'final-gap', message: `no final read (reader '${finalReader}') in the history: the log cannot be checked` });
  }
  for (const p of [...partitions].sort((a, b) => a - b)) {
    if (finalReads.length === 0) break;
    const log = finalLog.get(p) ?? new Map<number, ReadRecord>();
    const hw = finalHw.get(p) ?? 0;
    if (gaps) {
      for (let o = 0; o < hw; o++) if (finalGap(p, o)) explicitGaps++;
      for (const [start, end] of uncovered(finalSpans.get(p) ?? [], hw)) {
        flag({ type: 'final-gap', partition: p, offset: start, message: `partition ${p}: the final read did not cover offsets ${start}..${end} below the high watermark ${hw} (neither records nor a step over them)` });
      }
      continue;
    }
    for (const [start, end] of missingRanges(log, hw)) {
      flag({ type: 'final-gap', partition: p, offset: start, message: `partition ${p}: the final read has no record at offsets ${start}..${end} below the high watermark ${hw}` });
    }
  }
  const finalAt = (p: number, o: number) => finalLog.get(p)?.get(o);
  const finalPositions = new Map<string, Array<[number, number]>>();
  for (const [p, log] of finalLog) {
    for (const [o, rec] of log) {
      if (rec.value === null) continue;
      const list = finalPositions.get(rec.value) ?? [];
      finalPositions.set(rec.value, list);
      list.push([p, o]);
    }
  }

  // Every read: order and bounds, what each offset held, where each value was seen.
  const observed = new Map<string, Map<string | null, string>>(); // position -> value -> first reader
  const seenAt = new Map<string, Set<string>>(); // value -> positions
  const phantoms = new Set<string>();
  for (const r of reads) {
    const where = `${r.reader}#${r.incarnation} read of partition ${r.partition} at offset ${r.offset} (t=${r.t})`;
    let expect = r.offset;
    for (const rec of r.records) {
      if (gaps ? rec.offset < expect : rec.offset !== expect) {
        const due = gaps ? `at least ${expect}` : String(expect);
        flag({ type: 'read-order', t: r.t, reader: r.reader, partition: r.partition, offset: rec.offset, message: `${where}: offset ${rec.offset} where ${due} was due (offsets ${r.records.map((x) => x.offset).join(',')})` });
        expect = rec.offset;
      }
      expect = gaps ? Math.max(expect, rec.offset + 1) : expect + 1;
      if (rec.offset >= r.high_watermark) {
        flag({ type: 'read-order', t: r.t, reader: r.reader, partition: r.partition, offset: rec.offset, message: `${where}: record at offset ${rec.offset} at or past the high watermark ${r.high_watermark}` });
      }
      const at = pos(r.partition, rec.offset);
      const values = observed.get(at) ?? new Map<string | null, string>();
      observed.set(at, values);
      if (!values.has(rec.value)) values.set(rec.value, `${r.reader}#${r.incarnation} t=${r.t}`);
      if (rec.value === null || !sent.has(rec.value)) {
        if (!phantoms.has(String(rec.value))) {
          phantoms.add(String(rec.value));
          flag({ type: 'phantom', t: r.t, reader: r.reader, partition: r.partition, offset: rec.offset, value: rec.value ?? undefined, message: `${where}: record ${JSON.stringify(rec.value)} at offset ${rec.offset} was never sent` });
        }
        continue;
      }
      const list = seenAt.get(rec.value) ?? new Set<string>();
      seenAt.set(rec.value, list);
      list.add(at);
    }
    if (r.records.length === 0 && r.offset < r.high_watermark && r.next_offset <= r.offset) warn('stalled-read', `${where}: no records below the high watermark ${r.high_watermark}`);
    const next = r.records.length > 0 ? r.records[r.records.length - 1]!.offset + 1 : r.offset;
    if (gaps ? r.next_offset < next || r.next_offset > Math.max(r.high_watermark, r.offset) : r.next_offset !== next) {
      const expected = gaps ? `${next}..${Math.max(r.high_watermark, r.offset)}` : String(next);
      flag({ type: 'read-order', t: r.t, reader: r.reader, partition: r.partition, message: `${where}: next_offset ${r.next_offset}, expected ${expected}` });
    }
    // Poll skip: the read moved its reader to next_offset; everything the final log holds below it was returned.
    if (gaps && r.reader !== finalReader && finalReads.length > 0) {
      const returned = new Set(r.records.map((x) => x.offset));
      for (let o = r.offset; o < Math.min(r.next_offset, finalHw.get(r.partition) ?? 0); o++) {
        const rec = finalAt(r.partition, o);
        if (rec && !returned.has(o)) {
          flag({ type: 'poll-skip', t: r.t, reader: r.reader, partition: r.partition, offset: o, value: rec.value ?? undefined, message: `${where}: answered next_offset ${r.next_offset} without ${JSON.stringify(rec.value)} at offset ${o}, which the final log holds` });
        }
      }
    }
  }
  for (const [at, values] of observed) {
    const [p, o] = at.split(':').map(Number) as [number, number];
    const list = [...values].map(([v, by]) => `${JSON.stringify(v)} (${by})`).join(', ');
    if (values.size > 1) {
      flag({ type: 'offset-divergence', partition: p, offset: o, message: `partition ${p} offset ${o} was read as ${list}` });
    } else if (finalGap(p, o)) {
      flag({ type: 'offset-divergence', partition: p, offset: o, message: `partition ${p} offset ${o} was read as ${list}, but the final read steps over it as a gap` });
    }
  }
  for (const [value, positions] of seenAt) {
    if (positions.size < 2) continue;
    const unexplained = [...positions].filter((at) => {
      const [p, o] = at.split(':').map(Number) as [number, number];
      return finalAt(p, o)?.value !== value;
    });
    if (unexplained.length > 0) {
      flag({ type: 'value-at-two-offsets', value, message: `${value} was read at ${[...positions].join(' and ')}; the final log does not hold it at ${unexplained.join(', ')}` });
    }
  }

  // High watermarks never go back: a read sent after another read ended sees at least its hw.
  // And a read sent after an ack sees the acked offset.
  const byPartition = <T extends { partition: number }>(list: T[]) => {
    const m = new Map<number, T[]>();
    for (const x of list) {
      const group = m.get(x.partition);
      if (group) group.push(x);
      else m.set(x.partition, [x]);
    }
    return m;
  };
  const readsByPartition = byPartition(reads);
  const acksByPartition = byPartition(acks);
  for (const [p, list] of readsByPartition) {
    const ended = [...list].sort((a, b) => a.t - b.t);
    const prefixMax = maxUpTo(ended.map((r) => [r.t, r.high_watermark]));
    const acked = maxUpTo((acksByPartition.get(p) ?? []).map((a) => [a.t, a.offset] as [number, number]).sort((a, b) => a[0] - b[0]));
    for (const r of list) {
      const before = prefixMax(r.t0);
      if (before !== undefined && r.high_watermark < before.value) {
        flag({ type: 'hw-regression', t: r.t, reader: r.reader, partition: p, message: `${r.reader}#${r.incarnation} read of partition ${p} sent at t=${r.t0} saw high watermark ${r.high_watermark}, but a read that ended at t=${before.t} saw ${before.value}` });
      }
      const ack = acked(r.t0);
      if (gaps) {
        // An acknowledged record may wait for slower writers below it; past the seal time they are published or sealed.
        const late = acked(r.t0 - sealAfterMs - 1000);
        if (late !== undefined && r.high_watermark <= late.value) {
          warn('late-hw', `${r.reader}#${r.incarnation} read of partition ${p} sent at t=${r.t0} saw high watermark ${r.high_watermark}, but offset ${late.value} was acked at t=${late.t}, more than the seal time (${sealAfterMs} ms) + 1 s before`);
        }
      } else if (ack !== undefined && r.high_watermark <= ack.value) {
        flag({ type: 'stale-read', t: r.t, reader: r.reader, partition: p, offset: ack.value, message: `${r.reader}#${r.incarnation} read of partition ${p} sent at t=${r.t0} saw high watermark ${r.high_watermark}, but offset ${ack.value} was acked at t=${ack.t}` });
      }
    }
  }

  // Skips: per reader and partition, the offsets seen contiguously from where it first started.
  const readerEvents = events.filter((e): e is EventOf<'read'> | EventOf<'reader-start'> => e.type === 'read' || e.type === 'reader-start');
  const coverage = new Map<string, { covered: number; seen: Set<number> }>();
  for (const e of readerEvents) {
    if (e.type === 'reader-start') {
      for (const [p, from] of Object.entries(e.from)) {
        const key = `${e.reader}|${p}`;
        if (!coverage.has(key)) coverage.set(key, { covered: from, seen: new Set() });
      }
      continue;
    }
    const key = `${e.reader}|${e.partition}`;
    const c = coverage.get(key) ?? { covered: 0, seen: new Set<number>() };
    coverage.set(key, c);
    if (e.offset > c.covered) {
      const never = gaps ? `its reads had covered only up to ${c.covered}` : `had never seen offsets ${c.covered}..${e.offset - 1}`;
      flag({ type: 'fetcher-skip', t: e.t, reader: e.reader, partition: e.partition, offset: c.covered, message: `${e.reader}#${e.incarnation} asked partition ${e.partition} for offset ${e.offset} but ${never}` });
      c.covered = e.offset;
    }
    if (gaps) {
      // Offsets a read stepped over count as covered (poll-skip checks that nothing was there).
      c.covered = Math.max(c.covered, e.next_offset);
      continue;
    }
    for (const rec of e.records) c.seen.add(rec.offset);
    while (c.seen.has(c.covered)) c.seen.delete(c.covered++);
  }

  // Acknowledgements against the final log.
  const ackedValues = new Set<string>();
  for (const a of acks) {
    ackedValues.add(a.value);
    if (finalReads.length === 0) continue;
    const there = finalAt(a.partition, a.offset);
    if (there?.value === a.value) continue;
    const elsewhere = finalPositions.get(a.value);
    if (!there && finalGap(a.partition, a.offset)) {
      flag({ type: 'ack-in-gap', t: a.t, partition: a.partition, offset: a.offset, value: a.value, message: `${a.value} was acked at partition ${a.partition} offset ${a.offset} (${a.op} attempt ${a.attempt}, t=${a.t}), which the final read steps over as a gap${elsewhere ? `; the value is at ${elsewhere.map(([p, o]) => pos(p, o)).join(', ')}` : ''}` });
    } else if (!elsewhere) {
      flag({ type: 'lost-ack', t: a.t, partition: a.partition, offset: a.offset, value: a.value, message: `${a.value} was acked at partition ${a.partition} offset ${a.offset} (${a.op} attempt ${a.attempt}, t=${a.t}) and is not in the final log` });
    } else {
      const holds = there ? `holds ${JSON.stringify(there.value)}` : `is past the high watermark ${finalHw.get(a.partition) ?? 0} or missing`;
      flag({ type: 'ack-offset-mismatch', t: a.t, partition: a.partition, offset: a.offset, value: a.value, message: `${a.value} was acked at partition ${a.partition} offset ${a.offset}, which ${holds}; the value is at ${elsewhere.map(([p, o]) => pos(p, o)).join(', ')}` });
    }
  }

  // Duplicates: counted always, an anomaly when the producer promised none or sent fewer copies.
  let duplicateValues = 0;
  let duplicateExtraCopies = 0;
  for (const [value, positions] of finalPositions) {
    if (positions.length < 2) continue;
    duplicateValues++;
    duplicateExtraCopies += positions.length - 1;
    const s = sent.get(value);
    if (!s) continue; // a phantom, flagged above
    if (s.idempotent || positions.length > s.sends) {
      const why = s.idempotent ? 'its producer is idempotent' : `it was sent only ${s.sends} time(s)`;
      flag({ type: 'duplicate', value, message: `${value} is at ${positions.map(([p, o]) => pos(p, o)).join(', ')}, but ${why}` });
    }
  }

  // Keys: one partition per key.
  const keyPartitions = new Map<string, Set<number>>();
  for (const [p, log] of finalLog) for (const rec of log.values()) if (rec.key !== null) keyPartitions.set(rec.key, (keyPartitions.get(rec.key) ?? new Set()).add(p));
  for (const [key, ps] of keyPartitions) {
    if (ps.size > 1) flag({ type: 'key-partition-split', message: `key ${JSON.stringify(key)} has records in partitions ${[...ps].join(', ')}` });
  }

  // At the end every reader has seen every acked record of the partitions it reads.
  const readers = new Map<string, Set<number>>();
  for (const s of starts) {
    if (s.reader === finalReader) continue;
    const ps = readers.get(s.reader) ?? new Set<number>();
    for (const p of Object.keys(s.from)) ps.add(Number(p));
    readers.set(s.reader, ps);
  }
  if (finalReads.length > 0) {
    const seenBy = new Map<string, Set<string>>(); // reader -> positions with the value seen
    for (const r of reads) {
      const set = seenBy.get(r.reader) ?? new Set<string>();
      seenBy.set(r.reader, set);
      for (const rec of r.records) set.add(`${pos(r.partition, rec.offset)}=${rec.value}`);
    }
    for (const value of ackedValues) {
      for (const [p, o] of finalPositions.get(value) ?? []) {
        const missing = [...readers].filter(([name, ps]) => ps.has(p) && !seenBy.get(name)?.has(`${pos(p, o)}=${value}`)).map(([name]) => name);
        if (missing.length > 0) {
          flag({ type: 'unseen-ack', partition: p, offset: o, value, message: `${value} (partition ${p} offset ${o}) was acked but never seen by ${missing.join(', ')}` });
        }
      }
    }
  }

  // Error answers: 5xx only where a fault was injected into that very request; no 4xx on good input.
  const tally = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  const produceFailures: Record<string, number> = {};
  const readFailures: Record<string, number> = {};
  let sealedWrites = 0;
  for (const f of [...fails, ...readFails]) {
    const label = f.kind === 'http' ? `${f.status} ${f.error_name ?? ''}`.trim() : f.kind === 'network' && /^[A-Z_]+$/.test(f.message) ? `network ${f.message}` : f.kind;
    tally(f.type === 'fail' ? produceFailures : readFailures, label);
    if (f.kind !== 'http' || f.status === undefined) continue;
    // Reserve protocol: a write slower than the seal time is refused (nothing written, retriable), injected delay or not.
    if (gaps && f.type === 'fail' && f.status === 503 && f.error_name === 'REQUEST_TIMED_OUT' && f.retriable !== false) {
      sealedWrites++;
      continue;
    }
    const what = f.type === 'fail' ? `${f.producer} ${f.op} attempt ${f.attempt}` : `${f.reader}#${f.incarnation} read of partition ${f.partition} at ${f.offset}`;
    if (f.status >= 500 && f.retriable === false) warn('non-retriable-5xx', `${what}: ${f.status} ${f.error_name ?? ''} retriable=false: ${f.message}`);
    if (f.status >= 500 && f.injected === 0) {
      flag({ type: 'unexplained-5xx', t: f.t, message: `${what} (t=${f.t}): ${f.status} ${f.error_name ?? ''} with no fault injected: ${f.message}` });
    } else if (f.status >= 400 && f.status < 500 && f.status !== 429) {
      flag({ type: 'rejected-good-input', t: f.t, message: `${what} (t=${f.t}): ${f.status} ${f.error_name ?? ''}: ${f.message}` });
    }
  }

  // Error answers given for writes that were applied after all.
  const acksPerValue = new Map<string, number>();
  for (const a of acks) acksPerValue.set(a.value, (acksPerValue.get(a.value) ?? 0) + 1);
  const failsPerValue = new Map<string, Array<EventOf<'fail'>>>();
  for (const f of fails) {
    for (const v of f.values) {
      const list = failsPerValue.get(v);
      if (list) list.push(f);
      else failsPerValue.set(v, [f]);
    }
  }
  const committedDespiteError: Record<string, number> = {};
  const refused = (f: EventOf<'fail'>) => f.kind === 'network' && f.message === 'ECONNREFUSED';
  for (const [value, positions] of finalPositions) {
    const fs = failsPerValue.get(value) ?? [];
    const answered = fs.filter((f) => f.kind === 'http');
    const unknown = fs.filter((f) => f.kind !== 'http' && !refused(f)).length;
    if (answered.length === 0 || positions.length <= (acksPerValue.get(value) ?? 0) + unknown) continue;
    tally(committedDespiteError, [...new Set(answered.map((f) => `${f.status} ${f.error_name ?? ''}`.trim()))].sort().join(' / '));
  }

  const txn = checkTransactions(events, { flag, warn });

  // Stats.
  const hits = new Map<number, number>();
  for (const h of of('faults-hit')) hits.set(h.server, Math.max(hits.get(h.server) ?? 0, h.total));
  const unacked = [...sent.keys()].filter((v) => !ackedValues.has(v));
  const highWatermarks: Record<number, number> = {};
  for (const [p, hw] of [...finalHw].sort((a, b) => a[0] - b[0])) highWatermarks[p] = hw;
  const txnOperations = events.filter((e) => e.type === 'txn-send' || e.type === 'txn-end' || e.type === 'txn-init' || e.type === 'txn-read').length;
  const stats: CheckStats = {
    operations: sends.length + reads.length + readFails.length + txnOperations,
    produceRequests: sends.length,
    valuesSent: sent.size,
    acks: acks.length,
    ackedValues: ackedValues.size,
    unackedValues: unacked.length,
    unackedPresent: unacked.filter((v) => finalPositions.has(v)).length,
    unackedAbsent: unacked.filter((v) => !finalPositions.has(v)).length,
    retries: sends.filter((s) => s.attempt > 1).length,
    duplicateValues,
    duplicateExtraCopies,
    committedDespiteError,
    reads: reads.length,
    recordsRead: reads.reduce((n, r) => n + r.records.length, 0),
    produceFailures,
    readFailures,
    faultWindows: of('faults').filter((f) => f.rules.length > 0).length,
    faultsInjected: [...hits.values()].reduce((a, b) => a + b, 0),
    serverKills: of('server-kill').length,
    serverStarts: of('server-start').length,
    readerCrashes: of('reader-crash').length,
    finalRecords: [...finalLog.values()].reduce((n, log) => n + log.size, 0),
    highWatermarks,
    sealedWrites,
    explicitGaps,
    ...(txn ? { txn } : {}),
  };
  const anomalyCount = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  return { ok: anomalyCount === 0, anomalyCount, counts, anomalies, warnings, stats, ...(workload ? { workload } : {}) };
}

/** Offsets below `hw` that `log` lacks, as [first, last] ranges. */
function missingRanges(log: Map<number, unknown>, hw: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let o = 0; o < hw; o++) {
    if (log.has(o)) continue;
    const start = o;
    while (o + 1 < hw && !log.has(o + 1)) o++;
    out.push([start, o]);
  }
  return out;
}

/** For points [t, value] sorted by t: the largest value among points with t < x, and its t. */
function maxUpTo(points: Array<[number, number]>): (x: number) => { t: number; value: number } | undefined {
  const best: Array<{ t: number; value: number }> = [];
  for (const [t, value] of points) {
    const prev = best[best.length - 1];
    best.push(prev && prev.value >= value ? { t, value: prev.value } : { t, value });
  }
  // The t kept is that of the point where the maximum was reached (for the message).
  const at: number[] = [];
  points.forEach(([t, v], i) => (at[i] = i > 0 && best[i - 1]!.value >= v ? at[i - 1]! : t));
  return (x) => {
    let lo = 0;
    let hi = points.length; // first index with t >= x
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (points[mid]![0] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : { t: at[lo - 1]!, value: best[lo - 1]!.value };
  };
}
