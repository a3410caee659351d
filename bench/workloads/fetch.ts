/**
 * Fetch throughput and latency over the logs the produce bench wrote (binary route, 1 partition,
 * one object per request of 1 KiB / 64 KiB / 1 MiB), read from offset 0 in Brook's own fetch steps
 * (max_bytes 1 MiB): warm (long-lived broker), cold (a new broker and clients per request, as in a
 * fresh Lambda container) and raw (the same ranged GETs straight to S3). Every Brook answer is
 * checked to be exactly the bytes the index says, so a wrong answer is an error, not a fast one.
 */
import type { BenchEnv } from '../harness';
import { httpOk } from '../http';
import { runLoad, type LoadResult } from '../load';
import { planFetches, rawFetchOp, type FetchStep } from '../baseline';
import type { Progress } from '../progress';
import { sizeLabel, topicIdOf, type Budget } from './common';
import { fetchSourceTopic } from './produce';

export type FetchMode = 'warm' | 'cold' | 'raw';

export interface FetchCellResult {
  mode: FetchMode;
  objectBytes: number;
  consumers: number;
  scope: string;
  topic: string;
  steps: number;
  /** Average distinct S3 objects a fetch spans. */
  objectsPerFetch: number;
  load: LoadResult;
}

export const FETCH_MODES: FetchMode[] = ['warm', 'cold', 'raw'];
export const FETCH_CONSUMERS = [1, 8];
export const FETCH_MAX_BYTES = 1024 * 1024;

export const fetchScope = (mode: FetchMode, objectBytes: number, consumers: number) => `fetch:${mode}:${objectBytes}:${consumers}c`;

function brookFetchOp(env: BenchEnv, url: string, topic: string, step: FetchStep): (scope: string) => Promise<number> {
  const path = `${url}${env.clusterPath}/topics/${topic}/partitions/0/records?offset=${step.offset}&max_bytes=${FETCH_MAX_BYTES}&max_wait_ms=0`;
  return async (scope) => {
    const res = await httpOk(path, { headers: { accept: 'application/vnd.kafka.record-batches' }, scope });
    if (res.body.length !== step.bytes) throw new Error(`fetch at offset ${step.offset} answered ${res.body.length} bytes; the index holds ${step.bytes}`);
    return res.body.length;
  };
}

export async function runFetchCells(env: BenchEnv, sizes: number[], budget: Budget, progress: Progress, consumerCounts = FETCH_CONSUMERS): Promise<FetchCellResult[]> {
  const results: FetchCellResult[] = [];
  for (const objectBytes of sizes) {
    const topic = fetchSourceTopic(objectBytes);
    const topicId = await topicIdOf(env, topic);
    const plan = await env.accounting.run('setup', () => planFetches(env, topicId, 0, FETCH_MAX_BYTES));
    const objectsPerFetch = plan.reduce((n, s) => n + new Set(s.entries.map((e) => e.objectKey)).size, 0) / plan.length;
    for (const consumers of consumerCounts) {
      for (const mode of FETCH_MODES) {
        progress.phase(`fetch ${mode} ${sizeLabel(objectBytes)} objects ×${consumers}c`);
        const scope = fetchScope(mode, objectBytes, consumers);
        const ops = plan.map((step) => {
          if (mode === 'raw') {
            const raw = rawFetchOp(env, step);
            return (s: string) => env.accounting.run(s, raw);
          }
          return brookFetchOp(env, mode === 'warm' ? env.warmUrl : env.coldUrl, topic, step);
        });
        // Each consumer starts at its own place in the log and reads on from there.
        const start = (worker: number) => Math.floor((worker * plan.length) / consumers);
        const next = new Array<number>(consumers).fill(0);
        await Promise.all(Array.from({ length: consumers }, (_, w) => ops[start(w) % ops.length]!('warmup')));
        const load = await runLoad({
          concurrency: consumers,
          durationMs: budget.fetchCellMs,
          minOps: budget.minOps * consumers,
          maxOps: budget.maxOps,
          op: (worker) => ops[(start(worker) + next[worker]!++) % ops.length]!(scope),
        });
        results.push({ mode, objectBytes, consumers, scope, topic, steps: plan.length, objectsPerFetch, load });
        progress.tick();
      }
    }
  }
  return results;
}
