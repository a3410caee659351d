/**
 * `npm run chaos -- --seed N --duration 60s [--out dir] [--producers 4] [--partitions 3] [--fetchers 2]`
 * `npm run chaos -- --seeds 1-20 --duration 60s`   several seeds, one after the other
 * `npm run chaos -- --check chaos-out/7`           the checker again, on a saved history
 *
 * Seeds divisible by 4 run the hot-partition workload (one partition, 12 producers, seal time
 * 1.5 s, slow writers); the others the default one (plain, idempotent and transactional
 * producers). `--hot-partition` / `--no-hot-partition` force one for every seed.
 *
 * Exits 1 if any run found an anomaly, naming the seeds to rerun.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { check } from './checker';
import { parseJsonl } from './history';
import { summarize } from './report';
import { runChaos, type ChaosResult } from './runner';

function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new Error(`--duration: expected e.g. 60s, 90000ms or 2m; got '${text}'`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

function parseSeeds(text: string): number[] {
  return text.split(',').flatMap((part) => {
    const range = /^(\d+)-(\d+)$/.exec(part.trim());
    if (range) return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i);
    if (!/^\d+$/.test(part.trim())) throw new Error(`--seeds: expected e.g. 1-20 or 1,5,9; got '${text}'`);
    return [Number(part)];
  });
}

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    seeds: { type: 'string' },
    duration: { type: 'string', default: '60s' },
    out: { type: 'string' },
    producers: { type: 'string' },
    partitions: { type: 'string' },
    fetchers: { type: 'string' },
    'txn-producers': { type: 'string' },
    'hot-partition': { type: 'boolean' },
    'no-hot-partition': { type: 'boolean' },
    'commit-protocol': { type: 'string' },
    'seal-after-ms': { type: 'string' },
    'no-kills': { type: 'boolean', default: false },
    'no-faults': { type: 'boolean', default: false },
    check: { type: 'string' },
  },
});

// --check <dir>: run the checker again on a saved history.jsonl (after changing the checker, say).
if (values.check) {
  const events = parseJsonl(readFileSync(join(values.check, 'history.jsonl'), 'utf8'));
  const report = check(events);
  console.log(summarize(Number(values.seed ?? NaN), report));
  process.exit(report.ok ? 0 : 1);
}

const seeds = values.seeds ? parseSeeds(values.seeds) : [Number(values.seed ?? Math.floor(Math.random() * 1e6))];
if (seeds.some((s) => !Number.isSafeInteger(s))) throw new Error('--seed must be an integer');
const durationMs = parseDuration(values.duration);
const protocol = values['commit-protocol'];
if (protocol !== undefined && protocol !== 'reserve' && protocol !== 'conditional') throw new Error(`--commit-protocol: reserve or conditional; got '${protocol}'`);
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
/** The workload of a seed: hot partition for seeds divisible by 4 unless forced either way. */
const hotFor = (seed: number) => (values['hot-partition'] ? true : values['no-hot-partition'] ? false : seed % 4 === 0);

// Ctrl-C: the run stops, the runner's finally block stops the server and the emulators.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
  console.error('interrupted: cleaning up (Ctrl-C again to leave now)');
});

const results: ChaosResult[] = [];
const failed: number[] = [];
for (const seed of seeds) {
  if (interrupt.signal.aborted) break;
  try {
    const result = await runChaos({
      seed,
      durationMs,
      outDir: values.out ? (seeds.length > 1 ? join(values.out, String(seed)) : values.out) : undefined,
      hotPartition: hotFor(seed),
      producers: num(values.producers),
      partitions: num(values.partitions),
      fetchers: num(values.fetchers),
      txnProducers: num(values['txn-producers']),
      commitProtocol: protocol as 'reserve' | 'conditional' | undefined,
      sealAfterMs: num(values['seal-after-ms']),
      schedule: { kills: !values['no-kills'], faults: !values['no-faults'] },
      signal: interrupt.signal,
    });
    results.push(result);
    console.log(summarize(seed, result.report, result.elapsedMs));
    console.log(`  history and report: ${result.outDir}`);
    if (!result.ok) failed.push(seed);
  } catch (err) {
    console.error(`seed ${seed}: the run itself failed: ${(err as Error).stack ?? err}`);
    failed.push(seed);
  }
}

if (seeds.length > 1) {
  const sum = (f: (r: ChaosResult) => number) => results.reduce((n, r) => n + f(r), 0);
  console.log(
    `\n${results.length} runs of ${durationMs / 1000} s: ${sum((r) => r.report.stats.operations)} operations, ` +
      `${sum((r) => r.report.stats.ackedValues)} acked values, ${sum((r) => r.report.stats.faultsInjected)} faults injected, ` +
      `${sum((r) => r.report.stats.serverKills)} server kills, ${sum((r) => r.report.stats.readerCrashes)} fetcher crashes, ` +
      `${sum((r) => r.report.stats.txn?.transactions ?? 0)} transactions (${sum((r) => r.report.stats.txn?.committedAcked ?? 0)} commits acknowledged), ` +
      `${results.filter((r) => r.report.workload?.mode === 'hot-partition').length} hot-partition runs, ` +
      `${sum((r) => r.report.anomalyCount)} anomalies`,
  );
}
if (interrupt.signal.aborted) process.exit(130);
if (failed.length > 0) {
  console.error(`\nFAILED seeds: ${failed.join(', ')}; rerun one with: npm run chaos -- --seed ${failed[0]} --duration ${values.duration}${hotFor(failed[0]!) ? ' --hot-partition' : ' --no-hot-partition'}`);
  process.exit(1);
}
process.exit(0);
