/**
 * The checker's transactional half (issue 10): pure, over the txn-* events of a history. Called
 * by check() (checker.ts), which owns the anomaly list and the report.
 *
 * Which transactions may be visible. A transaction T of producer P (one transactional id) was
 * begun by instance i of P. T is FENCED from the first successful InitProducerId of an instance
 * j > i of P (txn-init ok, answered at time f): that call aborted T unless T's commit was already
 * decided. A commit request of T (txn-end commit: true, called at t0) is ELIGIBLE if t0 < f (or P
 * never re-initialised). Then:
 *   committed  an eligible commit request was answered OK
 *   unknown    eligible commit requests only without an answer (error, timeout, kill, run over)
 *   aborted    no eligible commit request: aborted, crashed, fenced, or never ended
 * An unknown T is taken as committed if the final read_committed read holds any of its values.
 * `C` below is the set of committed transactions so decided, `V(T)` the values T sent.
 *
 * The final log: after every transactional id was re-initialised (settle), `final-rc` reads each
 * partition read_committed from 0 to its LSO (Fc), `final-ru` reads it read_uncommitted in binary
 * batches, markers and producer ids included (Fu).
 *
 * Anomalies:
 *   aborted-read         a read_committed read (any reader, the final one included) returned a value
 *                        of a transaction not in C
 *   torn-transaction     a read_committed reader R, for T in C: every record of T (at its offset in
 *                        the final log, in every partition T wrote) lies inside the range
 *                        [offset, next_offset) of some read of R on that partition — R has read past
 *                        all of T — yet R saw some but not all of V(T). A reader that has not reached
 *                        T's later records is not torn (and seeing none of T having passed it all
 *                        is reported as poll-skip only)
 *   lost-committed-txn   T committed (acknowledged) and some value of V(T) is not in Fc
 *   partial-transaction  T of unknown outcome with some but not all of V(T) in Fc (all or nothing)
 *   zombie-commit        a commit request sent after T was fenced was answered OK
 *   txn-marker           in Fu, a record of T in a partition is not followed by a marker of its
 *                        producer id before that producer's next transaction writes there; two
 *                        transactions share one marker; a marker's type disagrees with T's fate
 *                        (commit for T in C, abort otherwise); or a control record is no marker
 *   hanging-transaction  after settling, the final read_committed read ends at an LSO below the
 *                        high watermark (an open transaction nobody will end)
 *   poll-skip            a read covered [offset, next_offset) and did not return a record that the
 *                        final log holds in that range: for read_committed a record of Fc, for
 *                        read_uncommitted a data record of Fu (aborted ones included)
 *   fetcher-skip         a reader asked for an offset beyond what its earlier reads covered
 *   read-order           a read's records are not increasing from the offset asked, reach the high
 *                        watermark (read_committed: the LSO), or next_offset is before the last
 *                        record + 1 or past the high watermark (read_committed: the LSO)
 *   offset-divergence    two reads (any isolation, final ones included) of one offset returned
 *                        different records, or a record at an offset where Fu has a marker or a gap
 *   ack-offset-mismatch  a transactional send acknowledged at an offset that Fu does not give its
 *                        value (aborted values too: read_uncommitted readers see them there)
 *   ack-in-gap           ... at an offset Fu steps over as an explicit gap (reserve protocol)
 *   duplicate            a value at two offsets (transactional producers are idempotent)
 *   phantom              a record that no transactional producer sent
 *   final-gap            the final reads do not cover 0 .. high watermark (Fu) or 0 .. LSO (Fc).
 *                        Offsets of Fu that hold neither a record nor a marker are explicit gaps,
 *                        counted, under either commit protocol: markers take their offsets by
 *                        reservation, and a completion that fails gives its offsets up
 *   unseen-ack           at the end, a read_committed fetcher has not seen a value of Fc, or a
 *                        read_uncommitted one a data record of Fu
 */
import type { Anomaly, WarningType } from './checker';
import type { EventOf, HistoryEvent, ReadRecord } from './history';

export interface TxnStats {
  transactions: number;
  committedAcked: number;
  abortedAcked: number;
  /** Commit asked, no answer: by the final read_committed read, committed or aborted. */
  unknownCommitted: number;
  unknownAborted: number;
  /** Dropped mid-transaction (zombies included). */
  crashed: number;
  zombieCommitsRefused: number;
  /** Ended neither way by an answer: a failed send, a failed abort, the end of the run. */
  otherAborted: number;
  inits: number;
  initFailures: number;
  sendFailures: number;
  valuesSent: number;
  valuesAcked: number;
  /** Values in the final read_committed log, and data records of other transactions in the final read_uncommitted log. */
  committedValues: number;
  abortedValuesInLog: number;
  markers: { commit: number; abort: number };
  reads: { committed: number; uncommitted: number };
  recordsRead: { committed: number; uncommitted: number };
  /** Offsets the final read_uncommitted read stepped over (no record, no marker). */
  explicitGaps: number;
  highWatermarks: Record<string, number>;
}

export interface TxnCheckContext {
  flag: (a: Anomaly) => void;
  warn: (type: WarningType, message: string) => void;
}

const FINAL_RC = 'final-rc';
const FINAL_RU = 'final-ru';
const key = (topic: string, partition: number) => `${topic}/${partition}`;
const at = (tp: string, o: number) => `${tp}:${o}`;

type Read = EventOf<'txn-read'>;
type Status = 'committed' | 'unknown' | 'aborted';

interface Txn {
  id: string;
  producer: string;
  instance: number;
  begun: number;
  values: Map<string, { tp: string; acked?: number }>;
  ends: Array<EventOf<'txn-end'>>;
  crashed?: EventOf<'txn-crash'>;
  sendFailed: boolean;
  status: Status;
  committed: boolean; // decided
}

/** The final log of one partition as a final reader saw it. */
interface FinalLog {
  records: Map<number, ReadRecord>;
  /** Union of [offset, next_offset) of the reads, merged. */
  covered: Array<[number, number]>;
  hw: number;
  lso: number;
}

export function checkTransactions(events: HistoryEvent[], ctx: TxnCheckContext): TxnStats | undefined {
  const { flag } = ctx;
  const workload = events.find((e): e is EventOf<'workload'> => e.type === 'workload');
  const hasTxnEvents = events.some((e) => e.type.startsWith('txn-'));
  if (!hasTxnEvents && !(workload && workload.txnTopics.length > 0)) return undefined;

  const of = <T extends HistoryEvent['type']>(type: T) => events.filter((e): e is EventOf<T> => e.type === type);
  const reads = of('txn-read');
  const inits = of('txn-init');

  // Transactions and what each sent.
  const txns = new Map<string, Txn>();
  const valueTxn = new Map<string, Txn>();
  for (const b of of('txn-begin')) {
    txns.set(b.txn, { id: b.txn, producer: b.producer, instance: b.instance, begun: b.t, values: new Map(), ends: [], sendFailed: false, status: 'aborted', committed: false });
  }
  const txnOf = (id: string, producer: string) => {
    let t = txns.get(id);
    if (!t) txns.set(id, (t = { id, producer, instance: 0, begun: 0, values: new Map(), ends: [], sendFailed: false, status: 'aborted', committed: false }));
    return t;
  };
  for (const s of of('txn-send')) {
    const t = txnOf(s.txn, s.producer);
    for (const r of s.records) {
      t.values.set(r.value, { tp: key(r.topic, r.partition) });
      valueTxn.set(r.value, t);
    }
  }
  let valuesAcked = 0;
  for (const a of of('txn-ack')) {
    const v = txnOf(a.txn, a.producer).values.get(a.value);
    if (v && v.acked === undefined) valuesAcked++;
    if (v && a.offset >= 0) v.acked = a.offset;
  }
  for (const f of of('txn-send-fail')) txnOf(f.txn, f.producer).sendFailed = true;
  for (const e of of('txn-end')) txnOf(e.txn, e.producer).ends.push(e);
  for (const c of of('txn-crash')) txnOf(c.txn, c.producer).crashed = c;

  // Fate: fenced from the first successful InitProducerId of a later instance.
  const okInits = inits.filter((i) => i.ok);
  let zombieCommitsRefused = 0;
  for (const t of txns.values()) {
    const fence = okInits.find((i) => i.producer === t.producer && i.instance > t.instance && i.t > t.begun);
    const fencedAt = fence?.t ?? Infinity;
    for (const c of t.ends) {
      if (!c.commit || c.t0 < fencedAt) continue;
      if (c.ok) {
        flag({ type: 'zombie-commit', t: c.t, message: `${t.id}: commit called at t=${c.t0} by instance ${c.instance}, after instance ${fence!.instance} was initialised (t=${fencedAt}), was answered OK` });
      } else zombieCommitsRefused++;
    }
    const eligible = t.ends.filter((c) => c.commit && c.t0 < fencedAt);
    t.status = eligible.some((c) => c.ok) ? 'committed' : eligible.length > 0 ? 'unknown' : 'aborted';
  }

  // The final logs.
  const finalLogs = (reader: string) => {
    const logs = new Map<string, FinalLog>();
    for (const r of reads.filter((x) => x.reader === reader)) {
      const tp = key(r.topic, r.partition);
      const log: FinalLog = logs.get(tp) ?? { records: new Map(), covered: [], hw: 0, lso: 0 };
      logs.set(tp, log);
      log.hw = Math.max(log.hw, r.high_watermark);
      log.lso = Math.max(log.lso, r.last_stable_offset ?? r.high_watermark);
      for (const rec of r.records) if (!log.records.has(rec.offset)) log.records.set(rec.offset, rec);
      const end = Math.max(r.next_offset, afterLast(r));
      if (end > r.offset) log.covered.push([r.offset, end]);
    }
    for (const log of logs.values()) log.covered = merge(log.covered);
    return logs;
  };
  const fc = finalLogs(FINAL_RC);
  const fu = finalLogs(FINAL_RU);
  const txnTps = new Set<string>([...(workload?.txnTopics ?? []).flatMap((t) => Array.from({ length: t.partitions }, (_, p) => key(t.topic, p))), ...reads.map((r) => key(r.topic, r.partition))]);
  const finalRead = fu.size > 0 || fc.size > 0;
  if (!finalRead && (valueTxn.size > 0 || reads.length > 0)) {
    flag({ type: 'final-gap', message: `no final read of the transactional topics (readers '${FINAL_RC}' and '${FINAL_RU}'): they cannot be checked` });
  }
  let explicitGaps = 0;
  const highWatermarks: Record<string, number> = {};
  if (finalRead) {
    for (const tp of [...txnTps].sort()) {
      const u = fu.get(tp);
      const c = fc.get(tp);
      highWatermarks[tp] = u?.hw ?? c?.hw ?? 0;
      const finals: Array<[string, FinalLog | undefined, number]> = [
        [FINAL_RU, u, u?.hw ?? 0],
        [FINAL_RC, c, c?.lso ?? 0],
      ];
      for (const [name, log, end] of finals) {
        for (const [start, last] of uncovered(log?.covered ?? [], end)) {
          flag({ type: 'final-gap', offset: start, message: `${tp}: the final read ${name} did not cover offsets ${start}..${last} (below ${end})` });
        }
      }
      // Explicit gaps are allowed here under either protocol: transaction markers take their offset
      // by reservation (lib/transactions/complete.ts), and a failed completion gives it up.
      if (u) for (let o = 0; o < u.hw; o++) if (!u.records.has(o) && inside(u.covered, o)) explicitGaps++;
      if (c && c.lso < c.hw) {
        flag({ type: 'hanging-transaction', message: `${tp}: after every transactional id was re-initialised the final read_committed read ends at LSO ${c.lso}, below the high watermark ${c.hw}: a transaction is still open` });
      }
    }
  }
  const fuAt = (tp: string, o: number) => fu.get(tp)?.records.get(o);
  const fuCovers = (tp: string, o: number) => inside(fu.get(tp)?.covered ?? [], o);

  // Where each value is: positions in Fu (data records) and Fc.
  const positions = (logs: Map<string, FinalLog>) => {
    const m = new Map<string, Array<[string, number]>>();
    for (const [tp, log] of logs) {
      for (const [o, rec] of log.records) {
        if (rec.control || rec.value === null) continue;
        const list = m.get(rec.value) ?? [];
        m.set(rec.value, list);
        list.push([tp, o]);
      }
    }
    return m;
  };
  const posU = positions(fu);
  const posC = positions(fc);

  // Decide unknown outcomes by the final read_committed read; all or nothing.
  for (const t of txns.values()) {
    const present = [...t.values.keys()].filter((v) => posC.has(v));
    if (t.status === 'committed') {
      t.committed = true;
      const missing = [...t.values.keys()].filter((v) => !posC.has(v));
      if (finalRead && missing.length > 0) {
        const where = missing.slice(0, 5).map((v) => `${v} (${posU.has(v) ? `in the read_uncommitted log at ${posU.get(v)!.map(([tp, o]) => at(tp, o)).join(', ')}` : 'in no log'}${t.values.get(v)!.acked === undefined ? ', send not acknowledged' : ''})`);
        flag({ type: 'lost-committed-txn', value: missing[0], message: `${t.id}: commit acknowledged, but ${missing.length} of its ${t.values.size} values are not in the final read_committed read: ${where.join('; ')}` });
      }
    } else if (t.status === 'unknown') {
      t.committed = present.length > 0;
      if (present.length > 0 && present.length < t.values.size) {
        flag({ type: 'partial-transaction', value: present[0], message: `${t.id}: commit outcome unknown; the final read_committed read holds ${present.length} of its ${t.values.size} values (${present.slice(0, 5).join(', ')}), not all or none` });
      }
    }
  }
  const committed = (v: string) => valueTxn.get(v)?.committed ?? false;

  // Duplicates and acknowledged offsets, against Fu.
  for (const [value, list] of posU) {
    if (list.length > 1) flag({ type: 'duplicate', value, message: `${value} is at ${list.map(([tp, o]) => at(tp, o)).join(', ')}, but transactional producers are idempotent` });
  }
  if (fu.size > 0) {
    for (const a of of('txn-ack')) {
      if (a.offset < 0) continue;
      const tp = key(a.topic, a.partition);
      const there = fuAt(tp, a.offset);
      if (there && !there.control && there.value === a.value) continue;
      const what = `${a.value} (${a.txn}, ${valueTxn.get(a.value)?.status ?? '?'}) was acknowledged at ${at(tp, a.offset)}`;
      if (!there && fuCovers(tp, a.offset)) {
        flag({ type: 'ack-in-gap', t: a.t, partition: a.partition, offset: a.offset, value: a.value, message: `${what}, which the final read_uncommitted read steps over as a gap` });
      } else {
        const holds = there ? (there.control ? `holds a ${there.control} marker` : `holds ${JSON.stringify(there.value)}`) : 'is past the final read_uncommitted read';
        const elsewhere = posU.get(a.value);
        flag({ type: 'ack-offset-mismatch', t: a.t, partition: a.partition, offset: a.offset, value: a.value, message: `${what}, which ${holds}; the value is ${elsewhere ? `at ${elsewhere.map(([p, o]) => at(p, o)).join(', ')}` : 'in no read_uncommitted log'}` });
      }
    }
  }

  // Markers in Fu: each transaction's records in a partition, closed by the next control record of its producer id.
  const markers = { commit: 0, abort: 0 };
  const markersOf = new Map<Txn, Map<string, string>>(); // txn -> tp -> marker type ('none' if unclosed)
  for (const [tp, log] of fu) {
    const open = new Map<number, Set<Txn>>(); // pid -> transactions with records since its last marker
    for (const o of [...log.records.keys()].sort((a, b) => a - b)) {
      const rec = log.records.get(o)!;
      if (rec.control) {
        if (rec.control === 'commit') markers.commit++;
        else if (rec.control === 'abort') markers.abort++;
        else flag({ type: 'txn-marker', offset: o, message: `${at(tp, o)}: a control record that is not a transaction marker` });
        const closed = [...(open.get(rec.pid ?? -1) ?? [])];
        open.delete(rec.pid ?? -1);
        if (closed.length > 1) flag({ type: 'txn-marker', offset: o, message: `${at(tp, o)}: one ${rec.control} marker of producer id ${rec.pid} ends records of ${closed.length} transactions (${closed.map((t) => t.id).join(', ')})` });
        for (const t of closed) {
          const m = markersOf.get(t) ?? new Map<string, string>();
          markersOf.set(t, m);
          m.set(tp, rec.control);
        }
        continue;
      }
      const t = rec.value === null ? undefined : valueTxn.get(rec.value);
      if (!t) continue;
      const set = open.get(rec.pid ?? -1) ?? new Set<Txn>();
      open.set(rec.pid ?? -1, set);
      set.add(t);
    }
    for (const [pid, set] of open) {
      for (const t of set) {
        const m = markersOf.get(t) ?? new Map<string, string>();
        markersOf.set(t, m);
        m.set(tp, 'none');
        void pid;
      }
    }
  }
  for (const [t, m] of markersOf) {
    const want = t.committed ? 'commit' : 'abort';
    const wrong = [...m].filter(([, type]) => type !== want);
    if (wrong.length === 0) continue;
    const list = wrong.map(([tp, type]) => `${tp}: ${type === 'none' ? 'no marker' : `${type} marker`}`).join(', ');
    flag({ type: 'txn-marker', message: `${t.id} (${t.status}${t.status === 'unknown' ? `, ${t.committed ? 'committed' : 'aborted'} by the final read` : ''}) needs ${want} markers; ${list}` });
  }

  // Every read: order and bounds, aborted values, skips, what each offset held.
  const observed = new Map<string, Map<string, string>>(); // tp:o -> value -> first reader
  const phantoms = new Set<string>();
  const abortedReads = new Set<string>();
  const byReaderTp = new Map<string, Read[]>();
  for (const r of reads) {
    const tp = key(r.topic, r.partition);
    const rc = r.isolation === 'read_committed';
    const where = `${r.reader}#${r.incarnation} ${rc ? 'read_committed' : 'read_uncommitted'} read of ${tp} at ${r.offset} (t=${r.t})`;
    const end = rc ? Math.min(r.high_watermark, r.last_stable_offset ?? r.high_watermark) : r.high_watermark;
    let prev = r.offset - 1;
    const returned = new Set<number>();
    for (const rec of r.records) {
      if (rec.offset <= prev) flag({ type: 'read-order', t: r.t, reader: r.reader, offset: rec.offset, message: `${where}: offset ${rec.offset} after ${prev} (offsets ${r.records.map((x) => x.offset).join(',')})` });
      if (rec.offset >= end) flag({ type: 'read-order', t: r.t, reader: r.reader, offset: rec.offset, message: `${where}: record at offset ${rec.offset} at or past the ${rc ? 'LSO' : 'high watermark'} ${end}` });
      prev = Math.max(prev, rec.offset);
      returned.add(rec.offset);
      if (rec.control) continue;
      const pos = at(tp, rec.offset);
      const values = observed.get(pos) ?? new Map<string, string>();
      observed.set(pos, values);
      if (!values.has(String(rec.value))) values.set(String(rec.value), `${r.reader}#${r.incarnation} t=${r.t}`);
      if (rec.value === null || !valueTxn.has(rec.value)) {
        if (!phantoms.has(String(rec.value))) {
          phantoms.add(String(rec.value));
          flag({ type: 'phantom', t: r.t, reader: r.reader, offset: rec.offset, value: rec.value ?? undefined, message: `${where}: record ${JSON.stringify(rec.value)} at ${pos} was never sent` });
        }
        continue;
      }
      if (rc && finalRead && !committed(rec.value)) {
        const t = valueTxn.get(rec.value)!;
        if (!abortedReads.has(`${r.reader}|${t.id}`)) {
          abortedReads.add(`${r.reader}|${t.id}`);
          const fate = t.status === 'unknown' ? 'commit outcome unknown, and the final read_committed read holds none of its values' : t.ends.length === 0 ? (t.crashed ? 'dropped by a crash and fenced' : 'never ended') : t.ends.some((e) => e.commit) ? 'fenced before its commit' : 'aborted';
          flag({ type: 'aborted-read', t: r.t, reader: r.reader, offset: rec.offset, value: rec.value, message: `${where}: returned ${rec.value} at ${pos}, of ${t.id} (${fate})` });
        }
      }
    }
    const afterRecords = prev + 1;
    if (r.next_offset < Math.max(afterRecords, r.offset) || r.next_offset > Math.max(end, r.offset)) {
      flag({ type: 'read-order', t: r.t, reader: r.reader, message: `${where}: next_offset ${r.next_offset} outside ${Math.max(afterRecords, r.offset)}..${Math.max(end, r.offset)} (last record + 1 .. ${rc ? 'LSO' : 'high watermark'})` });
    }
    if (r.reader === FINAL_RC || r.reader === FINAL_RU) continue;
    const list = byReaderTp.get(`${r.reader}|${tp}`) ?? [];
    byReaderTp.set(`${r.reader}|${tp}`, list);
    list.push(r);
    // Poll skip: everything the final log holds for this reader in [offset, next_offset) was returned.
    if (!finalRead) continue;
    const log = rc ? fc.get(tp) : fu.get(tp);
    for (let o = r.offset; o < Math.min(r.next_offset, log?.hw ?? 0); o++) {
      const rec = log?.records.get(o);
      if (!rec || rec.control || returned.has(o)) continue;
      flag({ type: 'poll-skip', t: r.t, reader: r.reader, offset: o, value: rec.value ?? undefined, message: `${where}: answered next_offset ${r.next_offset} without ${rec.value} at ${at(tp, o)}, which the final ${rc ? 'read_committed' : 'read_uncommitted'} read holds` });
    }
  }
  for (const [pos, values] of observed) {
    const [tp, o] = splitAt(pos);
    const u = fuAt(tp, o);
    if (values.size > 1) {
      flag({ type: 'offset-divergence', offset: o, message: `${pos} was read as ${[...values].map(([v, by]) => `${JSON.stringify(v)} (${by})`).join(', ')}` });
    } else if (fu.size > 0 && fuCovers(tp, o) && (!u || u.control)) {
      const [[v, by]] = [...values];
      flag({ type: 'offset-divergence', offset: o, message: `${pos} was read as ${JSON.stringify(v)} (${by}), but the final read_uncommitted read has ${u ? `a ${u.control} marker` : 'a gap'} there` });
    }
  }

  // Readers: skips across reads and restarts, torn transactions, what each has seen at the end.
  const starts = of('txn-reader-start');
  const isolationOf = new Map<string, string>(starts.map((s) => [s.reader, s.isolation]));
  const covered = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'txn-reader-start') {
      for (const [tp, from] of Object.entries(e.from)) if (!covered.has(`${e.reader}|${tp}`)) covered.set(`${e.reader}|${tp}`, from);
      continue;
    }
    if (e.type !== 'txn-read' || e.reader === FINAL_RC || e.reader === FINAL_RU) continue;
    const k = `${e.reader}|${key(e.topic, e.partition)}`;
    const c = covered.get(k) ?? 0;
    if (e.offset > c) flag({ type: 'fetcher-skip', t: e.t, reader: e.reader, offset: c, message: `${e.reader}#${e.incarnation} asked ${key(e.topic, e.partition)} for offset ${e.offset} but its reads had covered only up to ${c}` });
    covered.set(k, Math.max(c, e.offset, e.next_offset));
  }
  const spans = new Map<string, Array<[number, number]>>();
  for (const [k, list] of byReaderTp) spans.set(k, merge(list.filter((r) => r.next_offset > r.offset).map((r) => [r.offset, r.next_offset])));
  const seenBy = new Map<string, Set<string>>(); // reader -> "value@tp:o"
  for (const [k, list] of byReaderTp) {
    const reader = k.split('|')[0]!;
    const set = seenBy.get(reader) ?? new Set<string>();
    seenBy.set(reader, set);
    for (const r of list) for (const rec of r.records) if (!rec.control) set.add(`${rec.value}@${at(key(r.topic, r.partition), rec.offset)}`);
  }
  const rcReaders = [...isolationOf].filter(([, iso]) => iso === 'read_committed').map(([r]) => r);
  const ruReaders = [...isolationOf].filter(([, iso]) => iso === 'read_uncommitted').map(([r]) => r);
  if (finalRead) {
    for (const t of txns.values()) {
      if (!t.committed || t.values.size === 0) continue;
      const places = [...t.values].map(([v, info]) => [v, posC.get(v)?.[0] ?? posU.get(v)?.[0] ?? (info.acked === undefined ? undefined : [info.tp, info.acked])] as const);
      if (places.some(([, p]) => p === undefined)) continue; // lost: reported above
      for (const reader of rcReaders) {
        const passedAll = places.every(([, p]) => inside(spans.get(`${reader}|${p![0]}`) ?? [], p![1]));
        const seen = places.filter(([v, p]) => seenBy.get(reader)?.has(`${v}@${at(p![0], p![1])}`)).map(([v]) => v);
        if (passedAll && seen.length > 0 && seen.length < places.length) {
          const unseen = places.filter(([v]) => !seen.includes(v)).map(([v, p]) => `${v} at ${at(p![0], p![1])}`);
          flag({ type: 'torn-transaction', reader, value: seen[0], message: `${reader} read past every record of committed ${t.id} but saw ${seen.length} of its ${places.length} values; not ${unseen.slice(0, 5).join(', ')}` });
        }
      }
    }
    // At the end every fetcher has seen what its isolation level lets it see.
    const unseen = (readers: string[], logs: Map<string, FinalLog>, what: string) => {
      for (const [tp, log] of logs) {
        for (const [o, rec] of log.records) {
          if (rec.control || rec.value === null || !valueTxn.has(rec.value)) continue;
          const missing = readers.filter((r) => !seenBy.get(r)?.has(`${rec.value}@${at(tp, o)}`));
          if (missing.length > 0) flag({ type: 'unseen-ack', offset: o, value: rec.value, message: `${rec.value} (${at(tp, o)}, ${what}) was never seen by ${missing.join(', ')}` });
        }
      }
    };
    unseen(rcReaders, fc, 'committed');
    unseen(ruReaders, fu, 'in the read_uncommitted log');
  }

  // Stats.
  const list = [...txns.values()];
  const rcReads = reads.filter((r) => r.isolation === 'read_committed' && r.reader !== FINAL_RC);
  const ruReads = reads.filter((r) => r.isolation === 'read_uncommitted' && r.reader !== FINAL_RU);
  const ackedEnd = (t: Txn, commit: boolean) => t.ends.some((e) => e.commit === commit && e.ok);
  return {
    transactions: list.length,
    committedAcked: list.filter((t) => t.status === 'committed').length,
    abortedAcked: list.filter((t) => t.status === 'aborted' && ackedEnd(t, false)).length,
    unknownCommitted: list.filter((t) => t.status === 'unknown' && t.committed).length,
    unknownAborted: list.filter((t) => t.status === 'unknown' && !t.committed).length,
    crashed: list.filter((t) => t.crashed).length,
    zombieCommitsRefused,
    otherAborted: list.filter((t) => t.status === 'aborted' && !ackedEnd(t, false) && !t.crashed).length,
    inits: inits.length,
    initFailures: inits.filter((i) => !i.ok).length,
    sendFailures: of('txn-send-fail').length,
    valuesSent: valueTxn.size,
    valuesAcked,
    committedValues: [...posC.keys()].length,
    abortedValuesInLog: [...posU.keys()].filter((v) => !committed(v)).length,
    markers,
    reads: { committed: rcReads.length, uncommitted: ruReads.length },
    recordsRead: { committed: rcReads.reduce((n, r) => n + r.records.length, 0), uncommitted: ruReads.reduce((n, r) => n + r.records.length, 0) },
    explicitGaps,
    highWatermarks,
  };
}

const afterLast = (r: { offset: number; records: ReadRecord[] }) => (r.records.length > 0 ? r.records[r.records.length - 1]!.offset + 1 : r.offset);

function splitAt(pos: string): [string, number] {
  const i = pos.lastIndexOf(':');
  return [pos.slice(0, i), Number(pos.slice(i + 1))];
}

/** Merge [start, end) ranges. */
export function merge(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Is `o` inside one of the merged [start, end) ranges? */
export function inside(ranges: Array<[number, number]>, o: number): boolean {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid]![1] <= o) lo = mid + 1;
    else hi = mid;
  }
  return lo < ranges.length && ranges[lo]![0] <= o;
}

/** The parts of [0, end) outside the merged ranges, as [first, last] offsets. */
export function uncovered(ranges: Array<[number, number]>, end: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let pos = 0;
  for (const [s, e] of ranges) {
    if (s > pos) out.push([pos, Math.min(s, end) - 1]);
    pos = Math.max(pos, e);
    if (pos >= end) break;
  }
  if (pos < end) out.push([pos, end - 1]);
  return out.filter(([a, b]) => b >= a);
}
