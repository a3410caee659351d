/**
 * `npm run bench [-- --quick] [-- --out <dir>] [-- --only hot-partition]`
 *
 * Starts its own local stack (in-memory DynamoDB Local + s3rver in a temp dir) and an in-process
 * Brook server whose AWS clients count every request, runs the produce, fetch, end-to-end and idle
 * workloads, prints the tables and writes bench/results/<date>.json, .md and .svg (a --quick run
 * adds "-quick" to the name). `--only hot-partition` runs just that workload (both commit protocols on
 * one partition) and writes bench/results/<date>-hot-partition[-quick].json and .md instead.
 * The emulators are stopped at the end, on error and on Ctrl-C.
 * Not part of `npm test`: numbers from emulators on a small machine, for comparing Brook with its
 * own floor and for counting requests, not for absolute AWS performance.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { headKey, topicKey } from '../lib/metadata/keys';
import {
  analyzeFetch,
  analyzeHotPartition,
  analyzeIdle,
  analyzeLinger,
  analyzeProduce,
  idleTopicRows,
  monthlyExample,
  requestSizeSweep,
  waitStrategies,
  type Analysis,
  type ItemSizes,
} from './analysis';
import { PRICES } from './cost';
import { Cleanup, startBenchEnv, type BenchEnv } from './harness';
import { destroyAgent } from './http';
import { itemSize, type WireItem } from './item-size';
import { Progress } from './progress';
import { fullReport, hotPartitionSection } from './report';
import { AWS_LATENCY } from './latency';
import { chartSvg } from './svg';
import { sizeLabel, topicIdOf, type Budget } from './workloads/common';
import { runEndToEnd } from './workloads/e2e';
import { FETCH_MODES, runFetchCells } from './workloads/fetch';
import { HOT_PRODUCERS, HOT_PROTOCOLS, HOT_SIZES, hotPartitionTicks, runHotPartition, type HotPartitionPlan } from './workloads/hot-partition';
import { runIdleWaits } from './workloads/idle';
import { warmUp } from './workloads/warmup';
import { fetchSourceTopic, PRODUCE_SIZES, produceCells, runProduceCells, type ProduceRoute } from './workloads/produce';
import { closeSdk, LINGER_MS, loadSdk, runLingerSweep } from './workloads/sdk';

// The AWS SDK's notice about future Node versions is not a bench result; keep it out of the tables.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (String(warning instanceof Error ? warning.name + warning.message : warning).includes('NodeVersionSupport')) return;
  if (rest.some((r) => JSON.stringify(r ?? '').includes('NodeVersionSupport'))) return;
  return (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, out: { type: 'string' }, only: { type: 'string' } } });
/** Workloads that can run alone with --only. */
const ONLY = ['hot-partition'];
if (values.only !== undefined && !ONLY.includes(values.only)) {
  console.error(`--only ${values.only}: unknown workload; one of: ${ONLY.join(', ')}`);
  process.exit(2);
}

interface Plan extends Budget {
  warmUpMs: number;
  fetchConsumers: number[];
  /** 16 partitions × 8 producers: every op takes seconds (commit conflicts). */
  contended: boolean;
  /** 8 producers through every route, or only binary and baseline. */
  allRoutesAt8: boolean;
  /** Run the idle wait alone (clean numbers) or beside the fetch phase (saves 20 s, perturbs both). */
  idleAlone: boolean;
  hotPartition: HotPartitionPlan;
}

const QUICK: Plan = {
  name: 'quick',
  warmUpMs: 2000,
  produceCellMs: 300,
  fetchCellMs: 300,
  minOps: 1,
  maxOps: 1000,
  e2eSamples: 8,
  idleWaitMs: 20_000,
  fetchConsumers: [1],
  contended: false,
  allRoutesAt8: false,
  idleAlone: false,
  hotPartition: { roundMs: 250, rounds: 4, minOpsPerProducer: 1, maxOpsPerRound: 1000 },
};
const FULL: Plan = {
  name: 'full',
  warmUpMs: 6000,
  produceCellMs: 3000,
  fetchCellMs: 3000,
  minOps: 3,
  maxOps: 5000,
  e2eSamples: 60,
  idleWaitMs: 20_000,
  fetchConsumers: [1, 8],
  contended: true,
  allRoutesAt8: true,
  idleAlone: true,
  hotPartition: { roundMs: 2500, rounds: 4, minOpsPerProducer: 2, maxOpsPerRound: 5000 },
};
const budget = values.quick ? QUICK : FULL;
const outDir = values.out ?? join(dirname(fileURLToPath(import.meta.url)), 'results');

const cleanup = new Cleanup();
let progress: Progress | undefined;
let interrupted = false;
const onSignal = (signal: string) => {
  if (interrupted) process.exit(130);
  interrupted = true;
  progress?.stop();
  console.error(`\n${signal}: stopping the emulators (again to leave at once)`);
  void cleanup.run().finally(() => process.exit(130));
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

async function measureItemSizes(env: BenchEnv, produceScopes: string[]): Promise<ItemSizes> {
  const topic = fetchSourceTopic(PRODUCE_SIZES[0]!);
  const topicId = await topicIdOf(env, topic);
  const get = (table: string, key: Record<string, unknown>) =>
    env.accounting.run('setup', () => env.clients.dynamodb.send(new GetItemCommand({ TableName: table, Key: marshall(key), ConsistentRead: true })));
  const [t, h] = await Promise.all([get(env.config.metadataTable, topicKey(topic)), get(env.config.metadataTable, headKey(topicId, 0))]);
  const written = produceScopes.map((s) => env.accounting.stats(s).written[env.config.batchesTable]).filter((w) => w !== undefined);
  const items = written.reduce((n, w) => n + w!.items, 0);
  return {
    topicItemBytes: itemSize(t.Item as unknown as WireItem),
    headItemBytes: itemSize(h.Item as unknown as WireItem),
    indexItemBytes: items ? written.reduce((n, w) => n + w!.bytes, 0) / items : 0,
  };
}

const hotPartitionLine = () =>
  `hot partition: ${HOT_PROTOCOLS.join(' and ')} × ${HOT_PRODUCERS.join('/')} producers × ${HOT_SIZES.map(sizeLabel).join('/')}, ${budget.hotPartition.rounds} rounds of ${budget.hotPartition.roundMs} ms each`;

function header(run: string, elapsedS: number, env: BenchEnv, sdkStatus: string | undefined, extra: string[]): string[] {
  return [
    `# Brook bench: ${run}, ${new Date().toISOString()}`,
    '',
    `${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}. Local emulators: DynamoDB Local (in memory) and s3rver (temp dir); ` +
      `the Brook server, the bench clients and the baseline share this one Node process. Run time ${elapsedS.toFixed(0)} s.${sdkStatus ? ` SDK: ${sdkStatus}.` : ''}`,
    ...extra,
    `Commit protocol of every workload but the hot-partition one (which runs both): ${env.config.commitProtocol} (BROOK_COMMIT_PROTOCOL).`,
  ];
}

function faultNotes(env: BenchEnv): string[] {
  return env.accounting.faults.length ? [`Accounting faults (bench bugs, not Brook's): ${env.accounting.faults.length}`, ...env.accounting.faults.map((f) => `  ${f.split('\n')[0]}`)] : [];
}

const errorNotes = (cells: Array<{ scope: string; load: { errors: number; firstError?: string } }>) =>
  cells.filter((c) => c.load.errors > 0).map((c) => `Errors in ${c.scope}: ${c.load.errors}, first: ${c.load.firstError}`);

function write(name: string, report: string, json: Record<string, unknown>, svg?: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const files = [join(outDir, `${name}.json`), join(outDir, `${name}.md`), ...(svg ? [join(outDir, `${name}.svg`)] : [])];
  writeFileSync(files[0]!, JSON.stringify(json, null, 1) + '\n');
  writeFileSync(files[1]!, report + '\n');
  if (svg) writeFileSync(files[2]!, svg);
  return files.map((f) => relative(process.cwd(), f));
}

const scopesJson = (env: BenchEnv, filter: (scope: string) => boolean = () => true) =>
  Object.fromEntries([...env.accounting.scopes].filter(([s]) => filter(s)).sort(([a], [b]) => a.localeCompare(b)));

/** `--only hot-partition`: the emulators, the warm-up and that workload, nothing else. */
async function mainHotPartition(): Promise<void> {
  const started = Date.now();
  console.error(`Brook bench, ${budget.name} run, hot partition only: ${hotPartitionLine()}.`);
  console.error('Starting DynamoDB Local and s3rver…');
  const env = await startBenchEnv(cleanup);
  progress = new Progress(1 + hotPartitionTicks());
  progress.phase('warming up the emulators');
  await warmUp(env, budget.warmUpMs);
  progress.tick();
  const hot = await runHotPartition(env, budget.hotPartition, progress);
  const hotAws = await runHotPartition(env, budget.hotPartition, progress, AWS_LATENCY);
  progress.stop();

  const hotPartition = analyzeHotPartition(env.accounting, hot, { plan: budget.hotPartition });
  const hotPartitionAws = analyzeHotPartition(env.accounting, hotAws, { plan: budget.hotPartition, latency: AWS_LATENCY });
  const elapsedS = (Date.now() - started) / 1000;
  const date = new Date().toISOString().slice(0, 10);
  const name = `${date}-hot-partition${budget.name === 'quick' ? '-quick' : ''}`;
  const head = header(`${budget.name} run, hot partition only`, elapsedS, env, undefined, [
    ...(budget.name === 'quick' ? ['Quick run: short rounds, few requests per cell (p99 is close to the maximum): use the full run for numbers.'] : []),
  ]);
  const report = [...head, '', hotPartitionSection(hotPartition), '', hotPartitionSection(hotPartitionAws), '', ...faultNotes(env), ...errorNotes([...hot, ...hotAws])].join('\n');
  console.log(report);
  const files = write(name, report, {
    meta: { date: new Date().toISOString(), mode: budget.name, only: 'hot-partition', budget, elapsedS, node: process.version, cpus: cpus().length },
    prices: PRICES,
    analysis: { hotPartition, hotPartitionAws },
    accounting: scopesJson(env, (s) => s.startsWith('hot-partition:')),
  });
  console.log(`\nWrote ${files.join(', ')} in ${elapsedS.toFixed(0)} s.`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const sdk = await loadSdk();
  const routes: ProduceRoute[] = ['json', 'binary', ...(sdk.sdk ? (['sdk'] as const) : []), 'baseline'];
  const cells = produceCells(routes)
    .filter((c) => budget.contended || !(c.partitions > 1 && c.producers > 1))
    .filter((c) => budget.allRoutesAt8 || c.producers === 1 || c.route === 'binary' || c.route === 'baseline');
  const fetchCells = PRODUCE_SIZES.length * FETCH_MODES.length * budget.fetchConsumers.length;
  console.error(`Brook bench, ${budget.name} run: ${cells.length} produce cells, ${hotPartitionLine()}, ${fetchCells} fetch cells, end-to-end, a 20 s idle wait. SDK: ${sdk.status}.`);
  console.error('Starting DynamoDB Local and s3rver…');
  const env = await startBenchEnv(cleanup);
  progress = new Progress(cells.length + hotPartitionTicks() + fetchCells + 3 + (sdk.sdk ? LINGER_MS.length : 0));
  progress.phase('warming up the emulators');
  await warmUp(env, budget.warmUpMs);
  progress.tick();

  const produce = await runProduceCells(env, cells, budget, progress, sdk.sdk);
  const hot = await runHotPartition(env, budget.hotPartition, progress);
  const hotAws = await runHotPartition(env, budget.hotPartition, progress, AWS_LATENCY);
  const linger = sdk.sdk ? await runLingerSweep(env, sdk.sdk, budget, progress) : [];
  const idleBeside = budget.idleAlone ? undefined : runIdleWaits(env, budget);
  const fetch = await runFetchCells(env, PRODUCE_SIZES, budget, progress, budget.fetchConsumers);
  progress.phase('end-to-end latency');
  const e2e = await runEndToEnd(env, budget);
  progress.tick();
  progress.phase(`idle long-poll, ${budget.idleWaitMs / 1000} s${budget.idleAlone ? '' : ' (started beside the fetch phase)'}`);
  const idle = await (idleBeside ?? runIdleWaits(env, budget));
  progress.tick();
  const itemSizes = await measureItemSizes(env, produce.filter((p) => p.route !== 'baseline').map((p) => p.scope));
  progress.stop();

  const produceRows = analyzeProduce(env.accounting, produce);
  const fetchRows = analyzeFetch(env.accounting, fetch);
  const pick = (size: number, partitions = 1) => produceRows.find((r) => r.route === 'binary' && r.requestBytes === size && r.partitions === partitions && r.producers === 1);
  const warm = (size: number) => fetchRows.find((r) => r.mode === 'warm' && r.objectBytes === size && r.consumers === 1);
  const analysis: Analysis = {
    produce: produceRows,
    fetch: fetchRows,
    linger: analyzeLinger(env.accounting, linger),
    e2e,
    idle: analyzeIdle(idle.waits),
    waitStrategies: waitStrategies(idle.waits.find((w) => w.partitions === 1), idle.poll),
    sweep: requestSizeSweep(env.accounting, produceRows),
    itemSizes,
    idleTopic: idleTopicRows(itemSizes),
    examples: [
      monthlyExample(pick(1024 * 1024), warm(1024 * 1024), 100, 1),
      monthlyExample(pick(64 * 1024), warm(64 * 1024), 100, 1),
      monthlyExample(pick(1024), warm(1024), 100, 1),
      monthlyExample(pick(1024 * 1024, 16), warm(1024 * 1024), 1000, 16),
    ].filter((e) => e !== undefined),
    hotPartition: analyzeHotPartition(env.accounting, hot, { plan: budget.hotPartition }),
    hotPartitionAws: analyzeHotPartition(env.accounting, hotAws, { plan: budget.hotPartition, latency: AWS_LATENCY }),
  };

  const elapsedS = (Date.now() - started) / 1000;
  const date = new Date().toISOString().slice(0, 10);
  const name = budget.name === 'quick' ? `${date}-quick` : date;
  const head = header(`${budget.name} run`, elapsedS, env, sdk.status, [
    'Throughput is payload (record value) bytes for produce and batch bytes for fetch; latency is per request, measured by the client.',
    ...(budget.idleAlone ? [] : ['Quick run: fewer cells, and the 20 s idle wait ran beside the fetch phase (both perturbed a little): use the full run for numbers.']),
    'Dollars per GiB at us-east-1 list prices (bench/cost.ts, docs/COST.md); Lambda duration from the measured handler time at 1024 MB arm64.',
  ]);
  const notes = [
    `Item sizes measured: topic ${itemSizes.topicItemBytes} B, partition head ${itemSizes.headItemBytes} B, batch index item ${itemSizes.indexItemBytes.toFixed(0)} B.`,
    ...faultNotes(env),
    `Baseline transactions resent after colliding on a head item: ${produce.filter((p) => p.route === 'baseline').map((p) => `${p.transactionRetries} (${p.requestBytes / 1024} KiB ${p.partitions}p ${p.producers}c)`).join(', ')}.`,
    ...errorNotes([...produce, ...hot, ...hotAws, ...fetch, ...linger]),
  ];
  const report = fullReport(analysis, head, notes);
  console.log(report);

  const files = write(
    name,
    report,
    { meta: { date: new Date().toISOString(), mode: budget.name, budget, elapsedS, node: process.version, cpus: cpus().length, sdk: sdk.status }, prices: PRICES, analysis, accounting: scopesJson(env) },
    chartSvg(analysis, `${budget.name} run ${date} · ${cpus().length} cores · DynamoDB Local + s3rver · payload MiB/s and ms per request`),
  );
  console.log(`\nWrote ${files.join(', ')} in ${elapsedS.toFixed(0)} s.`);
}

try {
  await (values.only === 'hot-partition' ? mainHotPartition() : main());
} catch (err) {
  progress?.stop();
  // After Ctrl-C the servers close under the running workload: its errors are expected, not news.
  if (!interrupted) console.error('The bench failed:', err);
  process.exitCode = interrupted ? 130 : 1;
} finally {
  await closeSdk();
  destroyAgent();
  await cleanup.run();
}
