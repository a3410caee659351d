/**
 * Turns measured cells into the report's numbers: request profile per GiB, dollars per GiB on each
 * endpoint option, Brook ÷ baseline, and the same workloads priced on Kinesis and MSK Serverless.
 * No measurement and no formatting here.
 */
import type { Accounting, ScopeStats } from './accounting';
import {
  GiB,
  HOURS_PER_MONTH,
  idleConsumerMonthly,
  producePerGiB,
  idleTopicMonthly,
  kinesisOnDemandCost,
  mskServerlessCost,
  perGiB,
  priceUsage,
  type CostBreakdown,
  type Usage,
} from './cost';
import type { E2EResult } from './workloads/e2e';
import type { FetchCellResult } from './workloads/fetch';
import type { LatencyModel } from './latency';
import type { HotPartitionPlan, HotPartitionResult } from './workloads/hot-partition';
import type { IdleResult, PollResult } from './workloads/idle';
import type { ProduceCellResult } from './workloads/produce';
import type { LingerResult } from './workloads/sdk';

export interface Profile {
  /** Requests per GiB by "s3:PutObject" / "dynamodb:GetItem" name. */
  requestsPerGiB: Record<string, number>;
  usagePerGiB: Usage;
  /** DynamoDB requests that failed (cancelled transactions), per GiB. */
  failedDynamoPerGiB: number;
  /** What DynamoDB Local reported, per GiB, next to what AWS bills (usagePerGiB.wru + rru). */
  reportedUnitsPerGiB: number;
  apiGateway: CostBreakdown;
  functionUrl: CostBreakdown;
  /** S3 + DynamoDB only: what the baseline can be compared with. */
  storageOnly: number;
}

export interface ProduceRow extends ProduceCellResult {
  profile?: Profile;
  kinesisPerGiB: number;
  mskPerGiB: number;
  /** This cell ÷ the baseline cell of the same shape (throughput, p50, p99, $ S3+DynamoDB per GiB). */
  vsBaseline?: { throughput: number; p50: number; p99: number; storageCost: number };
}

export interface FetchRow extends FetchCellResult {
  profile?: Profile;
  kinesisPerGiB: number;
  mskPerGiB: number;
  vsRaw?: { throughput: number; p50: number; p99: number };
}

function profileOf(accounting: Accounting, scope: string, bytes: number): Profile | undefined {
  if (!(bytes > 0)) return undefined;
  const usage = perGiB(accounting.usage(scope), bytes);
  const scale = GiB / bytes;
  const stats = accounting.stats(scope);
  const requestsPerGiB = Object.fromEntries(Object.entries(accounting.counts(scope)).map(([k, n]) => [k, n * scale]));
  const dynamo = Object.values(stats.dynamodb);
  const apiGateway = priceUsage(usage, { endpoint: 'api-gateway' });
  return {
    requestsPerGiB,
    usagePerGiB: usage,
    failedDynamoPerGiB: dynamo.reduce((n, d) => n + d.failed, 0) * scale,
    reportedUnitsPerGiB: dynamo.reduce((n, d) => n + d.reportedUnits, 0) * scale,
    apiGateway,
    functionUrl: priceUsage(usage, { endpoint: 'function-url' }),
    storageOnly: apiGateway.s3 + apiGateway.dynamodb,
  };
}

const shapeKey = (c: { requestBytes: number; partitions: number; producers: number }) => `${c.requestBytes}/${c.partitions}/${c.producers}`;

export function analyzeProduce(accounting: Accounting, cells: ProduceCellResult[]): ProduceRow[] {
  const rows: ProduceRow[] = cells.map((c) => ({
    ...c,
    profile: profileOf(accounting, c.scope, c.load.bytes),
    kinesisPerGiB: kinesisOnDemandCost({ bytesIn: GiB, bytesOut: 0, recordBytes: c.recordBytes, partitions: c.partitions, hours: 0 }).total,
    mskPerGiB: mskServerlessCost({ bytesIn: GiB, bytesOut: 0, recordBytes: c.recordBytes, partitions: c.partitions, hours: 0 }).total,
  }));
  const baselines = new Map(rows.filter((r) => r.route === 'baseline').map((r) => [shapeKey(r), r]));
  for (const r of rows) {
    const b = baselines.get(shapeKey(r));
    if (!b || r.route === 'baseline' || r.load.ops === 0 || b.load.ops === 0) continue;
    r.vsBaseline = {
      throughput: r.load.mibPerSec / b.load.mibPerSec,
      p50: r.load.latencyMs.p50 / b.load.latencyMs.p50,
      p99: r.load.latencyMs.p99 / b.load.latencyMs.p99,
      storageCost: (r.profile?.storageOnly ?? NaN) / (b.profile?.storageOnly ?? NaN),
    };
  }
  return rows;
}

export function analyzeFetch(accounting: Accounting, cells: FetchCellResult[]): FetchRow[] {
  const rows: FetchRow[] = cells.map((c) => ({
    ...c,
    profile: profileOf(accounting, c.scope, c.load.bytes),
    kinesisPerGiB: kinesisOnDemandCost({ bytesIn: 0, bytesOut: GiB, recordBytes: 1024, partitions: 1, hours: 0 }).total,
    mskPerGiB: mskServerlessCost({ bytesIn: 0, bytesOut: GiB, recordBytes: 1024, partitions: 1, hours: 0 }).total,
  }));
  for (const r of rows) {
    const raw = rows.find((x) => x.mode === 'raw' && x.objectBytes === r.objectBytes && x.consumers === r.consumers);
    if (!raw || r.mode === 'raw' || r.load.ops === 0 || raw.load.ops === 0) continue;
    r.vsRaw = { throughput: r.load.mibPerSec / raw.load.mibPerSec, p50: r.load.latencyMs.p50 / raw.load.latencyMs.p50, p99: r.load.latencyMs.p99 / raw.load.latencyMs.p99 };
  }
  return rows;
}

export interface LingerRow extends LingerResult {
  profile?: Profile;
}

export function analyzeLinger(accounting: Accounting, results: LingerResult[]): LingerRow[] {
  return results.map((r) => ({ ...r, profile: profileOf(accounting, r.scope, r.load.bytes) }));
}

export interface IdleRow extends IdleResult {
  monthly: { apiGateway: ReturnType<typeof idleConsumerMonthly>; functionUrl: ReturnType<typeof idleConsumerMonthly>; functionUrl128: ReturnType<typeof idleConsumerMonthly> };
}

export function analyzeIdle(results: IdleResult[]): IdleRow[] {
  return results.map((r) => {
    const base = { readsPerWait: r.getItems, rruPerRead: r.getItems > 0 ? r.rru / r.getItems : 1, waitSeconds: r.waitMs / 1000, handlerMsPerWait: r.handlerMs };
    return {
      ...r,
      monthly: {
        apiGateway: idleConsumerMonthly({ ...base, endpoint: 'api-gateway' }),
        functionUrl: idleConsumerMonthly({ ...base, endpoint: 'function-url' }),
        functionUrl128: idleConsumerMonthly({ ...base, endpoint: 'function-url', memoryMb: 128 }),
      },
    };
  });
}

/**
 * Ways for an idle consumer to wait, a month of each on one partition: the measured 20 s long
 * poll at two Lambda sizes, and client-side polling every 1 s or 20 s with max_wait_ms=0 (each
 * poll priced from the measured non-waiting fetch).
 */
export function waitStrategies(longPoll: IdleResult | undefined, poll: PollResult) {
  const rows: Array<{ strategy: string; addedLatency: string; apiGateway: number; functionUrl: number }> = [];
  if (longPoll) {
    const base = { readsPerWait: longPoll.getItems, waitSeconds: longPoll.waitMs / 1000, handlerMsPerWait: longPoll.handlerMs };
    for (const memoryMb of [1024, 128]) {
      rows.push({
        strategy: `long poll, max_wait_ms=${longPoll.waitMs}, Lambda ${memoryMb} MB`,
        addedLatency: '≤ 250 ms (backoff step)',
        apiGateway: idleConsumerMonthly({ ...base, memoryMb, endpoint: 'api-gateway' }).cost.total,
        functionUrl: idleConsumerMonthly({ ...base, memoryMb, endpoint: 'function-url' }).cost.total,
      });
    }
  }
  for (const every of [1, 20]) {
    const base = { readsPerWait: poll.getItemsPerPoll, rruPerRead: poll.getItemsPerPoll ? poll.rruPerPoll / poll.getItemsPerPoll : 1, waitSeconds: every, handlerMsPerWait: poll.handlerMsPerPoll };
    rows.push({
      strategy: `client polls every ${every} s, max_wait_ms=0, Lambda 1024 MB`,
      addedLatency: `≤ ${every} s`,
      apiGateway: idleConsumerMonthly({ ...base, endpoint: 'api-gateway' }).cost.total,
      functionUrl: idleConsumerMonthly({ ...base, endpoint: 'function-url' }).cost.total,
    });
  }
  return rows;
}

/**
 * Dollars per GiB produced across request sizes, from the model with this run's measurements:
 * handler time per request interpolated between the binary route's single-partition cells (and
 * grown in proportion to size beyond the largest), wire bytes per request as a fitted line.
 */
export function requestSizeSweep(accounting: Accounting, produce: ProduceRow[]) {
  const cells = produce
    .filter((r) => r.route === 'binary' && r.partitions === 1 && r.producers === 1 && r.load.ops > 0)
    .map((c) => {
      const h = accounting.stats(c.scope).http;
      return { payload: c.payloadBytes, ms: h.requests ? h.billedMs / h.requests : NaN, wire: h.requests ? h.requestBytes / h.requests : NaN };
    })
    .filter((p) => Number.isFinite(p.ms))
    .sort((a, b) => a.payload - b.payload);
  const handlerMs = (bytes: number): number => {
    if (cells.length === 0) return 1;
    const first = cells[0]!;
    const last = cells[cells.length - 1]!;
    if (bytes <= first.payload) return first.ms;
    if (bytes >= last.payload) return (last.ms * bytes) / last.payload;
    const i = cells.findIndex((p) => p.payload >= bytes);
    const [a, b] = [cells[i - 1]!, cells[i]!];
    return a.ms + ((b.ms - a.ms) * (bytes - a.payload)) / (b.payload - a.payload);
  };
  // wire = c + r × payload by least squares: frame, batch and record headers.
  const n = cells.length;
  const mx = cells.reduce((s, p) => s + p.payload, 0) / (n || 1);
  const my = cells.reduce((s, p) => s + p.wire, 0) / (n || 1);
  const sxx = cells.reduce((s, p) => s + (p.payload - mx) ** 2, 0);
  const r = n > 1 && sxx > 0 ? cells.reduce((s, p) => s + (p.payload - mx) * (p.wire - my), 0) / sxx : 1;
  const c = my - r * mx;
  const overhead = (bytes: number) => Math.max(0, Math.ceil(c + (r - 1) * bytes));
  const sizes = [1, 16, 64, 128, 256, 500, 1000, 1024, 4096].map((k) => k * 1024);
  return {
    overheadPerRequest: c,
    overheadRatio: r - 1,
    rows: sizes.map((requestBytes) => ({
      requestBytes,
      requestsPerGiB: GiB / requestBytes,
      handlerMs: handlerMs(requestBytes),
      p1ApiGateway: producePerGiB({ requestBytes, handlerMs: handlerMs(requestBytes), endpoint: 'api-gateway', overheadBytes: overhead(requestBytes) }).total,
      p1FunctionUrl: producePerGiB({ requestBytes, handlerMs: handlerMs(requestBytes), endpoint: 'function-url' }).total,
      p16ApiGateway: producePerGiB({ requestBytes, partitions: 16, handlerMs: handlerMs(requestBytes), endpoint: 'api-gateway', overheadBytes: overhead(requestBytes) }).total,
      kinesis: kinesisOnDemandCost({ bytesIn: GiB, bytesOut: 0, recordBytes: 1024, partitions: 1, hours: 0 }).total,
    })),
  };
}

/** Item sizes measured in this run, for the storage of an idle topic. */
export interface ItemSizes {
  topicItemBytes: number;
  headItemBytes: number;
  indexItemBytes: number;
}

export function idleTopicRows(sizes: ItemSizes) {
  const cases = [
    { name: 'empty topic, 1 partition', partitions: 1, storedBytes: 0, requestBytes: 0 },
    { name: 'empty topic, 16 partitions', partitions: 16, storedBytes: 0, requestBytes: 0 },
    { name: '1 GiB kept, 1 MiB requests, 1 partition', partitions: 1, storedBytes: GiB, requestBytes: 1024 * 1024 },
    { name: '1 GiB kept, 1 KiB requests, 1 partition', partitions: 1, storedBytes: GiB, requestBytes: 1024 },
  ];
  return cases.map((c) => ({
    ...c,
    kinesisMonthly: HOURS_PER_MONTH * 0.04,
    mskMonthly: mskServerlessCost({ bytesIn: 0, bytesOut: 0, recordBytes: 1024, partitions: c.partitions, hours: HOURS_PER_MONTH, storedBytes: c.storedBytes }).total,
    brook: idleTopicMonthly({
      partitions: c.partitions,
      storedBytes: c.storedBytes,
      indexItems: c.requestBytes ? (c.storedBytes / c.requestBytes) * c.partitions : 0,
      indexItemBytes: sizes.indexItemBytes,
      headItemBytes: sizes.headItemBytes,
      topicItemBytes: sizes.topicItemBytes,
    }),
  }));
}

/** A month of one workload, end to end, on Brook (measured profile) and on the two services. */
export function monthlyExample(produce: ProduceRow | undefined, fetch: FetchRow | undefined, gibPerMonth: number, partitions: number) {
  if (!produce?.profile || !fetch?.profile) return undefined;
  const brookApi = (produce.profile.apiGateway.total + fetch.profile.apiGateway.total) * gibPerMonth;
  const brookUrl = (produce.profile.functionUrl.total + fetch.profile.functionUrl.total) * gibPerMonth;
  const w = { bytesIn: gibPerMonth * GiB, bytesOut: gibPerMonth * GiB, recordBytes: produce.recordBytes, partitions, hours: HOURS_PER_MONTH };
  return {
    gibPerMonth,
    partitions,
    requestBytes: produce.requestBytes,
    brookApiGateway: brookApi,
    brookFunctionUrl: brookUrl,
    kinesis: kinesisOnDemandCost(w).total,
    msk: mskServerlessCost(w).total,
  };
}

/** Requests of one scope per acknowledged commit (produce request). */
export interface PerCommit {
  /** DynamoDB attempts by operation (GetItem, UpdateItem, TransactWriteItems, …), failed ones included. */
  dynamodb: Record<string, number>;
  dynamodbTotal: number;
  /** S3 requests by command. */
  s3: Record<string, number>;
  s3Total: number;
  /** Transactions cancelled (TransactionCanceledException), whatever the reason. */
  cancelled: number;
  /** Attempts refused on a condition: ConditionalCheckFailedException, or a cancelled transaction with a ConditionalCheckFailed reason. */
  conditionFailed: number;
  /** Every failed DynamoDB attempt, by error name. */
  errors: Record<string, number>;
  /** Write and read units by AWS's rules (cancelled transactions charged in full). */
  wru: number;
  rru: number;
}

export function perCommit(stats: ScopeStats | undefined, commits: number): PerCommit | undefined {
  if (!stats || !(commits > 0)) return undefined;
  const per = (n: number) => n / commits;
  const dynamo = Object.entries(stats.dynamodb);
  const errors: Record<string, number> = {};
  for (const [, d] of dynamo) for (const [name, n] of Object.entries(d.errors ?? {})) errors[name] = (errors[name] ?? 0) + per(n);
  return {
    dynamodb: Object.fromEntries(dynamo.map(([name, d]) => [name, per(d.requests)]).sort(([a], [b]) => String(a).localeCompare(String(b)))),
    dynamodbTotal: per(dynamo.reduce((n, [, d]) => n + d.requests, 0)),
    s3: Object.fromEntries(Object.entries(stats.s3).map(([name, n]) => [name, per(n)]).sort(([a], [b]) => String(a).localeCompare(String(b)))),
    s3Total: per(Object.values(stats.s3).reduce((n, x) => n + x, 0)),
    cancelled: per(dynamo.reduce((n, [, d]) => n + (d.errors?.TransactionCanceledException ?? 0), 0)),
    conditionFailed: per(dynamo.reduce((n, [, d]) => n + (d.conditionFailed ?? 0), 0)),
    errors,
    wru: per(dynamo.reduce((n, [, d]) => n + d.billedWru, 0)),
    rru: per(dynamo.reduce((n, [, d]) => n + d.billedRru, 0)),
  };
}

export interface HotPartitionRow extends HotPartitionResult {
  perCommit?: PerCommit;
}

/** The new protocol ÷ the old one at one shape. NaN where either side acknowledged nothing. */
export interface ProtocolComparison {
  producers: number;
  requestBytes: number;
  commitsPerSec: number;
  p50: number;
  p99: number;
  mean: number;
  dynamodbPerCommit: number;
}

/** Issue 11's targets for the new protocol against the old, at the same shape in the same run. */
export const HOT_TARGETS = {
  /** Where throughput and tail latency are judged. */
  contendedProducers: 8,
  minCommitsRatio: 4,
  maxP99Ratio: 0.25,
  /** Single-producer latency (p50) may grow at most this much. */
  maxSingleP50Ratio: 1.2,
};

export interface TargetCheck {
  target: string;
  producers: number;
  requestBytes: number;
  measured: number;
  pass: boolean;
}

export interface HotPartitionAnalysis {
  oldProtocol: string;
  newProtocol: string;
  plan?: HotPartitionPlan;
  /** The pass with modeled AWS round trips (bench/latency.ts), if this is it. */
  latency?: LatencyModel;
  rows: HotPartitionRow[];
  comparisons: ProtocolComparison[];
  targets: TargetCheck[];
  /** DynamoDB operations each protocol used (over all its cells), and whether the two lists are the same. */
  operations: { old: string[]; new: string[]; same: boolean };
}

const ratioOf = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);

export function compareProtocols(rows: HotPartitionRow[], oldProtocol: string, newProtocol: string): ProtocolComparison[] {
  const out: ProtocolComparison[] = [];
  for (const n of rows.filter((r) => r.protocol === newProtocol)) {
    const o = rows.find((r) => r.protocol === oldProtocol && r.producers === n.producers && r.requestBytes === n.requestBytes);
    if (!o) continue;
    const acked = n.load.ops > 0 && o.load.ops > 0;
    out.push({
      producers: n.producers,
      requestBytes: n.requestBytes,
      commitsPerSec: acked ? ratioOf(n.load.opsPerSec, o.load.opsPerSec) : NaN,
      p50: acked ? ratioOf(n.load.latencyMs.p50, o.load.latencyMs.p50) : NaN,
      p99: acked ? ratioOf(n.load.latencyMs.p99, o.load.latencyMs.p99) : NaN,
      mean: acked ? ratioOf(n.load.latencyMs.mean, o.load.latencyMs.mean) : NaN,
      dynamodbPerCommit: ratioOf(n.perCommit?.dynamodbTotal ?? NaN, o.perCommit?.dynamodbTotal ?? NaN),
    });
  }
  return out.sort((a, b) => a.requestBytes - b.requestBytes || a.producers - b.producers);
}

/**
 * The targets, at every request size measured: at 8 producers commits/s ≥ 4× and p99 ≤ ¼ of the
 * old protocol's; with one producer p50 ≤ 1.2×. A shape that was not measured, or where either
 * protocol acknowledged nothing, fails (measured NaN).
 */
export function checkHotTargets(comparisons: ProtocolComparison[], sizes: number[], t = HOT_TARGETS): TargetCheck[] {
  const at = (producers: number, requestBytes: number) => comparisons.find((c) => c.producers === producers && c.requestBytes === requestBytes);
  const checks: TargetCheck[] = [];
  const check = (target: string, producers: number, requestBytes: number, measured: number | undefined, ok: (x: number) => boolean) => {
    const m = measured ?? NaN;
    checks.push({ target, producers, requestBytes, measured: m, pass: Number.isFinite(m) && ok(m) });
  };
  for (const size of [...new Set(sizes)].sort((a, b) => a - b)) {
    const hot = at(t.contendedProducers, size);
    check(`commits/s at ${t.contendedProducers} producers ≥ ${t.minCommitsRatio}×`, t.contendedProducers, size, hot?.commitsPerSec, (x) => x >= t.minCommitsRatio);
    check(`p99 at ${t.contendedProducers} producers ≤ ${t.maxP99Ratio}×`, t.contendedProducers, size, hot?.p99, (x) => x <= t.maxP99Ratio);
    check(`p50 with 1 producer ≤ ${t.maxSingleP50Ratio}×`, 1, size, at(1, size)?.p50, (x) => x <= t.maxSingleP50Ratio);
  }
  return checks;
}

/** The DynamoDB operations a protocol's cells made (any count above zero), sorted. */
export function operationsOf(rows: HotPartitionRow[], protocol: string): string[] {
  const names = new Set<string>();
  for (const r of rows) if (r.protocol === protocol) for (const [name, n] of Object.entries(r.perCommit?.dynamodb ?? {})) if (n > 0) names.add(name);
  return [...names].sort();
}

export function analyzeHotPartition(
  accounting: Accounting,
  results: HotPartitionResult[],
  opts: { oldProtocol?: string; newProtocol?: string; plan?: HotPartitionPlan; latency?: LatencyModel } = {},
): HotPartitionAnalysis {
  const oldProtocol = opts.oldProtocol ?? 'conditional';
  const newProtocol = opts.newProtocol ?? 'reserve';
  const rows: HotPartitionRow[] = results.map((r) => ({ ...r, perCommit: perCommit(accounting.scopes.get(r.scope), r.load.ops) }));
  const comparisons = compareProtocols(rows, oldProtocol, newProtocol);
  const ops = { old: operationsOf(rows, oldProtocol), new: operationsOf(rows, newProtocol) };
  return {
    oldProtocol,
    newProtocol,
    plan: opts.plan,
    ...(opts.latency ? { latency: opts.latency } : {}),
    rows,
    comparisons,
    targets: checkHotTargets(comparisons, rows.map((r) => r.requestBytes)),
    operations: { ...ops, same: ops.old.join() === ops.new.join() },
  };
}

export interface Analysis {
  produce: ProduceRow[];
  fetch: FetchRow[];
  linger: LingerRow[];
  e2e?: E2EResult;
  idle: IdleRow[];
  waitStrategies: ReturnType<typeof waitStrategies>;
  sweep: ReturnType<typeof requestSizeSweep>;
  idleTopic: ReturnType<typeof idleTopicRows>;
  itemSizes: ItemSizes;
  examples: Array<NonNullable<ReturnType<typeof monthlyExample>>>;
  /** Both commit protocols on one partition (absent from runs made before the workload existed). */
  hotPartition?: HotPartitionAnalysis;
  /** The same with modeled AWS round trips. */
  hotPartitionAws?: HotPartitionAnalysis;
}
