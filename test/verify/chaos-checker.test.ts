import { describe, expect, it } from 'vitest';
import { check, type AnomalyType } from '../../verify/chaos/checker';
import { parseJsonl, type HistoryEvent, type ReadRecord } from '../../verify/chaos/history';

/** Hand-made histories: each event one time unit after the previous one. */
class H {
  t = 0;
  readonly events: HistoryEvent[] = [];
  private add(e: Record<string, unknown>): this {
    this.events.push({ ...e, t: ++this.t } as HistoryEvent);
    return this;
  }
  send(producer: string, op: string, attempt: number, values: string[], options: { idempotent?: boolean; key?: string | null } = {}) {
    const records = values.map((value) => ({ value, key: options.key === undefined ? `k-${value}` : options.key }));
    return this.add({ type: 'send', producer, op, attempt, idempotent: options.idempotent ?? false, api: 'batch', records });
  }
  ack(producer: string, op: string, attempt: number, value: string, partition: number, offset: number) {
    return this.add({ type: 'ack', producer, op, attempt, value, partition, offset });
  }
  fail(producer: string, op: string, attempt: number, values: string[], how: { status?: number; injected?: number; retriable?: boolean } = {}) {
    const http = how.status !== undefined;
    return this.add({ type: 'fail', producer, op, attempt, values, kind: http ? 'http' : 'network', ...how, message: http ? 'error answer' : 'ECONNRESET' });
  }
  start(reader: string, incarnation: number, from: Record<number, number>) {
    return this.add({ type: 'reader-start', reader, incarnation, from, mode: incarnation === 1 ? 'initial' : 'last' });
  }
  crash(reader: string, incarnation: number) {
    return this.add({ type: 'reader-crash', reader, incarnation });
  }
  /** `records` as [offset, value]; keys follow the values (k-<value>) unless given. */
  read(reader: string, incarnation: number, partition: number, offset: number, records: Array<[number, string | null, string?]>, hw: number, next?: number) {
    const recs: ReadRecord[] = records.map(([o, value, key]) => ({ offset: o, value, key: key ?? (value === null ? null : `k-${value}`) }));
    const t0 = ++this.t;
    const nextOffset = next ?? (recs.length > 0 ? recs[recs.length - 1]!.offset + 1 : offset);
    return this.add({ type: 'read', t0, reader, incarnation, partition, offset, records: recs, high_watermark: hw, next_offset: nextOffset });
  }
  readFail(reader: string, incarnation: number, partition: number, offset: number, status: number, injected: number) {
    return this.add({ type: 'read-fail', reader, incarnation, partition, offset, kind: 'http', status, injected, message: 'error answer' });
  }
  final(partition: number, records: Array<[number, string | null, string?]>, hw: number) {
    return this.read('final', 1, partition, 0, records, hw);
  }
  raw(e: Record<string, unknown>) {
    return this.add(e);
  }
}

/**
 * A clean run in miniature: p0 writes a0 a1 to partition 0; p1's first attempt at b0 loses its
 * answer and the retry duplicates it in partition 1 (allowed: a plain producer sent it twice);
 * p0's a2 fails with an injected 503 and is not in the log (allowed: outcome unknown). Fetcher
 * f0 reads both partitions, fails once, crashes and restarts from its last seen offsets.
 */
function clean(): H {
  return new H()
    .raw({ type: 'server-start', server: 1, pid: 100 })
    .raw({ type: 'faults', rules: [{ service: 'dynamodb', command: 'TransactWriteItems', mode: 'fail-after', times: 1 }] })
    .start('f0', 1, { 0: 0, 1: 0 })
    .send('p0', 'p0-op0', 1, ['a0', 'a1'])
    .ack('p0', 'p0-op0', 1, 'a0', 0, 0)
    .ack('p0', 'p0-op0', 1, 'a1', 0, 1)
    .send('p1', 'p1-op0', 1, ['b0'])
    .fail('p1', 'p1-op0', 1, ['b0'])
    .send('p1', 'p1-op0', 2, ['b0'])
    .ack('p1', 'p1-op0', 2, 'b0', 1, 1)
    .send('p0', 'p0-op1', 1, ['a2'])
    .fail('p0', 'p0-op1', 1, ['a2'], { status: 503, injected: 1, retriable: true })
    .read('f0', 1, 0, 0, [[0, 'a0'], [1, 'a1']], 2)
    .readFail('f0', 1, 1, 0, 503, 1)
    .read('f0', 1, 1, 0, [[0, 'b0']], 2)
    .raw({ type: 'server-kill', server: 1, pid: 100 })
    .raw({ type: 'faults-hit', server: 1, total: 3 })
    .raw({ type: 'server-start', server: 2, pid: 101 })
    .crash('f0', 1)
    .start('f0', 2, { 0: 1, 1: 0 })
    .read('f0', 2, 0, 1, [[1, 'a1']], 2)
    .read('f0', 2, 1, 0, [[0, 'b0'], [1, 'b0']], 2)
    .read('f0', 2, 0, 2, [], 2)
    .raw({ type: 'faults', rules: [] })
    .start('final', 1, { 0: 0, 1: 0 })
    .final(0, [[0, 'a0'], [1, 'a1']], 2)
    .final(1, [[0, 'b0'], [1, 'b0']], 2);
}

const types = (h: H) => Object.keys(check(h.events).counts).sort() as AnomalyType[];

describe('chaos checker', () => {
  it('passes a clean history, counting the allowed duplicate and the unknown outcome', () => {
    const report = check(clean().events);
    expect(report.anomalies).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.stats).toMatchObject({
      valuesSent: 4,
      ackedValues: 3,
      unackedValues: 1,
      unackedAbsent: 1,
      duplicateValues: 1,
      duplicateExtraCopies: 1,
      retries: 1,
      serverKills: 1,
      readerCrashes: 1,
      faultWindows: 1,
      faultsInjected: 3,
      finalRecords: 4,
      highWatermarks: { 0: 2, 1: 2 },
    });
    expect(report.stats.produceFailures).toEqual({ 'network ECONNRESET': 1, '503': 1 });
  });

  it('reads a history back from JSON lines', () => {
    const h = clean();
    const text = h.events.map((e) => JSON.stringify(e)).join('\n') + '\n';
    expect(check(parseJsonl(text))).toEqual(check(h.events));
  });

  it('catches a lost acknowledged record', () => {
    // a1 acked at 0:1, but the final log holds a2 there.
    const h = new H()
      .start('f0', 1, { 0: 0 })
      .send('p0', 'op0', 1, ['a0', 'a1', 'a2'])
      .ack('p0', 'op0', 1, 'a0', 0, 0)
      .ack('p0', 'op0', 1, 'a1', 0, 1)
      .read('f0', 1, 0, 0, [[0, 'a0'], [1, 'a2']], 2)
      .final(0, [[0, 'a0'], [1, 'a2']], 2);
    const report = check(h.events);
    expect(types(h)).toEqual(['lost-ack']);
    expect(report.anomalies.find((a) => a.type === 'lost-ack')).toMatchObject({ value: 'a1', partition: 0, offset: 1 });
  });

  it('catches an ack whose offset holds another record', () => {
    const h = new H()
      .send('p0', 'op0', 1, ['a0', 'a1'])
      .ack('p0', 'op0', 1, 'a0', 0, 0)
      .ack('p0', 'op0', 1, 'a1', 0, 0) // both acked at offset 0; a1 is really at 1
      .final(0, [[0, 'a0'], [1, 'a1']], 2);
    expect(types(h)).toEqual(['ack-offset-mismatch']);
  });

  it('catches a duplicate a producer sent once, and any duplicate of an idempotent producer', () => {
    const once = new H().send('p0', 'op0', 1, ['a0']).ack('p0', 'op0', 1, 'a0', 0, 0).final(0, [[0, 'a0'], [1, 'a0']], 2);
    expect(types(once)).toEqual(['duplicate']);

    const idem = new H()
      .send('p0', 'op0', 1, ['a0'], { idempotent: true })
      .fail('p0', 'op0', 1, ['a0'])
      .send('p0', 'op0', 2, ['a0'], { idempotent: true })
      .ack('p0', 'op0', 2, 'a0', 0, 1)
      .final(0, [[0, 'a0'], [1, 'a0']], 2);
    expect(types(idem)).toEqual(['duplicate']);

    // The same with a plain producer is counted, not flagged.
    const plain = new H().send('p0', 'op0', 1, ['a0']).fail('p0', 'op0', 1, ['a0']).send('p0', 'op0', 2, ['a0']).ack('p0', 'op0', 2, 'a0', 0, 1).final(0, [[0, 'a0'], [1, 'a0']], 2);
    expect(check(plain.events)).toMatchObject({ ok: true, stats: { duplicateValues: 1 } });
  });

  it('catches a final log with a gap, and a history without a final read', () => {
    const gap = new H().send('p0', 'op0', 1, ['a0', 'a1']).final(0, [[0, 'a0']], 3);
    const report = check(gap.events);
    expect(types(gap)).toEqual(['final-gap']);
    expect(report.anomalies[0]!.message).toContain('offsets 1..2');

    const none = new H().send('p0', 'op0', 1, ['a0']).ack('p0', 'op0', 1, 'a0', 0, 0);
    expect(types(none)).toEqual(['final-gap']);
  });

  it('catches reads that are not gapless and increasing, pass the high watermark, or misreport next_offset', () => {
    const base = () => new H().send('p0', 'op0', 1, ['a0', 'a1', 'a2']).start('f0', 1, { 0: 0 });
    const end = (h: H) => h.final(0, [[0, 'a0'], [1, 'a1'], [2, 'a2']], 3).read('f0', 1, 0, 3, [], 3);
    expect(types(end(base().read('f0', 1, 0, 0, [[0, 'a0'], [2, 'a2']], 3).read('f0', 1, 0, 1, [[1, 'a1']], 3)))).toEqual(['read-order']);
    expect(types(end(base().read('f0', 1, 0, 0, [[1, 'a1'], [0, 'a0']], 3).read('f0', 1, 0, 2, [[2, 'a2']], 3)))).toEqual(['read-order']);
    expect(types(end(base().read('f0', 1, 0, 0, [[0, 'a0'], [1, 'a1'], [2, 'a2']], 2)))).toEqual(['read-order']);
    expect(types(end(base().read('f0', 1, 0, 0, [[0, 'a0'], [1, 'a1'], [2, 'a2']], 3, 5)))).toEqual(['read-order']);
  });

  it('catches an offset read as two different records, and a record read at two offsets', () => {
    const h = new H()
      .send('p0', 'op0', 1, ['a0', 'a1'])
      .start('f0', 1, { 0: 0 })
      .read('f0', 1, 0, 0, [[0, 'a1'], [1, 'a1']], 2) // offset 0 read as a1; a1 read at 0 and 1
      .final(0, [[0, 'a0'], [1, 'a1']], 2);
    expect(types(h)).toEqual(['offset-divergence', 'value-at-two-offsets']);
  });

  it('catches a record that was never sent', () => {
    const h = new H().send('p0', 'op0', 1, ['a0']).ack('p0', 'op0', 1, 'a0', 0, 0).final(0, [[0, 'a0'], [1, 'ghost']], 2);
    expect(types(h)).toEqual(['phantom']);
    expect(check(h.events).anomalies[0]).toMatchObject({ value: 'ghost', offset: 1 });
  });

  it('catches a fetcher that moves past offsets it never saw, within a run and across a restart', () => {
    const log = (h: H) => h.final(0, [[0, 'a0'], [1, 'a1'], [2, 'a2'], [3, 'a3']], 4);
    const sent = () => new H().send('p0', 'op0', 1, ['a0', 'a1', 'a2', 'a3']).start('f0', 1, { 0: 0 });
    // Asked at 0, then at 2: offset 1 never seen.
    const within = log(sent().read('f0', 1, 0, 0, [[0, 'a0']], 4).read('f0', 1, 0, 2, [[2, 'a2'], [3, 'a3']], 4).read('f0', 1, 0, 1, [[1, 'a1']], 4));
    expect(types(within)).toEqual(['fetcher-skip']);
    // Restarted after its last seen offset plus one.
    const restart = log(sent().read('f0', 1, 0, 0, [[0, 'a0']], 4).crash('f0', 1).start('f0', 2, { 0: 2 }).read('f0', 2, 0, 2, [[2, 'a2'], [3, 'a3']], 4).read('f0', 2, 0, 1, [[1, 'a1']], 4));
    expect(types(restart)).toEqual(['fetcher-skip']);
    // Restarting from the last seen offset, or from 0, re-reads: no skip.
    const fine = log(sent().read('f0', 1, 0, 0, [[0, 'a0'], [1, 'a1']], 4).crash('f0', 1).start('f0', 2, { 0: 1 }).read('f0', 2, 0, 1, [[1, 'a1'], [2, 'a2'], [3, 'a3']], 4));
    expect(types(fine)).toEqual([]);
  });

  it('catches a high watermark that goes back, and a read that misses an earlier ack', () => {
    const regress = new H()
      .send('p0', 'op0', 1, ['a0', 'a1'])
      .start('f0', 1, { 0: 0 })
      .read('f0', 1, 0, 0, [[0, 'a0'], [1, 'a1']], 2)
      .read('f0', 1, 0, 2, [], 1)
      .final(0, [[0, 'a0'], [1, 'a1']], 2);
    expect(types(regress)).toEqual(['hw-regression']);

    const stale = new H()
      .send('p0', 'op0', 1, ['a0'])
      .ack('p0', 'op0', 1, 'a0', 0, 0)
      .start('f0', 1, { 0: 0 })
      .read('f0', 1, 0, 0, [], 0) // sent after the ack, sees an empty partition
      .read('f0', 1, 0, 0, [[0, 'a0']], 1)
      .final(0, [[0, 'a0']], 1);
    expect(types(stale)).toEqual(['stale-read']);
  });

  it('catches acked records a fetcher has not seen at the end', () => {
    const h = new H()
      .send('p0', 'op0', 1, ['a0', 'a1'])
      .ack('p0', 'op0', 1, 'a0', 0, 0)
      .ack('p0', 'op0', 1, 'a1', 0, 1)
      .start('f0', 1, { 0: 0 })
      .start('f1', 1, { 0: 0 })
      .read('f0', 1, 0, 0, [[0, 'a0'], [1, 'a1']], 2)
      .read('f1', 1, 0, 0, [[0, 'a0']], 2)
      .final(0, [[0, 'a0'], [1, 'a1']], 2);
    expect(types(h)).toEqual(['unseen-ack']);
    expect(check(h.events).anomalies[0]!.message).toContain('never seen by f1');
  });

  it('catches a 5xx with no injected fault, and a 4xx on good input; a 5xx from an injected fault is fine', () => {
    const h = (status: number, injected: number) =>
      new H().send('p0', 'op0', 1, ['a0']).fail('p0', 'op0', 1, ['a0'], { status, injected }).send('p0', 'op0', 2, ['a0']).ack('p0', 'op0', 2, 'a0', 0, 0).final(0, [[0, 'a0']], 1);
    expect(types(h(500, 0))).toEqual(['unexplained-5xx']);
    expect(types(h(400, 0))).toEqual(['rejected-good-input']);
    expect(types(h(503, 1))).toEqual([]);
    expect(types(h(429, 0))).toEqual([]);
    const read = new H().send('p0', 'op0', 1, ['a0']).start('f0', 1, { 0: 0 }).readFail('f0', 1, 0, 0, 503, 0).read('f0', 1, 0, 0, [[0, 'a0']], 1).final(0, [[0, 'a0']], 1);
    expect(types(read)).toEqual(['unexplained-5xx']);
  });

  it('warns about a 5xx that tells clients not to retry a transient fault', () => {
    const h = new H().send('p0', 'op0', 1, ['a0']).fail('p0', 'op0', 1, ['a0'], { status: 500, injected: 1, retriable: false }).final(0, [], 0);
    const report = check(h.events);
    expect(report.ok).toBe(true);
    expect(report.warnings.counts).toEqual({ 'non-retriable-5xx': 1 });
  });

  it('counts writes applied although the answer was an error', () => {
    const h = new H()
      .send('p0', 'op0', 1, ['a0'])
      .fail('p0', 'op0', 1, ['a0'], { status: 429, injected: 1 })
      .send('p0', 'op0', 2, ['a0'])
      .ack('p0', 'op0', 2, 'a0', 0, 1)
      .final(0, [[0, 'a0'], [1, 'a0']], 2);
    expect(check(h.events)).toMatchObject({ ok: true, stats: { duplicateValues: 1, committedDespiteError: { '429': 1 } } });
    // After a broken connection nobody can say: not counted.
    expect(check(clean().events).stats.committedDespiteError).toEqual({});
    // Three copies from an error answer, a broken connection and an ack: the error answer's attempt was applied.
    const three = new H()
      .send('p0', 'op0', 1, ['a0'])
      .fail('p0', 'op0', 1, ['a0'], { status: 500, injected: 1 })
      .send('p0', 'op0', 2, ['a0'])
      .fail('p0', 'op0', 2, ['a0'])
      .send('p0', 'op0', 3, ['a0'])
      .ack('p0', 'op0', 3, 'a0', 0, 2)
      .final(0, [[0, 'a0'], [1, 'a0'], [2, 'a0']], 3);
    expect(check(three.events).stats.committedDespiteError).toEqual({ '500': 1 });
  });

  it('catches one key in two partitions', () => {
    const h = new H()
      .send('p0', 'op0', 1, ['a0', 'a1'], { key: 'k1' })
      .final(0, [[0, 'a0', 'k1']], 1)
      .final(1, [[0, 'a1', 'k1']], 1);
    expect(types(h)).toEqual(['key-partition-split']);
  });

  it('keeps the first anomalies of each type and counts them all', () => {
    const h = new H().send('p0', 'op0', 1, ['a0']);
    for (let i = 0; i < 80; i++) h.ack('p0', 'op0', 1, 'a0', 0, i + 5);
    h.final(0, [[0, 'a0']], 1);
    const report = check(h.events, { keepPerType: 10 });
    expect(report.counts['ack-offset-mismatch']).toBe(80);
    expect(report.anomalies.filter((a) => a.type === 'ack-offset-mismatch')).toHaveLength(10);
  });
});

/**
 * The reserve commit protocol (RFC 0003): offsets may have explicit gaps, ranges readers step over
 * with next_offset. p0 writes a0 a1 at 0 and 1; offsets 2..3 were reserved and given up (a slow
 * writer sealed, a lost reservation reply); a2 is at 4. f0 reads 0..1, then steps over the gap.
 */
const workload = (commitProtocol: 'reserve' | 'conditional', sealAfterMs = 10_000) => ({
  type: 'workload',
  mode: 'hot-partition',
  topic: 'chaos',
  partitions: 1,
  txnTopics: [],
  commitProtocol,
  sealAfterMs,
  producers: 1,
  idempotentProducers: 0,
  fetchers: 1,
  txnProducers: 0,
  txnFetchers: { committed: 0, uncommitted: 0 },
});
function gapped(protocol: 'reserve' | 'conditional' = 'reserve', change: { f0?: (h: H) => H; final?: (h: H) => H; acks?: (h: H) => H } = {}): H {
  let h = new H()
    .raw(workload(protocol))
    .start('f0', 1, { 0: 0 })
    .send('p0', 'op0', 1, ['a0', 'a1', 'a2'])
    .ack('p0', 'op0', 1, 'a0', 0, 0)
    .ack('p0', 'op0', 1, 'a1', 0, 1)
    .ack('p0', 'op0', 1, 'a2', 0, 4);
  h = change.acks?.(h) ?? h;
  h = change.f0?.(h) ?? h.read('f0', 1, 0, 0, [[0, 'a0'], [1, 'a1']], 5, 2).read('f0', 1, 0, 2, [[4, 'a2']], 5, 5);
  h.start('final', 1, { 0: 0 });
  return change.final?.(h) ?? h.read('final', 1, 0, 0, [[0, 'a0'], [1, 'a1'], [4, 'a2']], 5, 5);
}

describe('chaos checker: explicit gaps (reserve protocol)', () => {
  it('passes a log with a gap that readers step over, and counts it', () => {
    const report = check(gapped().events);
    expect(report.anomalies).toEqual([]);
    expect(report.stats.explicitGaps).toBe(2);
    expect(report.workload).toMatchObject({ commitProtocol: 'reserve', mode: 'hot-partition' });
    // Under the conditional protocol the same log is broken: offsets must be gapless.
    expect(types(gapped('conditional'))).toEqual(['final-gap', 'read-order']);
  });

  it('catches a poll skip: a read that moves past a record the log holds', () => {
    // f0's first read answers next_offset 3 without a1 at 1.
    const h = gapped('reserve', { f0: (x) => x.read('f0', 1, 0, 0, [[0, 'a0']], 5, 3).read('f0', 1, 0, 3, [[4, 'a2']], 5, 5) });
    expect(types(h)).toEqual(['poll-skip', 'unseen-ack']);
    expect(check(h.events).anomalies[0]).toMatchObject({ type: 'poll-skip', offset: 1, value: 'a1' });
  });

  it('catches an acknowledged record in a gap, and a record read where the final log has a gap', () => {
    const inGap = gapped('reserve', { acks: (x) => x.send('p0', 'op1', 1, ['a3']).ack('p0', 'op1', 1, 'a3', 0, 3) });
    expect(types(inGap)).toEqual(['ack-in-gap']);
    const vanished = gapped('reserve', { acks: (x) => x.send('p0', 'op1', 1, ['a3']), f0: (x) => x.read('f0', 1, 0, 0, [[0, 'a0'], [1, 'a1'], [3, 'a3']], 5, 4).read('f0', 1, 0, 4, [[4, 'a2']], 5, 5) });
    expect(types(vanished)).toEqual(['offset-divergence']);
  });

  it('catches a final read that does not cover the log, a next_offset past the high watermark, and a fetcher that asks beyond what it covered', () => {
    expect(types(gapped('reserve', { final: (x) => x.read('final', 1, 0, 0, [[0, 'a0'], [1, 'a1']], 5, 2).read('final', 1, 0, 4, [[4, 'a2']], 5, 5) }))).toEqual(['fetcher-skip', 'final-gap']); // the final reader skipped 2..3 too
    expect(types(gapped('reserve', { f0: (x) => x.read('f0', 1, 0, 0, [[0, 'a0'], [1, 'a1']], 5, 2).read('f0', 1, 0, 2, [[4, 'a2']], 5, 6) }))).toEqual(['read-order']);
    expect(types(gapped('reserve', { f0: (x) => x.read('f0', 1, 0, 0, [[0, 'a0'], [1, 'a1']], 5, 2).read('f0', 1, 0, 3, [[4, 'a2']], 5, 5) }))).toEqual(['fetcher-skip']);
  });

  it('warns (late-hw) instead of flagging a stale read, and counts writes refused as sealed', () => {
    const late = (gapMs: number) =>
      gapped('reserve', {
        f0: (x) => {
          x.t += gapMs; // the next read is sent this long after the acks
          return x.read('f0', 1, 0, 0, [[0, 'a0'], [1, 'a1']], 2, 2).read('f0', 1, 0, 2, [[4, 'a2']], 5, 5);
        },
      });
    expect(check(late(5_000).events)).toMatchObject({ ok: true, warnings: { counts: {} } });
    expect(check(late(20_000).events)).toMatchObject({ ok: true, warnings: { counts: { 'late-hw': 1 } } });
    const sealed = (protocol: 'reserve' | 'conditional') =>
      gapped(protocol, { acks: (x) => x.send('p0', 'op1', 1, ['a3']).raw({ type: 'fail', producer: 'p0', op: 'op1', attempt: 1, values: ['a3'], kind: 'http', status: 503, error_name: 'REQUEST_TIMED_OUT', retriable: true, injected: 0, message: 'sealed' }) });
    expect(check(sealed('reserve').events)).toMatchObject({ ok: true, stats: { sealedWrites: 1 } });
    expect(types(sealed('conditional'))).toContain('unexplained-5xx');
  });
});
