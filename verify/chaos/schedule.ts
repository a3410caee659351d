/**
 * The seeded fault schedule: when faults are switched on in the server (and for how long), when
 * the server is killed with SIGKILL, when fetchers crash. Same seed and duration, same schedule.
 * Each kind of event draws from its own PRNG stream.
 */
import { chance, int, pick, stream, weighted, type Rng } from './prng';

export type ChaosFaultMode = 'fail-before' | 'fail-after' | 'throttle' | 'delay';

/** A FaultRule of lib/aws/faults.ts in JSON form: `times: "all"` stands for Infinity. */
export interface ChaosRule {
  service: 's3' | 'dynamodb';
  command: string;
  mode: ChaosFaultMode;
  times: number | 'all';
  delayMs?: number;
}

export type RestartMode = 'zero' | 'last' | 'next';

export type ScheduleEvent =
  | { at: number; kind: 'faults'; rules: ChaosRule[]; forMs: number }
  /**
   * Hot-partition mode: slow and lost DynamoDB writes, in force beside (and before) the fault
   * window's rules: commits slower than the seal time, reservations whose reply is lost.
   */
  | { at: number; kind: 'slow'; rules: ChaosRule[]; forMs: number }
  | { at: number; kind: 'kill'; downMs: number }
  /** `pool: 'txn'`: one of the fetchers of the transactional topics (read_committed first, then read_uncommitted). */
  | { at: number; kind: 'crash-fetcher'; fetcher: number; downMs: number; restart: RestartMode; pool?: 'txn' };

export interface ScheduleOptions {
  fetchers: number;
  /** Fetchers of the transactional topics (their crashes draw from their own stream). */
  txnFetchers?: number;
  /** Hot-partition mode: add the slow-writer windows (their own stream). */
  hotPartition?: boolean;
  /** Turn kinds of events off (tests of one fault kind, or a run without kills). */
  kills?: boolean;
  faults?: boolean;
  fetcherCrashes?: boolean;
}

/** A publish: a plain producer's conditional PutItem or an idempotent or transactional one's TransactWriteItems. */
const PUBLISH = ['PutItem', 'TransactWriteItems'] as const;

/**
 * Slow writers for the hot-partition mode (the server's seal time is 1.5 s there): a publish
 * (PutItem or TransactWriteItems) held for 2–4.5 s outlives it, so readers seal the writer's range and its
 * late publish must be refused; a lost UpdateItem reply leaks a reserved range that only sealing
 * closes; a window where every commit takes up to 1.4 s has writers finishing around the seal time.
 */
const SLOW: ReadonlyArray<readonly [number, (rng: Rng) => ChaosRule]> = [
  [6, (r) => ({ service: 'dynamodb', command: pick(r, PUBLISH), mode: 'delay', times: int(r, 1, 3), delayMs: int(r, 2000, 4500) })],
  [2, (r) => ({ service: 'dynamodb', command: 'UpdateItem', mode: 'fail-after', times: int(r, 1, 2) })],
  [2, (r) => ({ service: 'dynamodb', command: pick(r, PUBLISH), mode: 'delay', times: 'all', delayMs: int(r, 300, 1400) })],
];

const times = (rng: Rng, lo: number, hi: number): number | 'all' => (chance(rng, 0.3) ? 'all' : int(rng, lo, hi));

/** The fault catalogue: each entry draws one rule. */
const CATALOGUE: ReadonlyArray<readonly [number, (rng: Rng) => ChaosRule]> = [
  // Errors before the request is sent: nothing was applied.
  [3, (r) => ({ service: 's3', command: 'PutObject', mode: 'fail-before', times: times(r, 1, 6) })],
  [2, (r) => ({ service: 's3', command: 'GetObject', mode: 'fail-before', times: times(r, 1, 6) })],
  [3, (r) => ({ service: 'dynamodb', command: pick(r, PUBLISH), mode: 'fail-before', times: times(r, 1, 8) })],
  [2, (r) => ({ service: 'dynamodb', command: 'GetItem', mode: 'fail-before', times: times(r, 1, 6) })],
  [2, (r) => ({ service: 'dynamodb', command: 'Query', mode: 'fail-before', times: times(r, 1, 6) })],
  // Applied, reply lost: the case that only idempotent resends survive without duplicates.
  [4, (r) => ({ service: 'dynamodb', command: pick(r, PUBLISH), mode: 'fail-after', times: times(r, 1, 8) })],
  [2, (r) => ({ service: 'dynamodb', command: 'UpdateItem', mode: 'fail-after', times: times(r, 1, 4) })],
  [2, (r) => ({ service: 's3', command: 'PutObject', mode: 'fail-after', times: times(r, 1, 6) })],
  // Throttles.
  [2, (r) => ({ service: 'dynamodb', command: pick(r, ['*', 'TransactWriteItems', 'PutItem', 'UpdateItem', 'GetItem']), mode: 'throttle', times: times(r, 1, 10) })],
  [1, (r) => ({ service: 's3', command: pick(r, ['*', 'PutObject', 'GetObject']), mode: 'throttle', times: times(r, 1, 10) })],
  // Latency.
  [3, (r) => ({ service: pick(r, ['s3', 'dynamodb'] as const), command: '*', mode: 'delay', times: 'all', delayMs: int(r, 20, 600) })],
  [2, (r) => ({ service: 'dynamodb', command: pick(r, PUBLISH), mode: 'delay', times: 'all', delayMs: int(r, 100, 1500) })],
];

export function makeSchedule(seed: number, durationMs: number, options: ScheduleOptions): ScheduleEvent[] {
  const events: ScheduleEvent[] = [];
  // Nothing new starts in the last half second: the run is ending.
  const end = durationMs - 500;

  if (options.faults !== false) {
    const rng = stream(seed, 'faults');
    // One window at a time (rules are replaced as a set), sometimes two rules at once.
    for (let at = int(rng, 200, 800); at < end; ) {
      const forMs = int(rng, 300, 2500);
      const rules = [weighted(rng, CATALOGUE)(rng)];
      if (chance(rng, 0.25)) rules.push(weighted(rng, CATALOGUE)(rng));
      events.push({ at, kind: 'faults', rules, forMs: Math.min(forMs, end - at) });
      at += forMs + int(rng, 100, 1500);
    }
  }

  if (options.kills !== false) {
    const rng = stream(seed, 'kills');
    // The first kill comes early enough that even an 8 s run has one.
    for (let at = int(rng, Math.min(1500, durationMs * 0.2), Math.min(4000, durationMs * 0.45)); at < end; at += int(rng, 3000, 9000)) {
      events.push({ at, kind: 'kill', downMs: int(rng, 50, 1200) });
    }
  }

  if (options.fetcherCrashes !== false && options.fetchers > 0) {
    const rng = stream(seed, 'fetchers');
    for (let at = int(rng, 500, 3000); at < end; at += int(rng, 1000, 5000)) {
      events.push({ at, kind: 'crash-fetcher', fetcher: int(rng, 0, options.fetchers - 1), downMs: int(rng, 0, 800), restart: pick(rng, ['zero', 'last', 'next'] as const) });
    }
  }

  // Streams added later draw from lanes of their own: the events above stay as they were per seed.
  const txnFetchers = options.txnFetchers ?? 0;
  if (options.fetcherCrashes !== false && txnFetchers > 0) {
    const rng = stream(seed, 'txn-fetchers');
    for (let at = int(rng, 800, 3500); at < end; at += int(rng, 1500, 6000)) {
      events.push({ at, kind: 'crash-fetcher', pool: 'txn', fetcher: int(rng, 0, txnFetchers - 1), downMs: int(rng, 0, 800), restart: pick(rng, ['zero', 'last', 'next'] as const) });
    }
  }

  if (options.hotPartition && options.faults !== false) {
    const rng = stream(seed, 'hot-partition');
    for (let at = int(rng, 300, 1000); at < end; ) {
      const forMs = int(rng, 400, 2000);
      events.push({ at, kind: 'slow', rules: [weighted(rng, SLOW)(rng)], forMs: Math.min(forMs, end - at) });
      at += forMs + int(rng, 500, 2500);
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

export function describeRule(r: ChaosRule): string {
  const n = r.times === 'all' ? 'all' : `${r.times}x`;
  return `${r.service}:${r.command} ${r.mode}${r.mode === 'delay' ? ` ${r.delayMs}ms` : ''} (${n})`;
}

export function describeEvent(e: ScheduleEvent): string {
  const at = `${(e.at / 1000).toFixed(2).padStart(6)}s`;
  switch (e.kind) {
    case 'faults':
      return `${at}  faults for ${e.forMs} ms: ${e.rules.map(describeRule).join(' + ')}`;
    case 'slow':
      return `${at}  slow writers for ${e.forMs} ms: ${e.rules.map(describeRule).join(' + ')}`;
    case 'kill':
      return `${at}  kill -9 the server, restart after ${e.downMs} ms`;
    case 'crash-fetcher':
      return `${at}  crash fetcher ${e.pool === 'txn' ? `txn#${e.fetcher}` : `f${e.fetcher}`}, restart after ${e.downMs} ms from ${e.restart === 'zero' ? 'offset 0' : e.restart === 'last' ? 'its last seen offset' : 'after its last seen offset'}`;
  }
}
