import { describe, expect, it } from 'vitest';
import { check, type AnomalyType } from '../../verify/chaos/checker';
import type { HistoryEvent, Isolation, ReadRecord } from '../../verify/chaos/history';

/**
 * Hand-made histories of the transactional workload (txn-checker.ts): each event one time unit
 * after the previous one. Topic A has two partitions; producer t0 has producer id 7.
 */
type Rec = [number, string | null, ('commit' | 'abort')?];

class H {
  t = 0;
  events: HistoryEvent[] = [];
  private add(e: Record<string, unknown>): this {
    this.events.push({ ...e, t: ++this.t } as HistoryEvent);
    return this;
  }
  workload(commitProtocol: 'reserve' | 'conditional' = 'conditional') {
    return this.add({
      type: 'workload',
      mode: 'default',
      topic: 'plain',
      partitions: 1,
      txnTopics: [{ topic: 'A', partitions: 2 }],
      commitProtocol,
      sealAfterMs: 10_000,
      producers: 0,
      idempotentProducers: 0,
      fetchers: 0,
      txnProducers: 1,
      txnFetchers: { committed: 1, uncommitted: 1 },
    });
  }
  init(instance: number, ok = true) {
    return this.add({ type: 'txn-init', t0: this.t + 0.5, producer: 't0', transactional_id: 'tid', instance, ok });
  }
  begin(txn: string, instance: number) {
    return this.add({ type: 'txn-begin', producer: 't0', instance, txn });
  }
  /** Sends and acks: [partition, value, offset]. */
  send(txn: string, instance: number, records: Array<[number, string, number]>) {
    this.add({ type: 'txn-send', producer: 't0', instance, txn, send: 0, records: records.map(([partition, value]) => ({ topic: 'A', partition, value, key: null })) });
    for (const [partition, value, offset] of records) this.add({ type: 'txn-ack', producer: 't0', txn, send: 0, value, topic: 'A', partition, offset });
    return this;
  }
  end(txn: string, instance: number, commit: boolean, ok = true) {
    return this.add({ type: 'txn-end', t0: this.t + 0.5, producer: 't0', instance, txn, commit, ok, ...(ok ? {} : { error_name: 'KafkaJSConnectionError', message: 'ECONNRESET' }) });
  }
  crash(txn: string, instance: number, zombie = false) {
    return this.add({ type: 'txn-crash', producer: 't0', instance, txn, zombie });
  }
  start(reader: string, isolation: Isolation, from: Record<string, number> = { 'A/0': 0, 'A/1': 0 }, incarnation = 1) {
    return this.add({ type: 'txn-reader-start', reader, incarnation, isolation, from, mode: 'initial' });
  }
  read(reader: string, isolation: Isolation, partition: number, offset: number, records: Rec[], hw: number, next?: number, lso?: number) {
    const recs: ReadRecord[] = records.map(([o, value, control]) => (control ? { offset: o, value: null, key: null, pid: 7, control } : { offset: o, value, key: null, ...(reader === 'final-ru' ? { pid: 7 } : {}) }));
    const t0 = ++this.t;
    const nextOffset = next ?? (recs.length > 0 ? recs[recs.length - 1]!.offset + 1 : offset);
    const stable = isolation === 'read_committed' ? { last_stable_offset: lso ?? hw } : {};
    return this.add({ type: 'txn-read', t0, reader, incarnation: 1, isolation, topic: 'A', partition, offset, records: recs, high_watermark: hw, next_offset: nextOffset, ...stable });
  }
}

/**
 * A clean run in miniature, every fate once:
 *   x0  a1 → A/0:0, b1 → A/1:0, committed (markers A/0:1, A/1:1)
 *   x1  a2 → A/0:2, aborted (marker A/0:3)
 *   x2  a3 → A/0:4, b3 → A/1:2, producer crash, fenced by instance 2 (markers A/0:5, A/1:3)
 *   x3  a4 → A/1:4 by instance 2, commit without an answer: committed after all (marker A/1:5)
 *   x4  a5 → A/0:6 by instance 2, crash; instance 3 fences it; instance 2's late commit is refused (marker A/0:7)
 * Reader c0 (read_committed) first sees A/1 with its LSO still at 0 — x0 visible in A/0 but not
 * yet in A/1: it has not reached x0's later part, so that is not torn. Reader u0 sees everything.
 */
function clean(protocol: 'reserve' | 'conditional' = 'conditional'): H {
  return new H()
    .workload(protocol)
    .init(1)
    .start('c0', 'read_committed')
    .start('u0', 'read_uncommitted')
    .begin('x0', 1)
    .send('x0', 1, [[0, 'a1', 0], [1, 'b1', 0]])
    .end('x0', 1, true)
    .read('c0', 'read_committed', 0, 0, [[0, 'a1']], 2, 2)
    .read('c0', 'read_committed', 1, 0, [], 2, 0, 0)
    .begin('x1', 1)
    .send('x1', 1, [[0, 'a2', 2]])
    .end('x1', 1, false)
    .begin('x2', 1)
    .send('x2', 1, [[0, 'a3', 4], [1, 'b3', 2]])
    .crash('x2', 1)
    .init(2)
    .begin('x3', 2)
    .send('x3', 2, [[1, 'a4', 4]])
    .end('x3', 2, true, false)
    .begin('x4', 2)
    .send('x4', 2, [[0, 'a5', 6]])
    .crash('x4', 2, true)
    .init(3)
    .end('x4', 2, true, false)
    .read('c0', 'read_committed', 0, 2, [], 8, 8)
    .read('c0', 'read_committed', 1, 0, [[0, 'b1'], [4, 'a4']], 6, 6)
    .read('u0', 'read_uncommitted', 0, 0, [[0, 'a1'], [2, 'a2'], [4, 'a3'], [6, 'a5']], 8, 8)
    .read('u0', 'read_uncommitted', 1, 0, [[0, 'b1'], [2, 'b3'], [4, 'a4']], 6, 6)
    .init(4)
    .read('final-rc', 'read_committed', 0, 0, [[0, 'a1']], 8, 8)
    .read('final-rc', 'read_committed', 1, 0, [[0, 'b1'], [4, 'a4']], 6, 6)
    .read('final-ru', 'read_uncommitted', 0, 0, [[0, 'a1'], [1, null, 'commit'], [2, 'a2'], [3, null, 'abort'], [4, 'a3'], [5, null, 'abort'], [6, 'a5'], [7, null, 'abort']], 8, 8)
    .read('final-ru', 'read_uncommitted', 1, 0, [[0, 'b1'], [1, null, 'commit'], [2, 'b3'], [3, null, 'abort'], [4, 'a4'], [5, null, 'commit']], 6, 6);
}

/** The clean history with some of its events replaced (matched by a predicate), dropped (null) or more added. */
function edit(h: H, change: (e: HistoryEvent) => HistoryEvent | null | undefined): H {
  const out = new H();
  out.events = h.events.flatMap((e) => {
    const c = change(e);
    return c === null ? [] : [c ?? e];
  });
  out.t = h.t;
  return out;
}
const isRead = (e: HistoryEvent, reader: string, partition: number, offset?: number): e is Extract<HistoryEvent, { type: 'txn-read' }> =>
  e.type === 'txn-read' && e.reader === reader && e.partition === partition && (offset === undefined || e.offset === offset);
const withRecords = (e: Extract<HistoryEvent, { type: 'txn-read' }>, records: ReadRecord[], extra: Record<string, unknown> = {}) => ({ ...e, records, ...extra }) as HistoryEvent;
const rec = (offset: number, value: string): ReadRecord => ({ offset, value, key: null });

const types = (h: H) => Object.keys(check(h.events).counts).sort() as AnomalyType[];

describe('chaos checker: transactions', () => {
  it('passes a clean history with every fate, and tells them apart', () => {
    const report = check(clean().events);
    expect(report.anomalies).toEqual([]);
    expect(report.stats.txn).toMatchObject({
      transactions: 5,
      committedAcked: 1,
      abortedAcked: 1,
      unknownCommitted: 1,
      unknownAborted: 0,
      crashed: 2,
      zombieCommitsRefused: 1,
      valuesSent: 7,
      valuesAcked: 7,
      committedValues: 3,
      abortedValuesInLog: 4,
      markers: { commit: 3, abort: 4 },
      explicitGaps: 0,
    });
    expect(check(clean('reserve').events).anomalies).toEqual([]);
  });

  it('catches a read_committed read of an aborted value', () => {
    const h = edit(clean(), (e) => (isRead(e, 'c0', 0, 0) ? withRecords(e, [rec(0, 'a1'), rec(2, 'a2')], { high_watermark: 8, next_offset: 3, last_stable_offset: 8 }) : undefined));
    expect(types(h)).toEqual(['aborted-read']);
    expect(check(h.events).anomalies[0]!.message).toContain('x1 (aborted)');
    // A crashed (fenced) transaction's value, and an unknown one the final read does not hold, are aborted too.
    const fenced = edit(clean(), (e) => (isRead(e, 'c0', 1, 0) && e.records.length > 0 ? withRecords(e, [rec(0, 'b1'), rec(2, 'b3'), rec(4, 'a4')]) : undefined));
    expect(types(fenced)).toEqual(['aborted-read']);
  });

  it('catches a torn transaction: a reader past all of it that saw part of it', () => {
    // c0 passes b1 (A/1:0) with next_offset 6 but returns only a4: x0 is torn for c0.
    const h = edit(clean(), (e) => (isRead(e, 'c0', 1, 0) && e.records.length > 0 ? withRecords(e, [rec(4, 'a4')]) : undefined));
    expect(types(h)).toEqual(['poll-skip', 'torn-transaction', 'unseen-ack']);
    expect(check(h.events).anomalies.find((a) => a.type === 'torn-transaction')!.message).toContain('x0 but saw 1 of its 2 values; not b1 at A/1:0');
    // Not torn: a reader that has not reached the rest yet (its reads of A/1 stop before b1).
    const early = edit(clean(), (e) => (isRead(e, 'c0', 1, 0) && e.records.length > 0 ? null : undefined));
    expect(types(early)).toEqual(['unseen-ack']); // it never got there: only the end-of-run check notices
  });

  it('catches a committed transaction missing from the final read_committed read', () => {
    const h = edit(clean(), (e) => (isRead(e, 'final-rc', 1) ? withRecords(e, [rec(4, 'a4')]) : undefined));
    expect(types(h)).toEqual(['lost-committed-txn']);
    expect(check(h.events).anomalies[0]!.message).toContain('b1 (in the read_uncommitted log at A/1:0)');
  });

  it('catches a transaction of unknown outcome that is neither all there nor all gone', () => {
    // x0's commit had no answer; the final read_committed read holds a1 but not b1.
    const h = edit(clean(), (e) => (e.type === 'txn-end' && e.txn === 'x0' ? { ...e, ok: false } : isRead(e, 'final-rc', 1) ? withRecords(e, [rec(4, 'a4')]) : undefined));
    expect(types(h)).toEqual(['partial-transaction']);
    // None of it there is fine (aborted), once the readers did not see it either.
    const none = edit(clean(), (e) =>
      e.type === 'txn-end' && e.txn === 'x0'
        ? { ...e, ok: false }
        : (isRead(e, 'final-rc', 0) || isRead(e, 'final-rc', 1)) && e.records.some((r) => r.value === 'a1' || r.value === 'b1')
          ? withRecords(e, e.records.filter((r) => r.value !== 'a1' && r.value !== 'b1'))
          : (isRead(e, 'c0', 0) || isRead(e, 'c0', 1)) && e.records.length > 0
            ? withRecords(e, e.records.filter((r) => r.value !== 'a1' && r.value !== 'b1'))
            : isRead(e, 'final-ru', 0) || isRead(e, 'final-ru', 1)
              ? withRecords(e, e.records.map((r) => (r.offset === 1 ? { ...r, control: 'abort' as const } : r)))
              : undefined,
    );
    expect(types(none)).toEqual([]);
  });

  it('catches a commit acknowledged to a fenced instance', () => {
    const h = edit(clean(), (e) => (e.type === 'txn-end' && e.txn === 'x4' ? { ...e, ok: true } : undefined));
    expect(types(h)).toEqual(['zombie-commit']);
  });

  it('catches markers that disagree with the fate, are missing, or end two transactions', () => {
    const wrongType = edit(clean(), (e) => (isRead(e, 'final-ru', 0) ? withRecords(e, e.records.map((r) => (r.offset === 3 ? { ...r, control: 'commit' as const } : r))) : undefined));
    expect(types(wrongType)).toEqual(['txn-marker']);
    expect(check(wrongType.events).anomalies[0]!.message).toContain('x1 (aborted) needs abort markers; A/0: commit marker');
    // x1's marker at A/0:3 gone (the read steps over it, as under the reserve protocol): x1 and x2 share x2's marker.
    const shared = edit(clean('reserve'), (e) => (isRead(e, 'final-ru', 0) ? withRecords(e, e.records.filter((r) => r.offset !== 3)) : undefined));
    expect(types(shared)).toEqual(['txn-marker']);
    expect(check(shared.events).anomalies[0]!.message).toContain('ends records of 2 transactions (x1, x2)');
    // The last marker missing: x4 has none.
    const none = edit(clean('reserve'), (e) => (isRead(e, 'final-ru', 0) ? withRecords(e, e.records.filter((r) => r.offset !== 7)) : undefined));
    expect(types(none)).toEqual(['txn-marker']);
    // A marker offset given up is an explicit gap under either protocol (markers are reserved): counted, not flagged.
    const given = check(edit(clean(), (e) => (isRead(e, 'final-ru', 0) ? withRecords(e, [...e.records.filter((r) => r.offset !== 7), { offset: 8, value: null, key: null, pid: 7, control: 'abort' }], { high_watermark: 9, next_offset: 9 }) : undefined)).events);
    expect(given.anomalies).toEqual([]);
    expect(given.stats.txn?.explicitGaps).toBe(1);
  });

  it('catches a transaction still open after every producer was re-initialised', () => {
    const h = edit(clean(), (e) => (isRead(e, 'final-rc', 0) ? withRecords(e, e.records, { last_stable_offset: 6, next_offset: 6 }) : undefined));
    expect(types(h)).toEqual(['hanging-transaction']);
  });

  it('catches a read_uncommitted reader that steps over an aborted record', () => {
    const h = edit(clean(), (e) => (isRead(e, 'u0', 0) ? withRecords(e, e.records.filter((r) => r.value !== 'a2')) : undefined));
    expect(types(h)).toEqual(['poll-skip', 'unseen-ack']);
  });

  it('catches reads out of bounds, skips across reads, divergent offsets and acks at the wrong offset', () => {
    // A record at the LSO.
    expect(types(edit(clean(), (e) => (isRead(e, 'c0', 0, 0) ? withRecords(e, e.records, { last_stable_offset: 0 }) : undefined)))).toEqual(['read-order']);
    // next_offset past the LSO.
    expect(types(edit(clean(), (e) => (isRead(e, 'c0', 0, 2) ? withRecords(e, [], { last_stable_offset: 6 }) : undefined)))).toEqual(['read-order']);
    // c0 asks A/0 at 2 after its read at 0 covered only up to 1.
    expect(types(edit(clean(), (e) => (isRead(e, 'c0', 0, 0) ? withRecords(e, e.records, { next_offset: 1 }) : undefined)))).toEqual(['fetcher-skip']);
    // u0 reads A/0:2 as a3 (and so never sees a2 there).
    expect(types(edit(clean(), (e) => (isRead(e, 'u0', 0) ? withRecords(e, e.records.map((r) => (r.offset === 2 ? { ...r, value: 'a3' } : r))) : undefined)))).toEqual([
      'offset-divergence',
      'unseen-ack',
    ]);
    // a2 acknowledged at A/0:3, where its abort marker is.
    expect(types(edit(clean(), (e) => (e.type === 'txn-ack' && e.value === 'a2' ? { ...e, offset: 3 } : undefined)))).toEqual(['ack-offset-mismatch']);
  });

  it('reads a history without transactions as before', () => {
    const report = check([{ type: 'phase', phase: 'done', t: 1 }]);
    expect(report.stats.txn).toBeUndefined();
  });
});
