/**
 * The workload: producers that send unique values and retry until acknowledged, and fetchers that
 * read every partition forward with long polls. Both only record what they did and saw in the
 * history; judging is the checker's job.
 *
 * Producers here are plain (idempotent: false): a retry after an unknown outcome may duplicate a
 * record, which the checker counts but does not flag. The SDK's idempotent producer slots in as
 * another producer kind recording `idempotent: true` (then any duplicate is an anomaly), and a
 * consumer group member as another reader: the checker's skip check is the poll-skip check.
 */
import { History, type ProduceApi, type ReadRecord, type SentRecord } from './history';
import { fetchOnce, FETCH_TIMEOUT_MS, ReaderLoops, restartAt } from './fetch-once';
import { http, NoAnswer, sleep, type HttpAnswer } from './http';
import { chance, int, pick, stream, weighted, type Rng } from './prng';
import type { RestartMode } from './schedule';

export interface WorkloadContext {
  history: History;
  /** The Brook server, e.g. http://127.0.0.1:8082 */
  baseUrl: string;
  clusterId: string;
  topic: string;
  partitions: number;
  seed: number;
}

const PRODUCE_TIMEOUT_MS = 10_000;

const topicUrl = (ctx: WorkloadContext) => `${ctx.baseUrl}/v3/clusters/${ctx.clusterId}/topics/${ctx.topic}`;

interface Op {
  id: string;
  api: ProduceApi;
  records: SentRecord[];
}

interface Outcome {
  acked: Array<{ value: string; partition: number; offset: number }>;
  failed: Array<{ values: string[]; status?: number; error_name?: string; retriable?: boolean; message: string }>;
}

const errorStatus = (code: unknown) => (typeof code === 'number' ? (code > 999 ? Math.floor(code / 100) : code) : undefined);

export class Producer {
  readonly name: string;
  private readonly rng: Rng;
  private n = 0;
  private ops = 0;
  private stopping = false;

  constructor(
    private readonly ctx: WorkloadContext,
    index: number,
  ) {
    this.name = `p${index}`;
    this.rng = stream(ctx.seed, `producer-${index}`);
  }

  /** Send operations until stop(); the operation in flight is finished (retried) unless `giveUp` fires. */
  async run(giveUp: AbortSignal): Promise<void> {
    while (!this.stopping && !giveUp.aborted) {
      await this.send(this.nextOp(), giveUp);
      await sleep(int(this.rng, 0, 30), giveUp);
    }
  }

  stop(): void {
    this.stopping = true;
  }

  private nextOp(): Op {
    const api = weighted(this.rng, [
      [4, 'records'],
      [2, 'records-stream'],
      [4, 'batch'],
    ] as const);
    const count = api === 'records' ? 1 : api === 'records-stream' ? int(this.rng, 2, 4) : int(this.rng, 1, 8);
    const records = Array.from({ length: count }, () => ({
      value: `s${this.ctx.seed}-${this.name}-${this.n++}`,
      // Mostly keyed (murmur2 picks the partition); some keyless (one random partition per request).
      key: chance(this.rng, 0.85) ? `k${int(this.rng, 0, 15)}` : null,
    }));
    return { id: `${this.name}-op${this.ops++}`, api, records };
  }

  private async send(op: Op, giveUp: AbortSignal): Promise<void> {
    const { history } = this.ctx;
    let pending = op.records;
    for (let attempt = 1; pending.length > 0 && !giveUp.aborted; attempt++) {
      // A retry sends only the records not yet acknowledged, the same way.
      const api: ProduceApi = op.api === 'records-stream' && pending.length === 1 ? 'records' : op.api;
      const base = { producer: this.name, op: op.id, attempt };
      // Plain REST produce carries no producer id or sequence: never idempotent.
      history.add({ type: 'send', ...base, idempotent: false, api, records: pending });
      let answer: HttpAnswer;
      try {
        answer = await http(api === 'batch' ? `${topicUrl(this.ctx)}/records:batch` : `${topicUrl(this.ctx)}/records`, {
          method: 'POST',
          body: requestBody(api, pending),
          timeoutMs: PRODUCE_TIMEOUT_MS,
          signal: giveUp,
        });
      } catch (err) {
        const e = err as NoAnswer;
        history.add({ type: 'fail', ...base, values: pending.map((r) => r.value), kind: e.kind === 'timeout' ? 'timeout' : 'network', message: e.message });
        await sleep(this.backoff(attempt), giveUp);
        continue;
      }
      const outcome = readAnswer(api, pending, answer);
      for (const a of outcome.acked) history.add({ type: 'ack', ...base, ...a });
      for (const f of outcome.failed) history.add({ type: 'fail', ...base, kind: 'http', injected: answer.injected, ...f });
      const acked = new Set(outcome.acked.map((a) => a.value));
      pending = pending.filter((r) => !acked.has(r.value));
      if (pending.length > 0) await sleep(this.backoff(attempt), giveUp);
    }
  }

  private backoff(attempt: number): number {
    return Math.min(1000, 20 * 2 ** Math.min(attempt - 1, 6)) * (0.5 + this.rng());
  }
}

const recordBody = (r: SentRecord) => ({
  key: r.key === null ? null : { type: 'STRING', data: r.key },
  value: { type: 'STRING', data: r.value },
});

function requestBody(api: ProduceApi, records: SentRecord[]): unknown {
  if (api === 'batch') return { entries: records.map((r, i) => ({ id: String(i), ...recordBody(r) })) };
  // The REST Proxy's streaming form: concatenated JSON objects, one delivery report each.
  if (api === 'records-stream') return records.map((r) => JSON.stringify(recordBody(r))).join('\n');
  return recordBody(records[0]!);
}

/** Which records an answer acknowledged and which failed (with why). */
export function readAnswer(api: ProduceApi, records: SentRecord[], answer: HttpAnswer): Outcome {
  const values = records.map((r) => r.value);
  const out: Outcome = { acked: [], failed: [] };
  const fail = (vals: string[], body: any, status = answer.status) =>
    out.failed.push({ values: vals, status, error_name: body?.error_name, retriable: body?.retriable, message: String(body?.message ?? answer.text.slice(0, 200)) });
  const isReport = (r: any) => r && r.error_code === 200 && Number.isInteger(r.partition_id) && Number.isInteger(r.offset);

  if (api === 'records') {
    if (answer.status === 200 && isReport(answer.json)) out.acked.push({ value: values[0]!, partition: answer.json.partition_id, offset: answer.json.offset });
    else fail(values, answer.json);
    return out;
  }
  if (api === 'records-stream') {
    if (answer.status !== 200) return (fail(values, answer.json), out);
    const lines = answer.text.split('\n').filter((l) => l.trim() !== '');
    values.forEach((value, i) => {
      let line: any;
      try {
        line = JSON.parse(lines[i] ?? 'null');
      } catch {
        line = undefined;
      }
      if (isReport(line)) out.acked.push({ value, partition: line.partition_id, offset: line.offset });
      else fail([value], line ?? { message: `no delivery report for record ${i}` }, errorStatus(line?.error_code) ?? answer.status);
    });
    return out;
  }
  if (answer.status !== 207) return (fail(values, answer.json), out);
  const successes = new Map<string, any>((answer.json?.successes ?? []).map((s: any) => [String(s.id), s]));
  const failures = new Map<string, any>((answer.json?.failures ?? []).map((f: any) => [String(f.id), f]));
  values.forEach((value, i) => {
    const s = successes.get(String(i));
    const f = failures.get(String(i));
    if (s && isReport({ error_code: 200, ...s })) out.acked.push({ value, partition: s.partition_id, offset: s.offset });
    else fail([value], f ?? { message: `entry ${i} is in neither successes nor failures` }, errorStatus(f?.error_code) ?? answer.status);
  });
  return out;
}

/**
 * A fetcher: one long-poll loop per partition from its position forward. A crash drops its
 * in-memory positions; it restarts from offset 0, from its last seen offset, or just after it.
 */
export class Fetcher {
  readonly name: string;
  readonly positions: number[];
  private readonly lastSeen: number[];
  private readonly rng: Rng;
  private incarnation = 0;
  private readonly loops = new ReaderLoops();

  constructor(
    private readonly ctx: WorkloadContext,
    index: number,
  ) {
    this.name = `f${index}`;
    this.positions = Array.from({ length: ctx.partitions }, () => 0);
    this.lastSeen = Array.from({ length: ctx.partitions }, () => -1);
    this.rng = stream(ctx.seed, `fetcher-${index}`);
  }

  get running(): boolean {
    return this.loops.running;
  }

  start(mode: RestartMode | 'initial' = 'initial'): void {
    if (this.loops.running) return;
    for (let p = 0; p < this.ctx.partitions; p++) this.positions[p] = restartAt(mode, this.lastSeen[p]!);
    this.incarnation++;
    this.ctx.history.add({ type: 'reader-start', reader: this.name, incarnation: this.incarnation, from: { ...this.positions }, mode });
    this.loops.start((signal) => this.positions.map((_, p) => this.loop(p, signal)));
  }

  /** Stop at once; an answer in flight is dropped unrecorded, as a crashed process would drop it. */
  async stop(crash = false): Promise<void> {
    if (!(await this.loops.stop())) return;
    if (crash) this.ctx.history.add({ type: 'reader-crash', reader: this.name, incarnation: this.incarnation });
  }

  private async loop(partition: number, signal: AbortSignal): Promise<void> {
    const { history } = this.ctx;
    const incarnation = this.incarnation;
    const failures = { n: 0 };
    while (!signal.aborted) {
      const offset = this.positions[partition]!;
      const maxWait = pick(this.rng, [100, 500, 1000]);
      const maxBytes = pick(this.rng, [1, 4096, 65536]);
      const url = `${topicUrl(this.ctx)}/partitions/${partition}/records?offset=${offset}&max_wait_ms=${maxWait}&max_bytes=${maxBytes}&key_format=STRING&value_format=STRING`;
      const t0 = history.now();
      const base = { reader: this.name, incarnation, partition, offset };
      const json = await fetchOnce(history, url, base, signal, failures);
      if (!json) continue;
      const records = parseRecords(json.data);
      history.add({ type: 'read', t0, ...base, records, high_watermark: json.high_watermark, next_offset: json.next_offset });
      const last = records[records.length - 1];
      if (last) this.lastSeen[partition] = last.offset;
      this.positions[partition] = nextPosition(offset, records, json.next_offset);
    }
  }
}

/**
 * Where a reader goes next: after the last record returned (a Kafka consumer's rule), or further
 * to `next_offset` when the answer steps over offsets that hold no record for this reader
 * (transaction markers, aborted records, a range given up under the reserve protocol). The
 * checker holds every such step against the final log (poll-skip, read-order).
 */
export function nextPosition(offset: number, records: ReadRecord[], nextOffset: unknown): number {
  const last = records[records.length - 1];
  const afterLast = last ? last.offset + 1 : offset;
  return typeof nextOffset === 'number' && Number.isSafeInteger(nextOffset) && nextOffset > afterLast ? nextOffset : afterLast;
}

export function parseRecords(data: any[]): ReadRecord[] {
  return data.map((r) => ({ offset: r.offset, value: r.value?.data ?? null, key: r.key?.data ?? null }));
}

/** Read a partition from offset 0 to its high watermark, page by page, as reader `final`. */
export async function finalRead(ctx: WorkloadContext, partition: number, reader = 'final'): Promise<void> {
  const { history } = ctx;
  let offset = 0;
  let hw = Infinity;
  let stuck = 0;
  while (offset < hw && stuck < 20) {
    const t0 = history.now();
    const base = { reader, incarnation: 1, partition, offset };
    try {
      const answer = await http(`${topicUrl(ctx)}/partitions/${partition}/records?offset=${offset}&max_wait_ms=0&max_bytes=1048576&key_format=STRING&value_format=STRING`, {
        timeoutMs: FETCH_TIMEOUT_MS,
      });
      if (answer.status !== 200 || !Array.isArray(answer.json?.data)) {
        history.add({ type: 'read-fail', ...base, kind: 'http', status: answer.status, error_name: answer.json?.error_name, retriable: answer.json?.retriable, injected: answer.injected, message: String(answer.json?.message ?? answer.text.slice(0, 200)) });
        stuck++;
        await sleep(200);
        continue;
      }
      const records = parseRecords(answer.json.data);
      history.add({ type: 'read', t0, ...base, records, high_watermark: answer.json.high_watermark, next_offset: answer.json.next_offset });
      hw = answer.json.high_watermark;
      const next = nextPosition(offset, records, answer.json.next_offset);
      if (next > offset) offset = next;
      else if (offset < hw) stuck++; // no progress below the high watermark: the checker reports the gap
    } catch (err) {
      history.add({ type: 'read-fail', ...base, kind: (err as NoAnswer).kind === 'timeout' ? 'timeout' : 'network', message: (err as Error).message });
      stuck++;
      await sleep(200);
    }
  }
}
