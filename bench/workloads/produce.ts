/**
 * Produce throughput and latency over the matrix request size × partitions × producers, through
 * the HTTP API (JSON records:batch and binary /batches), the SDK when it exists, and the raw
 * baseline, cell after cell with the routes interleaved so drift in the emulators hits all alike.
 */
import type { BenchEnv } from '../harness';
import { httpOk } from '../http';
import { runLoad, type LoadResult } from '../load';
import { producePayload, type ProducePayload } from '../payload';
import { produceBaselineOp, type BaselineStats } from '../baseline';
import type { Progress } from '../progress';
import { createTopic, sizeLabel, type Budget } from './common';
import { sdkProduceOps, setSdkScope, type SdkModule } from './sdk';

export type ProduceRoute = 'json' | 'binary' | 'sdk' | 'baseline';

export interface ProduceCell {
  route: ProduceRoute;
  requestBytes: number;
  partitions: number;
  producers: number;
}

export interface ProduceCellResult extends ProduceCell {
  scope: string;
  topic: string;
  payloadBytes: number;
  recordBytes: number;
  recordsPerRequest: number;
  load: LoadResult;
  /** Baseline only: transactions resent after colliding on a head item. */
  transactionRetries?: number;
}

export const PRODUCE_SIZES = [1024, 64 * 1024, 1024 * 1024];
export const PRODUCE_PARTITIONS = [1, 16];
export const PRODUCE_PRODUCERS = [1, 8];

export const produceScope = (c: ProduceCell) => `produce:${c.route}:${c.requestBytes}:${c.partitions}p:${c.producers}c`;
export const cellLabel = (c: ProduceCell) => `${c.route} ${sizeLabel(c.requestBytes)} ×${c.partitions}p ×${c.producers}c`;

/** Topics holding the binary route's single-partition, single-producer log: the fetch bench reads them. */
export const fetchSourceTopic = (requestBytes: number) => `bench-produce-binary-${requestBytes}-1p-1c`;

export function produceCells(routes: ProduceRoute[]): ProduceCell[] {
  const cells: ProduceCell[] = [];
  for (const requestBytes of PRODUCE_SIZES)
    for (const partitions of PRODUCE_PARTITIONS)
      for (const producers of PRODUCE_PRODUCERS) for (const route of routes) cells.push({ route, requestBytes, partitions, producers });
  return cells;
}

/** One produce request of the cell by producer `worker`, charged to `scope`. */
type Op = (scope: string, worker: number) => Promise<number>;

function brookOp(env: BenchEnv, cell: ProduceCell, topic: string, payload: ProducePayload): Op {
  const base = `${env.warmUrl}${env.clusterPath}`;
  if (cell.route === 'json') {
    const url = `${base}/topics/${topic}/records:batch`;
    return async (scope) => {
      const res = await httpOk(url, { method: 'POST', body: payload.json, headers: { 'content-type': 'application/json' }, scope });
      const answer = JSON.parse(res.body.toString('utf8')) as { successes: unknown[]; failures: Array<{ message?: string }> };
      if (answer.failures.length > 0) throw new Error(`records:batch: ${answer.failures.length} failures, e.g. ${answer.failures[0]?.message}`);
      return payload.payloadBytes;
    };
  }
  const url = `${base}/batches`;
  return async (scope) => {
    const res = await httpOk(url, { method: 'POST', body: payload.binary, headers: { 'content-type': 'application/vnd.brook.batches' }, scope });
    const answer = JSON.parse(res.body.toString('utf8')) as { data: Array<{ error_code: number; error: { message?: string } | null }> };
    const failed = answer.data.find((d) => d.error_code !== 0);
    if (failed) throw new Error(`/batches: error ${failed.error_code}: ${failed.error?.message}`);
    return payload.payloadBytes;
  };
}

export async function runProduceCells(env: BenchEnv, cells: ProduceCell[], budget: Budget, progress: Progress, sdk: SdkModule | undefined): Promise<ProduceCellResult[]> {
  const results: ProduceCellResult[] = [];
  for (const cell of cells) {
    progress.phase(`produce ${cellLabel(cell)}`);
    const scope = produceScope(cell);
    const topic = cell.route === 'baseline' ? '' : `bench-produce-${cell.route}-${cell.requestBytes}-${cell.partitions}p-${cell.producers}c`;
    const payload = producePayload(topic || 'baseline', cell);
    const base = { ...cell, scope, topic, payloadBytes: payload.payloadBytes, recordBytes: payload.recordBytes, recordsPerRequest: payload.recordCount };
    if (topic) await createTopic(env, topic, cell.partitions);
    const stats: BaselineStats = { transactionRetries: 0 };
    let op: Op;
    if (cell.route === 'json' || cell.route === 'binary') {
      op = brookOp(env, cell, topic, payload);
    } else if (cell.route === 'baseline') {
      const raw = produceBaselineOp(env, payload, scope.replace(/:/g, '-'), stats);
      op = (s) => env.accounting.run(s, raw);
    } else {
      const sends = await sdkProduceOps(sdk!, env.warmUrl, topic, payload, cell.producers);
      op = (s, worker) => {
        setSdkScope(s);
        return sends[worker]!();
      };
    }
    // Warm-up (one request per producer: connections, topic cache), charged apart.
    await Promise.all(Array.from({ length: cell.producers }, (_, w) => op('warmup', w)));
    const load = await runLoad({
      concurrency: cell.producers,
      durationMs: budget.produceCellMs,
      minOps: budget.minOps * cell.producers,
      maxOps: budget.maxOps,
      op: (worker) => op(scope, worker),
    });
    setSdkScope('unscoped');
    results.push({ ...base, load, ...(cell.route === 'baseline' ? { transactionRetries: stats.transactionRetries } : {}) });
    progress.tick();
  }
  return results;
}
