/**
 * Turns measured cells into the report's numbers: request profile per GiB, dollars per GiB on each
 * endpoint option, Brook ÷ baseline, and the same workloads priced on Kinesis and MSK Serverless.
 * No measurement and no formatting here.
 */
import type { Accounting } from './accounting';
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
}
