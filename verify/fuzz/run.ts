/**
 * runFuzz: make fixture topics, then send `requests` hostile requests (fast-check, seeded) to the
 * app in process, checking each answer, the writes it caused, and every `checkEvery` requests the
 * fixture heads and the topic list. Returns a report; it never throws for a violation.
 */
import fc from 'fast-check';
import { RequestCounter } from '../../lib/aws/request-counter';
import type { Broker } from '../../lib/broker/context';
import { createApp } from '../../lib/http/app';
import { routeTable } from '../../lib/http/route-table';
import { encodeRecordBatch } from '../../lib/log/record-batch';
import { encodeFrames } from '../../lib/http/batch-frames';
import { getHeads } from '../../lib/metadata/heads';
import { getTopic } from '../../lib/metadata/topics';
import { requestArbitrary, routeKey, unspecificRoutes, type FuzzContext, type FuzzRequest, type FuzzTopic } from './arbitraries';
import { checkAnswer, diffState, snapshotState, writesBetween, type Outcome, type ViolationKind } from './oracle';
import { WriteLog } from './write-log';

/** What the fuzzer calls: a Hono app, or a stand-in in tests. */
export interface FuzzTarget {
  request(input: Request): Response | Promise<Response>;
}

export interface FuzzOptions {
  broker: Broker;
  /** The app under test; createApp(broker) if absent. Fixtures are always made through createApp(broker). */
  app?: FuzzTarget;
  /** A counter already attached to broker.clients; one is attached if absent. */
  counter?: RequestCounter;
  requests?: number;
  seed?: number;
  /** Send only the request with this index of the seed's sequence (to reproduce one failure). */
  replay?: number;
  /** Fixture names start with this; default "fuzz-". */
  prefix?: string;
  /** Other clients share the tables: only names under `prefix` are generated and compared. */
  shared?: boolean;
  checkEvery?: number;
  timeoutMs?: number;
  onProgress?(sent: number, total: number, violations: number, elapsedMs: number): void;
}

export interface Violation {
  kind: ViolationKind;
  /** Index of the request in the seed's sequence; for a state change, the last request before the check. */
  index: number;
  request?: FuzzRequest;
  detail: string;
  /** Status and start of the body of the answer. */
  answer?: string;
  /** What the server logged while answering (its 5xx log line names the cause). */
  log?: string;
  /** Sent after some request had already changed the state: possibly a consequence of that. */
  afterStateChange?: boolean;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  replay?: number;
  sent: number;
  durationMs: number;
  byRoute: Record<string, number>;
  statuses: Record<string, number>;
  serverErrors: number;
  stateChanges: number;
  /** Write requests counted while fuzzing, by command. */
  writes: Record<string, number>;
  violationCount: number;
  byKind: Partial<Record<ViolationKind, number>>;
  /** Violations grouped by kind and route, with the first of each group. */
  groups: Array<{ kind: ViolationKind; route: string; count: number; first: Violation }>;
  /** The first MAX_KEPT violations in order. */
  violations: Violation[];
  fixtures: FuzzTopic[];
  unspecificRoutes: string[];
  /** Index of the first request that changed the state (a write that succeeded, or the check that saw it). */
  firstStateChange?: number;
  checkEvery: number;
  ok: boolean;
}

const MAX_KEPT = 200;
const BASE = 'http://brook.test';

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { broker } = options;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const total = options.replay === undefined ? (options.requests ?? 2000) : 1;
  const checkEvery = options.checkEvery ?? 200;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const prefix = options.prefix ?? 'fuzz-';
  const counter = options.counter ?? new RequestCounter().attach(broker.clients);
  const writeLog = new WriteLog().attach(broker.clients);
  const setupApp = createApp(broker);
  const app: FuzzTarget = options.app ?? setupApp;
  const started = Date.now();

  const fixtures = await createFixtures(setupApp, broker, prefix);
  const names = fixtures.map((t) => t.name);
  const inScope = options.shared ? (n: string) => n.startsWith(prefix) : () => true;
  const routes = routeTable();
  const ctx: FuzzContext = { clusterId: broker.config.clusterId, topics: fixtures, routes, prefix, shared: options.shared ?? false };

  const report: FuzzReport = {
    seed,
    requests: total,
    replay: options.replay,
    sent: 0,
    durationMs: 0,
    byRoute: Object.fromEntries(routes.map((r) => [routeKey(r), 0])),
    statuses: {},
    serverErrors: 0,
    stateChanges: 0,
    writes: {},
    violationCount: 0,
    byKind: {},
    groups: [],
    violations: [],
    fixtures,
    unspecificRoutes: unspecificRoutes(routes),
    checkEvery,
    ok: true,
  };
  const record = (v: Violation) => {
    if (report.firstStateChange !== undefined && v.index > report.firstStateChange) v.afterStateChange = true;
    report.violationCount++;
    report.byKind[v.kind] = (report.byKind[v.kind] ?? 0) + 1;
    if (report.violations.length < MAX_KEPT) report.violations.push(v);
    const route = v.request?.route ?? '-';
    const group = report.groups.find((g) => g.kind === v.kind && g.route === route);
    if (group) group.count++;
    else report.groups.push({ kind: v.kind, route, count: 1, first: v });
  };

  const logged: string[] = [];
  const baseCounts = counter.snapshot();
  let baseline = await snapshotState(broker, names, inScope);
  let lastCheck = (options.replay ?? 0) - 1;
  const checkState = async (index: number) => {
    const now = await snapshotState(broker, names, inScope);
    const diff = diffState(baseline, now);
    if (diff.length > 0) {
      report.stateChanges++;
      report.firstStateChange ??= index;
      record({ kind: 'state change', index, detail: `between requests #${lastCheck + 1} and #${index}: ${diff.join('; ')}` });
      baseline = now; // report each change once
    }
    lastCheck = index;
  };

  const send = async (index: number, req: FuzzRequest) => {
    report.byRoute[req.route] = (report.byRoute[req.route] ?? 0) + 1;
    let request: Request;
    try {
      request = toRequest(req);
    } catch (err) {
      record({ kind: 'fuzzer error', index, request: req, detail: `could not build the request: ${(err as Error).message}` });
      return;
    }
    logged.length = 0;
    const before = counter.snapshot();
    const logStart = writeLog.entries.length;
    const outcome = await answer(app, request, timeoutMs);
    report.sent++;
    const label = outcome.kind === 'answer' ? String(outcome.status) : outcome.kind;
    report.statuses[label] = (report.statuses[label] ?? 0) + 1;
    if (outcome.kind === 'answer' && outcome.status >= 500) report.serverErrors++;
    const shown = outcome.kind === 'answer' ? `${outcome.status} ${outcome.body.slice(0, 400)}` : undefined;
    const log = logged.length ? logged.join('\n').slice(0, 2000) : undefined;
    const problem = checkAnswer(outcome);
    if (problem) record({ ...problem, index, request: req, answer: shown, log });
    const writes = writesBetween(before, counter.snapshot());
    if (Object.keys(writes).length > 0) {
      const outcomes = writeLog.entries.slice(logStart).join(', ');
      if (outcomes.includes('succeeded')) report.firstStateChange ??= index;
      record({ kind: 'write', index, request: req, detail: `write requests ${JSON.stringify(writes)}: ${outcomes}`, answer: shown, log });
    }
  };

  // The app logs each 5xx with its cause through console.error: keep it with the violation instead.
  const consoleError = console.error;
  console.error = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
  try {
    let n = 0;
    const property = fc.asyncProperty(requestArbitrary(ctx), async (req) => {
      const index = options.replay ?? n;
      n++;
      await send(index, req);
      if (n % checkEvery === 0) await checkState(index);
      if (n % 1000 === 0) options.onProgress?.(n, total, report.violationCount, Date.now() - started);
      return true;
    });
    const details = await fc.check(property, { seed, numRuns: total, endOnFailure: true, ...(options.replay === undefined ? {} : { path: String(options.replay) }) });
    if (details.failed) record({ kind: 'fuzzer error', index: n - 1, detail: `the property failed: ${String(details.errorInstance ?? 'unknown')}` });
    await checkState(options.replay ?? Math.max(0, n - 1));
  } finally {
    console.error = consoleError;
  }
  report.writes = writesBetween(baseCounts, counter.snapshot());
  report.durationMs = Date.now() - started;
  report.ok = report.violationCount === 0;
  return report;
}

/** The request as fetch sees it; an empty content-type means none (so a string body is sent as bytes). */
export function toRequest(req: FuzzRequest): Request {
  const headers = { ...req.headers };
  let body = req.body;
  if (typeof body === 'string' && headers['content-type'] === undefined) body = new TextEncoder().encode(body);
  return new Request(BASE + req.path, { method: req.method, headers, ...(body === undefined ? {} : { body: body as BodyInit }) });
}

async function answer(app: FuzzTarget, request: Request, timeoutMs: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    const res = await Promise.race([Promise.resolve().then(() => app.request(request)), timeout]);
    if (res === 'timeout') return { kind: 'timeout', ms: timeoutMs };
    return { kind: 'answer', status: res.status, body: await res.text() };
  } catch (error) {
    return { kind: 'threw', error };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Two topics with records in every partition: `a` (2 partitions) and `b` (1 partition,
 * max.message.bytes 2000, so that "too large" is cheap to send). Made through the API itself.
 */
async function createFixtures(app: FuzzTarget, broker: Broker, prefix: string): Promise<FuzzTopic[]> {
  const c = `/v3/clusters/${broker.config.clusterId}`;
  const call = async (method: string, path: string, body: string | Uint8Array, contentType = 'application/json') => {
    const res = await app.request(new Request(BASE + path, { method, headers: { 'content-type': contentType }, body: body as BodyInit }));
    const text = await res.text();
    if (res.status >= 300) throw new Error(`fuzz fixture: ${method} ${path} answered ${res.status} ${text.slice(0, 300)}`);
    return text;
  };
  const specs = [
    { name: `${prefix}a`, partitions: 2, records: [3, 2], maxMessageBytes: 1_048_588, configs: [] as unknown[] },
    { name: `${prefix}b`, partitions: 1, records: [2], maxMessageBytes: 2000, configs: [{ name: 'max.message.bytes', value: '2000' }] },
  ];
  for (const s of specs) {
    await call('POST', `${c}/topics`, JSON.stringify({ topic_name: s.name, partitions_count: s.partitions, configs: s.configs }));
    for (const [p, n] of s.records.entries()) {
      const records = Array.from({ length: n }, (_, i) => JSON.stringify({ partition_id: p, key: { type: 'STRING', data: `k${i}` }, value: { type: 'JSON', data: { i } } }));
      await call('POST', `${c}/topics/${s.name}/records`, records.join('\n'));
    }
  }
  // One record through the binary path as well, so both kinds of stored batches are there.
  const batch = encodeRecordBatch([{ key: null, value: Buffer.from('binary'), headers: [], timestamp: 1_700_000_000_000 }]);
  const out = await call('POST', `${c}/batches`, encodeFrames([{ topic: specs[1]!.name, partition: 0, batches: batch }]), 'application/vnd.brook.batches');
  if (!out.includes('"error":null')) throw new Error(`fuzz fixture: binary produce failed: ${out}`);

  const topics: FuzzTopic[] = [];
  for (const s of specs) {
    const t = await getTopic(broker, s.name);
    const heads = await getHeads(broker, t.topicId, Array.from({ length: s.partitions }, (_, p) => p));
    topics.push({ name: s.name, partitions: s.partitions, nextOffsets: heads.map((h) => h.nextOffset), maxMessageBytes: s.maxMessageBytes });
  }
  return topics;
}

