/**
 * One chaos run: emulators (own data dir, so they outlive server restarts), the chaos server as a
 * child process, the workload, the seeded schedule of faults, kills and fetcher crashes; then
 * quiesce, read everything back and check. Emulators and server are stopped even on failure.
 */
import { setMaxListeners } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../lib/local/free-port';
import { startLocalStack, type LocalStack } from '../../lib/local/stack';
import { check, type CheckReport } from './checker';
import { IdempotentProducer } from './idempotent-producer';
import { History } from './history';
import { http, sleep } from './http';
import { FAULTS_PATH } from './protocol';
import { describeEvent, makeSchedule, type ChaosRule, type ScheduleEvent, type ScheduleOptions } from './schedule';
import { ServerProcess } from './server-process';
import { finalTxnRead, stableEnd, tpKey, TxnFetcher, txnPartitions, TxnProducer, type TxnContext } from './txn-workload';
import { Fetcher, finalRead, Producer, type WorkloadContext } from './workload';

export interface ChaosOptions {
  seed: number;
  durationMs: number;
  /** Where history.jsonl, report.json, schedule.txt and server.log go (default chaos-out/<seed>). */
  outDir?: string;
  /**
   * Hot-partition mode (issue 11): one partition, many plain producers (12) and the idempotent
   * one writing to it at once, the server's seal time down to 1.5 s and slow-writer windows in the
   * schedule; no transactional workload unless asked for. Defaults below change with it.
   */
  hotPartition?: boolean;
  producers?: number;
  /** SDK producers with idempotence on: any duplicate of theirs is an anomaly. */
  idempotentProducers?: number;
  partitions?: number;
  fetchers?: number;
  /** Transactional SDK producers (default 3; 0 in hot-partition mode) writing to the transactional topics. */
  txnProducers?: number;
  /** Fetchers of the transactional topics by isolation level (default 2 read_committed, 1 read_uncommitted). */
  txnFetchers?: { committed: number; uncommitted: number };
  /** BROOK_COMMIT_PROTOCOL for the server (default reserve, the server's own default). */
  commitProtocol?: 'reserve' | 'conditional';
  /** BROOK_SEAL_AFTER_MS for the server (default: unset, the server's 10 s; 1500 in hot-partition mode). */
  sealAfterMs?: number;
  /** Switch kinds of scheduled events off. */
  schedule?: Omit<ScheduleOptions, 'fetchers'>;
  log?: (line: string) => void;
  /** Stops the run early (Ctrl-C): cleanup only, no check. */
  signal?: AbortSignal;
}

export interface ChaosResult {
  seed: number;
  ok: boolean;
  report: CheckReport;
  schedule: ScheduleEvent[];
  outDir: string;
  /** The emulators' data folder (deleted at the end); its path names every emulator process. */
  dataDir: string;
  elapsedMs: number;
}

/** How long the end of a run may take at most, per step. */
const QUIESCE_MS = 30_000;
const SETTLE_MS = 30_000;
const CATCH_UP_MS = 30_000;
/** The server's seal time when BROOK_SEAL_AFTER_MS is not set (lib/config.ts). */
const SERVER_SEAL_AFTER_MS = 10_000;
/**
 * A restarted server serves at least MIN_UPTIME_MS, and until it has acknowledged a produce (at
 * most MAX_WAIT_FOR_ACK_MS), before the next kill: on a loaded machine a cold server can take
 * seconds to answer, and back-to-back kills would leave nothing to test but retries.
 */
const MIN_UPTIME_MS = 2_000;
const MAX_WAIT_FOR_ACK_MS = 15_000;

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const started = Date.now();
  const { seed, durationMs } = options;
  const hot = options.hotPartition ?? false;
  const producersCount = options.producers ?? (hot ? 12 : 4);
  const idempotentCount = options.idempotentProducers ?? 1;
  const partitions = options.partitions ?? (hot ? 1 : 3);
  const fetchersCount = options.fetchers ?? 2;
  const txnProducersCount = options.txnProducers ?? (hot ? 0 : 3);
  const txnFetchersCount = options.txnFetchers ?? (txnProducersCount > 0 ? { committed: 2, uncommitted: 1 } : { committed: 0, uncommitted: 0 });
  const txnReaders = txnFetchersCount.committed + txnFetchersCount.uncommitted;
  const withTxns = txnProducersCount > 0 || txnReaders > 0;
  const commitProtocol = options.commitProtocol ?? 'reserve';
  const sealAfterMs = options.sealAfterMs ?? (hot ? 1500 : undefined);
  const log = options.log ?? ((line: string) => console.log(line));
  const outDir = resolve(options.outDir ?? join('chaos-out', String(seed)));
  mkdirSync(outDir, { recursive: true });
  rmSync(join(outDir, 'server.log'), { force: true });

  const schedule = makeSchedule(seed, durationMs, { ...options.schedule, fetchers: fetchersCount, txnFetchers: txnReaders, hotPartition: hot });
  const scheduleText = schedule.map(describeEvent);
  writeFileSync(join(outDir, 'schedule.txt'), scheduleText.join('\n') + '\n');
  log(
    `chaos seed ${seed}${hot ? ' (hot partition)' : ''}: ${durationMs / 1000} s, ${producersCount} producers, ${idempotentCount} idempotent, ${fetchersCount} fetchers, ${partitions} partitions; ` +
      `${txnProducersCount} transactional producers, ${txnFetchersCount.committed} read_committed + ${txnFetchersCount.uncommitted} read_uncommitted fetchers; ` +
      `commit protocol ${commitProtocol}, seal after ${sealAfterMs ?? `${SERVER_SEAL_AFTER_MS} (default)`} ms`,
  );
  log(`schedule (${schedule.length} events):`);
  for (const line of scheduleText) log(`  ${line}`);

  const history = new History();
  const dataDir = mkdtempSync(join(tmpdir(), `brook-chaos-${seed}-`));
  let stack: LocalStack | undefined;
  let server: ServerProcess | undefined;
  const producers: Array<Producer | IdempotentProducer | TxnProducer> = [];
  const txnProducers: TxnProducer[] = [];
  const fetchers: Fetcher[] = [];
  const txnFetchers: TxnFetcher[] = [];
  const giveUp = new AbortController();
  setMaxListeners(500, giveUp.signal); // every producer waits on it (12+ in hot-partition mode)
  const timers = new Set<NodeJS.Timeout>();
  let producing: Promise<unknown> = Promise.resolve();
  let serverOps: Promise<unknown> = Promise.resolve();
  let faultOps: Promise<unknown> = Promise.resolve();

  try {
    history.add({ type: 'phase', phase: 'setup' });
    // The runner's own emulators, never an endpoint from the environment.
    const env = { ...process.env };
    delete env.AWS_ENDPOINT_URL;
    delete env.AWS_ENDPOINT_URL_S3;
    delete env.AWS_ENDPOINT_URL_DYNAMODB;
    stack = await startLocalStack({ dataDir, env });
    const { config } = stack;
    server = new ServerProcess({
      port: await freePort(),
      logFile: join(outDir, 'server.log'),
      env: {
        ...env,
        AWS_ENDPOINT_URL_S3: config.endpoints.s3,
        AWS_ENDPOINT_URL_DYNAMODB: config.endpoints.dynamodb,
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: 'S3RVER',
        AWS_REGION: config.region,
        BROOK_CLUSTER_ID: config.clusterId,
        BROOK_METADATA_TABLE: config.metadataTable,
        BROOK_BATCHES_TABLE: config.batchesTable,
        BROOK_BUCKET: config.bucket,
        BROOK_COMMIT_PROTOCOL: commitProtocol,
        ...(sealAfterMs === undefined ? {} : { BROOK_SEAL_AFTER_MS: String(sealAfterMs) }),
      },
    });
    const srv = server;
    history.add({ type: 'server-start', server: srv.incarnation + 1, pid: await srv.start() });

    const topic = `chaos-${seed}-${Date.now().toString(36)}`;
    // Two topics, so that transactions span topics as well as partitions; three partitions in all
    // (each fetcher polls every one: more would only load a two-core machine).
    const txnTopics = withTxns ? [{ topic: `${topic}-txa`, partitions: 2 }, { topic: `${topic}-txb`, partitions: 1 }] : [];
    const ctx: TxnContext = { history, baseUrl: srv.url, clusterId: config.clusterId, topic, partitions, seed, txnTopics };
    history.add({
      type: 'workload',
      mode: hot ? 'hot-partition' : 'default',
      topic,
      partitions,
      txnTopics,
      commitProtocol,
      sealAfterMs: sealAfterMs ?? SERVER_SEAL_AFTER_MS,
      producers: producersCount,
      idempotentProducers: idempotentCount,
      fetchers: fetchersCount,
      txnProducers: txnProducersCount,
      txnFetchers: txnFetchersCount,
    });
    await createTopic(ctx, topic, partitions);
    for (const t of txnTopics) await createTopic(ctx, t.topic, t.partitions);

    let runStart = 0;
    // Faults live in the server process: the runner keeps the wanted set and re-applies it after a restart.
    // Slow-writer rules (hot-partition mode) come first: a request they hold is not also failed by the window's rules.
    let window: ChaosRule[] = [];
    let slow: ChaosRule[] = [];
    const wantedRules = () => [...slow, ...window];
    const applyFaults = async () => {
      const answer = await http(`${srv.url}${FAULTS_PATH}`, { method: 'PUT', body: { rules: wantedRules() }, timeoutMs: 5_000 }).catch(() => undefined);
      if (answer?.status === 200) history.add({ type: 'faults-hit', server: srv.incarnation, total: answer.json.total });
    };
    // Kills and restarts run one at a time; fault changes too, in their own queue, so that a kill
    // waiting for a slow restart does not hold back the fault schedule.
    const serially = (fn: () => Promise<void>) => (serverOps = serverOps.then(fn, fn));
    const faultsInOrder = (fn: () => Promise<void>) => (faultOps = faultOps.then(fn, fn));
    let running = true;
    let upSince = Date.now();
    let acksAtStart = 0;
    const acks = () => history.counts.get('ack') ?? 0;
    const killAndRestart = async (downMs: number) => {
      await sleep(upSince + MIN_UPTIME_MS - Date.now(), giveUp.signal);
      // (Not for the first server: the first kill comes early, even in an 8 s run.)
      while (running && srv.incarnation > 1 && acks() === acksAtStart && Date.now() < upSince + MAX_WAIT_FOR_ACK_MS) await sleep(50);
      if (!running) return; // kills queued behind a slow restart are dropped at the end of the run
      const stats = await http(`${srv.url}${FAULTS_PATH}`, { timeoutMs: 2_000 }).catch(() => undefined);
      if (stats?.status === 200) history.add({ type: 'faults-hit', server: srv.incarnation, total: stats.json.total });
      const pid = srv.pid!;
      await srv.kill();
      history.add({ type: 'server-kill', server: srv.incarnation, pid });
      log(`  ${((history.now() - runStart) / 1000).toFixed(2)}s  killed the server (pid ${pid})`);
      await sleep(downMs);
      const newPid = await srv.start();
      upSince = Date.now();
      acksAtStart = acks();
      history.add({ type: 'server-start', server: srv.incarnation, pid: newPid });
      if (wantedRules().length > 0) void faultsInOrder(applyFaults);
    };
    const crashFetcher = async (e: Extract<ScheduleEvent, { kind: 'crash-fetcher' }>) => {
      const f = e.pool === 'txn' ? txnFetchers[e.fetcher] : fetchers[e.fetcher];
      if (!f) return;
      if (!f.running) return;
      await f.stop(true);
      await sleep(e.downMs, giveUp.signal);
      if (!giveUp.signal.aborted) f.start(e.restart);
    };

    // Run: workload and schedule.
    history.add({ type: 'phase', phase: 'run' });
    runStart = history.now();
    for (let i = 0; i < producersCount; i++) producers.push(new Producer(ctx, i));
    for (let i = 0; i < idempotentCount; i++) producers.push(new IdempotentProducer(ctx, i));
    for (let i = 0; i < txnProducersCount; i++) txnProducers.push(new TxnProducer(ctx, i));
    producers.push(...txnProducers);
    for (let i = 0; i < fetchersCount; i++) fetchers.push(new Fetcher(ctx, i));
    for (let i = 0; i < txnFetchersCount.committed; i++) txnFetchers.push(new TxnFetcher(ctx, i, 'read_committed'));
    for (let i = 0; i < txnFetchersCount.uncommitted; i++) txnFetchers.push(new TxnFetcher(ctx, i, 'read_uncommitted'));
    producing = Promise.all(producers.map((p) => p.run(giveUp.signal)));
    fetchers.forEach((f) => f.start());
    txnFetchers.forEach((f) => f.start());
    const at = (ms: number, fn: () => void) => {
      const timer = setTimeout(() => (timers.delete(timer), fn()), Math.max(0, runStart + ms - history.now()));
      timers.add(timer);
    };
    const crashes: Promise<void>[] = [];
    for (const e of schedule) {
      if (e.kind === 'faults' || e.kind === 'slow') {
        const set = (rules: ChaosRule[]) => {
          if (e.kind === 'slow') slow = rules;
          else window = rules;
          history.add({ type: 'faults', rules: wantedRules() });
          void faultsInOrder(applyFaults);
        };
        at(e.at, () => set(e.rules));
        at(e.at + e.forMs, () => set([]));
      } else if (e.kind === 'kill') {
        at(e.at, () => void serially(() => killAndRestart(e.downMs)));
      } else {
        at(e.at, () => crashes.push(crashFetcher(e)));
      }
    }
    await sleep(durationMs, options.signal);
    if (options.signal?.aborted) throw new Error('the run was interrupted');

    // Quiesce: no more faults, the server up, producers finish what they have in flight.
    history.add({ type: 'phase', phase: 'quiesce' });
    running = false;
    timers.forEach(clearTimeout);
    timers.clear();
    window = [];
    slow = [];
    history.add({ type: 'faults', rules: [] });
    await serverOps.catch(() => undefined);
    await faultsInOrder(applyFaults);
    if (!srv.running) {
      // A restart that failed during the run gets one more chance; without a server nothing can be checked.
      history.add({ type: 'server-start', server: srv.incarnation + 1, pid: await srv.start() });
      await applyFaults();
    }
    await Promise.all(crashes);
    producers.forEach((p) => p.stop());
    const quiesced = new AbortController();
    await Promise.race([producing, sleep(QUIESCE_MS, quiesced.signal)]);
    quiesced.abort();
    giveUp.abort(); // whatever is still unacknowledged stays of unknown outcome
    await producing;

    // Settle: a new instance of every transactional id completes or aborts what is still open.
    if (txnProducers.length > 0) {
      history.add({ type: 'phase', phase: 'settle' });
      const settling = AbortSignal.timeout(SETTLE_MS);
      await Promise.all(txnProducers.map((p) => p.settle(settling)));
    }

    // Catch-up: every acknowledged record readable (under the reserve protocol a slower writer's
    // range below it may have to be published or sealed first), then the fetchers reach every
    // partition's end (read_committed ones the LSO, which must have come back to the high watermark).
    history.add({ type: 'phase', phase: 'catch-up' });
    fetchers.forEach((f) => f.start('next')); // a fetcher whose crash outlived the run restarts
    txnFetchers.forEach((f) => f.start('next'));
    const stableBy = Date.now() + Math.max(CATCH_UP_MS, 3 * (sealAfterMs ?? SERVER_SEAL_AFTER_MS));
    const acked = ackedEnds(history);
    let hws = await highWatermarks(ctx);
    while (Date.now() < stableBy && hws.some((hw, p) => hw < (acked.get(String(p)) ?? 0))) {
      await sleep(250);
      hws = await highWatermarks(ctx);
    }
    const tps = txnPartitions(ctx);
    let ends = await Promise.all(tps.map((tp) => stableEnd(ctx, tp)));
    const unstable = () => ends.some((e, i) => !e || e.lso < e.hw || e.hw < (acked.get(tpKey(tps[i]!)) ?? 0));
    while (Date.now() < stableBy && unstable()) {
      await sleep(250);
      ends = await Promise.all(tps.map((tp) => stableEnd(ctx, tp)));
    }
    if (unstable()) history.add({ type: 'phase', phase: 'catch-up', note: `transactional partitions not stable: ${JSON.stringify(ends)}` });
    const deadline = Date.now() + CATCH_UP_MS;
    const caughtUp = () =>
      fetchers.every((f) => f.positions.every((o, p) => o >= hws[p]!)) &&
      txnFetchers.every((f) => tps.every((tp, i) => (f.positions.get(tpKey(tp)) ?? 0) >= (ends[i]?.lso ?? 0)));
    while (Date.now() < deadline && !caughtUp()) await sleep(100);
    await Promise.all([...fetchers, ...txnFetchers].map((f) => f.stop()));

    history.add({ type: 'phase', phase: 'final-read' });
    history.add({ type: 'reader-start', reader: 'final', incarnation: 1, from: Object.fromEntries(hws.map((_, p) => [p, 0])), mode: 'initial' });
    for (let p = 0; p < partitions; p++) await finalRead(ctx, p);
    for (const tp of tps) await finalTxnRead(ctx, tp);
    const stats = await http(`${srv.url}${FAULTS_PATH}`, { timeoutMs: 5_000 }).catch(() => undefined);
    if (stats?.status === 200) history.add({ type: 'faults-hit', server: srv.incarnation, total: stats.json.total });
    history.add({ type: 'phase', phase: 'done' });
  } finally {
    timers.forEach(clearTimeout);
    giveUp.abort();
    producers.forEach((p) => p.stop());
    await Promise.all([...fetchers, ...txnFetchers].map((f) => f.stop()));
    await producing.catch(() => undefined);
    txnProducers.forEach((p) => p.close());
    await serverOps.catch(() => undefined);
    await faultOps.catch(() => undefined);
    await server?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    writeFileSync(join(outDir, 'history.jsonl'), history.toJsonl());
  }

  const report = check(history.events);
  writeFileSync(join(outDir, 'report.json'), JSON.stringify({ seed, durationMs, mode: hot ? 'hot-partition' : 'default', producers: producersCount, fetchers: fetchersCount, partitions, txnProducers: txnProducersCount, commitProtocol, sealAfterMs, ...report }, null, 2) + '\n');
  return { seed, ok: report.ok, report, schedule, outDir, dataDir, elapsedMs: Date.now() - started };
}

async function createTopic(ctx: WorkloadContext, topic: string, partitions: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const answer = await http(`${ctx.baseUrl}/v3/clusters/${ctx.clusterId}/topics`, {
      method: 'POST',
      body: { topic_name: topic, partitions_count: partitions },
      timeoutMs: 10_000,
    }).catch((err: Error) => ({ status: 0, text: err.message, json: undefined }));
    // Already there: an earlier attempt created it and its answer was lost (the name is this run's own).
    if (answer.status === 201 || answer.json?.error_name === 'TOPIC_ALREADY_EXISTS') return;
    if (attempt >= 10) throw new Error(`could not create topic ${topic}: ${answer.status} ${answer.text}`);
    await sleep(300);
  }
}

/** Per partition ("p" for the plain topic, "topic/p" for the transactional ones): one past the highest offset acknowledged. */
function ackedEnds(history: History): Map<string, number> {
  const ends = new Map<string, number>();
  const bump = (key: string, offset: number) => ends.set(key, Math.max(ends.get(key) ?? 0, offset + 1));
  for (const e of history.events) {
    if (e.type === 'ack') bump(String(e.partition), e.offset);
    else if (e.type === 'txn-ack' && e.offset >= 0) bump(tpKey(e), e.offset);
  }
  return ends;
}

/** The high watermark each partition of the plain topic has for readers (a fetch's, which is what readers go by). */
async function highWatermarks(ctx: WorkloadContext): Promise<number[]> {
  return Promise.all(
    Array.from({ length: ctx.partitions }, async (_, p) => {
      for (let attempt = 1; ; attempt++) {
        const answer = await http(`${ctx.baseUrl}/v3/clusters/${ctx.clusterId}/topics/${ctx.topic}/partitions/${p}/records?offset=0&max_wait_ms=0&max_bytes=1`, { timeoutMs: 10_000 }).catch(() => undefined);
        if (answer?.status === 200) return Number(answer.json.high_watermark);
        if (attempt >= 20) throw new Error(`could not read the high watermark of partition ${p}`);
        await sleep(250);
      }
    }),
  );
}
