/**
 * The cost model: AWS list prices (us-east-1) applied to requests the bench COUNTED. Pure
 * arithmetic, no I/O, so test/bench/cost.test.ts can pin every rule with hand-computed cases.
 * Sources and dates of every price: docs/COST.md ("Prices"). AWS bills "GB" as 2^30 bytes for
 * data volumes, so GB and GiB are the same unit here.
 */

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;
export const KiB = 1024;
/** AWS prices monthly capacity at 730 hours a month. */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

export const PRICES = {
  s3: {
    /** PUT, COPY, POST, LIST: $0.005 per 1,000 requests (S3 Standard). */
    putPer1k: 0.005,
    listPer1k: 0.005,
    /** GET, SELECT and all other requests: $0.0004 per 1,000. */
    getPer1k: 0.0004,
    /** DELETE (and CANCEL) requests are free. */
    deletePer1k: 0,
    storagePerGbMonth: 0.023,
  },
  dynamodb: {
    /** On-demand: per million write / read request units. */
    perMillionWru: 0.625,
    perMillionRru: 0.125,
    storagePerGbMonth: 0.25,
    /** A write unit covers 1 KB of item, a strongly consistent read unit 4 KB. */
    writeUnitBytes: 1024,
    readUnitBytes: 4096,
  },
  apiGatewayHttp: {
    /** HTTP APIs, first 300 million requests a month; metered in 512 KB increments. */
    perMillion: 1.0,
    meterBytes: 512 * 1024,
  },
  lambda: {
    perMillionRequests: 0.2,
    /** arm64, first 7.5 billion GB-seconds a month. */
    perGbSecondArm64: 0.0000133334,
    /** Duration is billed in 1 ms increments. */
    billingStepMs: 1,
  },
  kinesisOnDemand: {
    perStreamHour: 0.04,
    /** Data in: each record is rounded up to the next 1 KB. */
    ingestPerGb: 0.08,
    retrievalPerGb: 0.04,
    recordRoundBytes: 1024,
  },
  mskServerless: {
    perClusterHour: 0.75,
    perPartitionHour: 0.0015,
    dataInPerGb: 0.1,
    dataOutPerGb: 0.05,
    storagePerGbMonth: 0.1,
  },
} as const;

/** The Lambda size the model prices (the brief's 1024 MB arm64 function). */
export const DEFAULT_LAMBDA_MEMORY_MB = 1024;

// ---------------------------------------------------------------------------------------------
// Per-request rules

/** DynamoDB write units for one item write: 1 per started KB, doubled inside a transaction. */
export function writeUnits(itemBytes: number, options: { transactional?: boolean } = {}): number {
  const units = Math.max(1, Math.ceil(itemBytes / PRICES.dynamodb.writeUnitBytes));
  return options.transactional ? 2 * units : units;
}

/**
 * DynamoDB read units for one read returning `bytes` (a GetItem's item, or a Query's items summed
 * before rounding): 1 per started 4 KB strongly consistent, half that eventually consistent,
 * double in a transaction. A read that finds nothing still costs the minimum.
 */
export function readUnits(bytes: number, options: { consistent?: boolean; transactional?: boolean } = {}): number {
  const blocks = Math.max(1, Math.ceil(bytes / PRICES.dynamodb.readUnitBytes));
  const factor = options.transactional ? 2 : options.consistent === false ? 0.5 : 1;
  return blocks * factor;
}

/** API Gateway HTTP API requests billed for one call: one per started 512 KB of the larger of request and response. */
export function apiGatewayUnits(requestBytes: number, responseBytes = 0): number {
  return Math.max(1, Math.ceil(Math.max(requestBytes, responseBytes) / PRICES.apiGatewayHttp.meterBytes));
}

/** Lambda's billed duration of one invocation (rounded up to the billing step). */
export function billedMs(durationMs: number): number {
  const step = PRICES.lambda.billingStepMs;
  return Math.max(step, Math.ceil(durationMs / step) * step);
}

export function gbSeconds(totalBilledMs: number, memoryMb = DEFAULT_LAMBDA_MEMORY_MB): number {
  return (totalBilledMs / 1000) * (memoryMb / 1024);
}

// ---------------------------------------------------------------------------------------------
// Usage → dollars

/** What a workload used, as counted by bench/accounting.ts (or as hand-written in tests). */
export interface Usage {
  s3Put: number;
  s3Get: number;
  s3List: number;
  s3Delete: number;
  /** Billed units by AWS's rules (item sizes, transactional doubling), not the emulator's figures. */
  wru: number;
  rru: number;
  /** HTTP requests, i.e. Lambda invocations. */
  httpRequests: number;
  /** Sum over requests of apiGatewayUnits(). */
  apiGatewayUnits: number;
  /** Sum over requests of billedMs(handler time). */
  lambdaBilledMs: number;
}

export const emptyUsage = (): Usage => ({ s3Put: 0, s3Get: 0, s3List: 0, s3Delete: 0, wru: 0, rru: 0, httpRequests: 0, apiGatewayUnits: 0, lambdaBilledMs: 0 });

export function addUsage(a: Usage, b: Usage): Usage {
  const out = emptyUsage();
  for (const k of Object.keys(out) as Array<keyof Usage>) out[k] = a[k] + b[k];
  return out;
}

export function scaleUsage(u: Usage, factor: number): Usage {
  const out = emptyUsage();
  for (const k of Object.keys(out) as Array<keyof Usage>) out[k] = u[k] * factor;
  return out;
}

/** Usage per GiB of payload, from usage measured while moving `bytes` of payload. */
export function perGiB(u: Usage, bytes: number): Usage {
  if (!(bytes > 0)) throw new RangeError('perGiB: no bytes moved');
  return scaleUsage(u, GiB / bytes);
}

/** How requests reach Brook: API Gateway HTTP API (per-request fee) or a Lambda function URL (none). */
export type Endpoint = 'api-gateway' | 'function-url';

export interface CostBreakdown {
  s3: number;
  dynamodb: number;
  gateway: number;
  lambdaRequests: number;
  lambdaDuration: number;
  total: number;
}

export function priceUsage(u: Usage, options: { endpoint?: Endpoint; memoryMb?: number; includeLambda?: boolean } = {}): CostBreakdown {
  const p = PRICES;
  const s3 = (u.s3Put * p.s3.putPer1k + u.s3List * p.s3.listPer1k + u.s3Get * p.s3.getPer1k + u.s3Delete * p.s3.deletePer1k) / 1000;
  const dynamodb = (u.wru * p.dynamodb.perMillionWru + u.rru * p.dynamodb.perMillionRru) / 1e6;
  const gateway = (options.endpoint ?? 'api-gateway') === 'api-gateway' ? (u.apiGatewayUnits * p.apiGatewayHttp.perMillion) / 1e6 : 0;
  const withLambda = options.includeLambda ?? true;
  const lambdaRequests = withLambda ? (u.httpRequests * p.lambda.perMillionRequests) / 1e6 : 0;
  const lambdaDuration = withLambda ? gbSeconds(u.lambdaBilledMs, options.memoryMb) * p.lambda.perGbSecondArm64 : 0;
  return { s3, dynamodb, gateway, lambdaRequests, lambdaDuration, total: s3 + dynamodb + gateway + lambdaRequests + lambdaDuration };
}

// ---------------------------------------------------------------------------------------------
// The floor of the design: what one produce request must cost, by rule, with no measurement.

/** Bytes of the two items a partition commit writes, used when nothing was measured (both well under 1 KB). */
export const SMALL_ITEM_BYTES = 300;

/**
 * Usage of producing `totalBytes` in requests of `requestBytes`, each touching `partitions`
 * partitions: 1 PUT per request + per partition a consistent head GetItem (1 RRU) and a
 * two-item transaction (2 × 2 WRU for items under 1 KB). No gateway or Lambda.
 */
export function produceFloorUsage(totalBytes: number, requestBytes: number, partitions = 1, itemBytes = SMALL_ITEM_BYTES): Usage {
  const requests = Math.ceil(totalBytes / requestBytes);
  return {
    ...emptyUsage(),
    s3Put: requests,
    wru: requests * partitions * 2 * writeUnits(itemBytes, { transactional: true }),
    rru: requests * partitions * readUnits(itemBytes, { consistent: true }),
  };
}

/**
 * Dollars per GiB produced at one request size, by the model: the floor above plus the gateway's
 * 512 KB steps (on the request's wire size, payload + `overheadBytes` of framing), one Lambda
 * invocation per request and its duration. What a producer's request size (batch.size, linger.ms)
 * buys.
 */
export function producePerGiB(o: { requestBytes: number; partitions?: number; handlerMs: number; endpoint: Endpoint; overheadBytes?: number; memoryMb?: number }): CostBreakdown {
  const usage = produceFloorUsage(GiB, o.requestBytes, o.partitions ?? 1);
  const requests = usage.s3Put;
  usage.httpRequests = requests;
  usage.apiGatewayUnits = requests * apiGatewayUnits(o.requestBytes + (o.overheadBytes ?? 0));
  usage.lambdaBilledMs = requests * billedMs(o.handlerMs);
  return priceUsage(usage, { endpoint: o.endpoint, memoryMb: o.memoryMb });
}

// ---------------------------------------------------------------------------------------------
// Other services, priced on the same workload

export interface StreamWorkload {
  /** Payload bytes produced (and, for consumed, read once). */
  bytesIn: number;
  bytesOut: number;
  /** Size of one record (Kinesis rounds each record up to 1 KB). */
  recordBytes: number;
  partitions: number;
  /** How long the stream or cluster exists, for hourly fees. */
  hours: number;
  /** Average bytes retained, for storage fees. */
  storedBytes?: number;
}

export function kinesisOnDemandCost(w: StreamWorkload): { hourly: number; ingest: number; retrieval: number; total: number } {
  const k = PRICES.kinesisOnDemand;
  const records = w.bytesIn / w.recordBytes;
  const billedIn = records * Math.ceil(w.recordBytes / k.recordRoundBytes) * k.recordRoundBytes;
  const hourly = w.hours * k.perStreamHour;
  const ingest = (billedIn / GiB) * k.ingestPerGb;
  const retrieval = (w.bytesOut / GiB) * k.retrievalPerGb;
  return { hourly, ingest, retrieval, total: hourly + ingest + retrieval };
}

export function mskServerlessCost(w: StreamWorkload): { hourly: number; dataIn: number; dataOut: number; storage: number; total: number } {
  const m = PRICES.mskServerless;
  const hourly = w.hours * (m.perClusterHour + w.partitions * m.perPartitionHour);
  const dataIn = (w.bytesIn / GiB) * m.dataInPerGb;
  const dataOut = (w.bytesOut / GiB) * m.dataOutPerGb;
  const storage = ((w.storedBytes ?? 0) / GiB) * m.storagePerGbMonth * (w.hours / HOURS_PER_MONTH);
  return { hourly, dataIn, dataOut, storage, total: hourly + dataIn + dataOut + storage };
}

// ---------------------------------------------------------------------------------------------
// Idle costs

/**
 * A month of a topic nobody writes or reads: Brook makes no requests, so only storage is billed:
 * the S3 bytes plus the DynamoDB items (topic, one head per partition, one index item per
 * committed batch).
 */
export function idleTopicMonthly(t: { partitions: number; storedBytes: number; indexItems: number; indexItemBytes: number; headItemBytes: number; topicItemBytes: number }): {
  s3: number;
  dynamodb: number;
  total: number;
} {
  const s3 = (t.storedBytes / GiB) * PRICES.s3.storagePerGbMonth;
  const itemBytes = t.topicItemBytes + t.partitions * t.headItemBytes + t.indexItems * t.indexItemBytes;
  // DynamoDB adds 100 bytes of overhead per item to the stored size.
  const dynamodb = ((itemBytes + 100 * (1 + t.partitions + t.indexItems)) / GiB) * PRICES.dynamodb.storagePerGbMonth;
  return { s3, dynamodb, total: s3 + dynamodb };
}

/**
 * A month of a consumer long-polling an idle partition: back-to-back waits of `waitSeconds`, each
 * costing the GetItems counted in a real wait (plus the fetch's first head read), one HTTP request
 * and Lambda duration for the whole wait.
 */
export function idleConsumerMonthly(c: {
  /** Head reads counted during one real wait, all included. */
  readsPerWait: number;
  rruPerRead?: number;
  waitSeconds: number;
  /** Measured handler time of one wait (about waitSeconds). */
  handlerMsPerWait: number;
  endpoint?: Endpoint;
  memoryMb?: number;
}): { waitsPerMonth: number; usage: Usage; cost: CostBreakdown } {
  const waitsPerMonth = SECONDS_PER_MONTH / c.waitSeconds;
  const usage: Usage = {
    ...emptyUsage(),
    rru: waitsPerMonth * c.readsPerWait * (c.rruPerRead ?? 1),
    httpRequests: waitsPerMonth,
    apiGatewayUnits: waitsPerMonth,
    lambdaBilledMs: waitsPerMonth * billedMs(c.handlerMsPerWait),
  };
  return { waitsPerMonth, usage, cost: priceUsage(usage, { endpoint: c.endpoint, memoryMb: c.memoryMb }) };
}
