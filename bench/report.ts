/**
 * The printed report: Markdown tables (readable in a terminal, pasteable into docs/COST.md).
 */
import { HOT_TARGETS, type Analysis, type FetchRow, type HotPartitionAnalysis, type ProduceRow } from './analysis';
import { sizeLabel } from './workloads/common';

type Cell = string | number | undefined;

export function table(headers: string[], rows: Cell[][]): string {
  const text = rows.map((r) => r.map((c) => (c === undefined ? '–' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(headers), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`, ...text.map(line)].join('\n');
}

export const fmt = (x: number | undefined): string | undefined => {
  if (x === undefined || !Number.isFinite(x)) return undefined;
  const a = Math.abs(x);
  return a >= 1000 ? Math.round(x).toLocaleString('en-US') : a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : a === 0 ? '0' : x.toPrecision(2);
};
export const ratio = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? undefined : `${x.toFixed(2)}×`);
export const usd = (x: number | undefined): string | undefined => {
  if (x === undefined || !Number.isFinite(x)) return undefined;
  if (x > 0 && x < 0.0001) return '< $0.0001';
  return x >= 100 ? `$${x.toFixed(0)}` : x >= 1 ? `$${x.toFixed(2)}` : x >= 0.01 ? `$${x.toFixed(4)}` : x === 0 ? '$0' : `$${x.toPrecision(3)}`;
};

const ROUTE_NAME: Record<string, string> = { json: 'JSON', binary: 'binary', sdk: 'SDK', baseline: 'baseline' };
const shape = (r: ProduceRow) => `${sizeLabel(r.requestBytes)} ${r.partitions}p ${r.producers}c`;
const req = (r: { profile?: { requestsPerGiB: Record<string, number> } }, name: string) => r.profile?.requestsPerGiB[name] ?? 0;

export function produceTable(rows: ProduceRow[]): string {
  return table(
    ['request · partitions · producers', 'route', 'req/s', 'MiB/s', 'p50 ms', 'p99 ms', '÷ base MiB/s', '÷ base p50', '÷ base p99', 'errors'],
    rows.map((r) => [
      shape(r),
      ROUTE_NAME[r.route],
      fmt(r.load.opsPerSec),
      fmt(r.load.mibPerSec),
      fmt(r.load.latencyMs.p50),
      fmt(r.load.latencyMs.p99),
      ratio(r.vsBaseline?.throughput),
      ratio(r.vsBaseline?.p50),
      ratio(r.vsBaseline?.p99),
      r.load.errors || '',
    ]),
  );
}

export function produceProfileTable(rows: ProduceRow[]): string {
  return table(
    ['request · partitions · producers', 'route', 'PUT', 'GetItem', 'TransactWrite (cancelled)', 'WRU', 'RRU', 'HTTP', 'S3+DDB $', '÷ base', 'API GW $', 'fn URL $', 'Kinesis $', 'MSK $'],
    rows.map((r) => [
      shape(r),
      ROUTE_NAME[r.route],
      fmt(req(r, 's3:PutObject')),
      fmt(req(r, 'dynamodb:GetItem')),
      `${fmt(req(r, 'dynamodb:TransactWriteItems'))} (${fmt(r.profile?.failedDynamoPerGiB ?? 0)})`,
      fmt(r.profile?.usagePerGiB.wru),
      fmt(r.profile?.usagePerGiB.rru),
      r.route === 'baseline' ? undefined : fmt(r.profile?.usagePerGiB.httpRequests),
      usd(r.profile?.storageOnly),
      ratio(r.vsBaseline?.storageCost),
      r.route === 'baseline' ? undefined : usd(r.profile?.apiGateway.total),
      r.route === 'baseline' ? undefined : usd(r.profile?.functionUrl.total),
      usd(r.kinesisPerGiB),
      usd(r.mskPerGiB),
    ]),
  );
}

const fetchShape = (r: FetchRow) => `${sizeLabel(r.objectBytes)} objects ${r.consumers}c`;

export function fetchTable(rows: FetchRow[]): string {
  return table(
    ['log · consumers', 'mode', 'fetch/s', 'MiB/s', 'p50 ms', 'p99 ms', '÷ raw MiB/s', '÷ raw p50', '÷ raw p99', 'objects/fetch', 'errors'],
    rows.map((r) => [
      fetchShape(r),
      r.mode,
      fmt(r.load.opsPerSec),
      fmt(r.load.mibPerSec),
      fmt(r.load.latencyMs.p50),
      fmt(r.load.latencyMs.p99),
      ratio(r.vsRaw?.throughput),
      ratio(r.vsRaw?.p50),
      ratio(r.vsRaw?.p99),
      fmt(r.objectsPerFetch),
      r.load.errors || '',
    ]),
  );
}

export function fetchProfileTable(rows: FetchRow[]): string {
  return table(
    ['log · consumers', 'mode', 'GET', 'GetItem', 'Query', 'RRU', 'HTTP', 'S3+DDB $', 'API GW $', 'fn URL $', 'Kinesis $', 'MSK $'],
    rows.map((r) => [
      fetchShape(r),
      r.mode,
      fmt(req(r, 's3:GetObject')),
      fmt(req(r, 'dynamodb:GetItem')),
      fmt(req(r, 'dynamodb:Query')),
      fmt(r.profile?.usagePerGiB.rru),
      r.mode === 'raw' ? undefined : fmt(r.profile?.usagePerGiB.httpRequests),
      usd(r.profile?.storageOnly),
      r.mode === 'raw' ? undefined : usd(r.profile?.apiGateway.total),
      r.mode === 'raw' ? undefined : usd(r.profile?.functionUrl.total),
      usd(r.kinesisPerGiB),
      usd(r.mskPerGiB),
    ]),
  );
}

export function idleTable(a: Analysis): string {
  return table(
    ['idle consumer', 'wait s', 'GetItems/wait', 'handler s', 'DynamoDB $/mo', 'Lambda req $/mo', 'Lambda GB-s $/mo (1024 MB)', 'API GW $/mo', 'total, API GW', 'total, fn URL', 'total, fn URL 128 MB'],
    a.idle.map((r) => [
      `${r.route} (${r.partitions}p)`,
      fmt(r.waitMs / 1000),
      r.getItems,
      fmt(r.handlerMs / 1000),
      usd(r.monthly.apiGateway.cost.dynamodb),
      usd(r.monthly.apiGateway.cost.lambdaRequests),
      usd(r.monthly.apiGateway.cost.lambdaDuration),
      usd(r.monthly.apiGateway.cost.gateway),
      usd(r.monthly.apiGateway.cost.total),
      usd(r.monthly.functionUrl.cost.total),
      usd(r.monthly.functionUrl128.cost.total),
    ]),
  );
}

export function lingerTable(a: Analysis): string {
  return table(
    ['SDK producer lingerMs', 'messages/s offered', 'requests per message', 'send p50 ms', 'send p99 ms', 'PUT/GiB', 'WRU/GiB', 'API GW $/GiB', 'fn URL $/GiB', 'errors'],
    a.linger.map((r) => [
      r.lingerMs,
      r.offeredPerSec,
      fmt(r.requestsPerMessage),
      fmt(r.load.latencyMs.p50),
      fmt(r.load.latencyMs.p99),
      fmt(req(r, 's3:PutObject')),
      fmt(r.profile?.usagePerGiB.wru),
      usd(r.profile?.apiGateway.total),
      usd(r.profile?.functionUrl.total),
      r.load.errors ? `${r.load.errors}: ${r.load.firstError}` : '',
    ]),
  );
}

export function waitTable(a: Analysis): string {
  return table(
    ['an idle consumer waits by…', 'added latency', '$/month, API GW', '$/month, fn URL'],
    a.waitStrategies.map((w) => [w.strategy, w.addedLatency, usd(w.apiGateway), usd(w.functionUrl)]),
  );
}

export function sweepTable(a: Analysis): string {
  return table(
    ['request size', 'requests/GiB', 'handler ms (fit)', '1 partition, API GW', '1 partition, fn URL', '16 partitions, API GW', 'Kinesis on-demand (1 KiB records)'],
    a.sweep.rows.map((r) => [sizeLabel(r.requestBytes), fmt(r.requestsPerGiB), fmt(r.handlerMs), usd(r.p1ApiGateway), usd(r.p1FunctionUrl), usd(r.p16ApiGateway), usd(r.kinesis)]),
  );
}

export function idleTopicTable(a: Analysis): string {
  return table(
    ['idle topic (a month, no requests)', 'Brook S3 $', 'Brook DynamoDB $', 'Brook total', 'Kinesis on-demand', 'MSK Serverless'],
    a.idleTopic.map((r) => [r.name, usd(r.brook.s3), usd(r.brook.dynamodb), usd(r.brook.total), usd(r.kinesisMonthly), usd(r.mskMonthly)]),
  );
}

export function examplesTable(a: Analysis): string {
  return table(
    ['a month: GiB in = GiB out', 'partitions', 'request size', 'Brook, API GW', 'Brook, fn URL', 'Kinesis on-demand', 'MSK Serverless'],
    a.examples.map((e) => [fmt(e.gibPerMonth), e.partitions, sizeLabel(e.requestBytes), usd(e.brookApiGateway), usd(e.brookFunctionUrl), usd(e.kinesis), usd(e.msk)]),
  );
}

export function e2eTable(a: Analysis): string {
  if (!a.e2e) return '(not run)';
  const e = a.e2e;
  return table(
    ['end to end (produce → long-polling fetcher)', 'samples', 'p50 ms', 'p99 ms', 'max ms'],
    [
      ['produce sent → record fetched', e.samples, fmt(e.endToEndMs.p50), fmt(e.endToEndMs.p99), fmt(e.endToEndMs.max)],
      ['produce sent → acknowledged', e.produceAckMs.n, fmt(e.produceAckMs.p50), fmt(e.produceAckMs.p99), fmt(e.produceAckMs.max)],
    ],
  );
}

/** "min–max" of per-producer counts, or the one count. */
const spread = (xs: number[] | undefined) => (!xs?.length ? undefined : xs.length === 1 ? String(xs[0]) : `${Math.min(...xs)}–${Math.max(...xs)}`);

export function hotPartitionTable(h: HotPartitionAnalysis): string {
  return table(
    ['protocol', 'producers', 'size', 'commits/s', 'p50 ms', 'p99 ms', 'mean ms', 'commits per producer', 'DDB req/commit', 'S3 req/commit', 'cancelled/commit', 'cond. failed/commit', 'errors'],
    h.rows.map((r) => [
      r.protocol,
      r.producers,
      sizeLabel(r.requestBytes),
      fmt(r.load.opsPerSec),
      fmt(r.load.latencyMs.p50),
      fmt(r.load.latencyMs.p99),
      fmt(r.load.latencyMs.mean),
      spread(r.commitsPerProducer),
      fmt(r.perCommit?.dynamodbTotal),
      fmt(r.perCommit?.s3Total),
      fmt(r.perCommit?.cancelled),
      fmt(r.perCommit?.conditionFailed),
      r.load.errors || '',
    ]),
  );
}

/** DynamoDB requests per commit by operation (a column per operation either protocol used), S3 by command, units. */
export function hotPartitionRequestsTable(h: HotPartitionAnalysis): string {
  const ddb = [...new Set(h.rows.flatMap((r) => Object.keys(r.perCommit?.dynamodb ?? {})))].sort();
  const s3 = [...new Set(h.rows.flatMap((r) => Object.keys(r.perCommit?.s3 ?? {})))].sort();
  const errors = (r: HotPartitionAnalysis['rows'][number]) =>
    Object.entries(r.perCommit?.errors ?? {})
      .map(([name, n]) => `${name.replace(/Exception$/, '')} ${fmt(n)}`)
      .join(', ');
  return table(
    ['protocol', 'producers', 'size', ...ddb, ...s3.map((n) => `S3 ${n}`), 'WRU', 'RRU', 'failed DynamoDB attempts'],
    h.rows.map((r) => [
      r.protocol,
      r.producers,
      sizeLabel(r.requestBytes),
      ...ddb.map((n) => fmt(r.perCommit?.dynamodb[n] ?? 0)),
      ...s3.map((n) => fmt(r.perCommit?.s3[n] ?? 0)),
      fmt(r.perCommit?.wru),
      fmt(r.perCommit?.rru),
      errors(r),
    ]),
  );
}

export function hotPartitionRatioTable(h: HotPartitionAnalysis): string {
  const ab = `${h.newProtocol} ÷ ${h.oldProtocol}`;
  return table(
    ['producers', 'size', `commits/s ${ab}`, `p50 ${ab}`, `p99 ${ab}`, `mean ${ab}`, `DDB req/commit ${ab}`],
    h.comparisons.map((c) => [c.producers, sizeLabel(c.requestBytes), ratio(c.commitsPerSec), ratio(c.p50), ratio(c.p99), ratio(c.mean), ratio(c.dynamodbPerCommit)]),
  );
}

export function hotPartitionTargetTable(h: HotPartitionAnalysis): string {
  return table(
    [`target (${h.newProtocol} against ${h.oldProtocol}, issue 11)`, 'size', 'measured', 'met'],
    h.targets.map((t) => [t.target, sizeLabel(t.requestBytes), ratio(t.measured), Number.isFinite(t.measured) ? (t.pass ? 'yes' : 'NO') : 'no data']),
  );
}

export function hotPartitionSection(h: HotPartitionAnalysis): string {
  const plan = h.plan
    ? ` ${h.plan.rounds} rounds of ${h.plan.roundMs} ms per protocol per shape, order alternating; a round's time includes finishing the requests in flight when it ends.`
    : '';
  const same = h.operations.same
    ? [
        '',
        `Both protocols made the same kinds of DynamoDB requests (${h.operations.old.join(', ') || 'none'}): '${h.newProtocol}' behaves like '${h.oldProtocol}' in this tree ` +
          '(not implemented yet, or falling back), so the ratios compare the old protocol with itself and show only the noise between interleaved cells.',
      ]
    : ['', `DynamoDB operations: ${h.oldProtocol}: ${h.operations.old.join(', ')}; ${h.newProtocol}: ${h.operations.new.join(', ')}.`];
  const met = h.targets.filter((t) => t.pass).length;
  return [
    `## Hot partition${h.latency ? `, ${h.latency.name}` : ''}: one partition, both commit protocols (${h.oldProtocol} = head-conditional transaction, ${h.newProtocol} = reserve-then-publish)`,
    '',
    ...(h.latency
      ? [
          `The same workload on clients that add a modeled round trip to every request (bench/latency.ts: DynamoDB ${h.latency.dynamodbMs} ms, TransactWriteItems ${h.latency.transactMs} ms, S3 PUT ${h.latency.s3PutMs} ms, half before and half after the emulator applies it). ` +
            'On the bare emulators the two cores run out before the partition does; with network time in each request, what limits each protocol is how its writers wait for one another, as on AWS. A model, not a measurement of AWS.',
          '',
        ]
      : []),
    `produce() called directly on two brokers sharing the counted clients; one binary batch of 1 KiB records per request, no idempotence; a topic per protocol and shape.${plan} ` +
      'commits/s = produce requests acknowledged per second; requests per commit count every attempt (retries, cancelled transactions and refused conditional writes included, all billed) over acknowledged commits. ' +
      'DynamoDB Local serialises transactions on an item rather than cancelling them with TransactionConflict as DynamoDB does, so cancellations here are condition failures. ' +
      'Commits per producer (fewest–most) show fairness: where a few producers win most commits, p50 describes the winners and the mean (producers ÷ commits/s, closed loop) the whole.',
    '',
    hotPartitionTable(h),
    '',
    hotPartitionRequestsTable(h),
    '',
    hotPartitionRatioTable(h),
    '',
    hotPartitionTargetTable(h),
    '',
    `Targets met: ${met} of ${h.targets.length} (at ${HOT_TARGETS.contendedProducers} producers commits/s ≥ ${HOT_TARGETS.minCommitsRatio}× and p99 ≤ ${HOT_TARGETS.maxP99Ratio}×; one producer p50 ≤ ${HOT_TARGETS.maxSingleP50Ratio}×).`,
    ...same,
  ].join('\n');
}

export function fullReport(a: Analysis, header: string[], notes: string[]): string {
  return [
    ...header,
    '',
    '## Produce: throughput and latency (Brook ÷ baseline: same shape, raw PutObject + TransactWriteItems)',
    '',
    produceTable(a.produce),
    '',
    '## Produce: requests and dollars per GiB produced (counted by SDK middleware; WRU/RRU by AWS rules)',
    '',
    produceProfileTable(a.produce),
    '',
    ...(a.hotPartition ? [hotPartitionSection(a.hotPartition), ''] : []),
    ...(a.hotPartitionAws ? [hotPartitionSection(a.hotPartitionAws), ''] : []),
    '## Fetch: throughput and latency (Brook ÷ raw ranged GETs of the same bytes)',
    '',
    fetchTable(a.fetch),
    '',
    '## Fetch: requests and dollars per GiB consumed',
    '',
    fetchProfileTable(a.fetch),
    '',
    '## End-to-end latency',
    '',
    e2eTable(a),
    '',
    '## Idle costs',
    '',
    idleTable(a),
    '',
    waitTable(a),
    '',
    idleTopicTable(a),
    '',
    ...(a.linger.length
      ? ['## What linger buys: 1 KiB messages, one send() each, through the SDK (idempotent producer)', '', lingerTable(a), '']
      : []),
    `## What request size buys: $ per GiB produced, by the model with this run's handler times (wire bytes = payload × ${(1 + a.sweep.overheadRatio).toFixed(4)} + ${a.sweep.overheadPerRequest.toFixed(0)} B)`,
    '',
    sweepTable(a),
    '',
    '## A month of traffic, priced',
    '',
    examplesTable(a),
    '',
    ...notes,
  ].join('\n');
}
