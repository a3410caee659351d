/**
 * Closed-loop load: `concurrency` workers each issue one operation after another until the time
 * budget is spent (but at least minOps in all, at most maxOps). Throughput is payload bytes over
 * wall time; latency is each operation's own time.
 */
import { performance } from 'node:perf_hooks';
import { MiB } from './cost';
import { summarize, type LatencySummary } from './stats';

export interface LoadOptions {
  concurrency: number;
  durationMs: number;
  minOps: number;
  maxOps: number;
  /** One operation; answers the payload bytes it moved. */
  op: (worker: number, seq: number) => Promise<number>;
  onOp?: () => void;
}

export interface LoadResult {
  ops: number;
  bytes: number;
  elapsedMs: number;
  mibPerSec: number;
  opsPerSec: number;
  latencyMs: LatencySummary;
  errors: number;
  firstError?: string;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let started = 0;
  let bytes = 0;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const more = () => started < o.maxOps && (started < o.minOps || performance.now() - t0 < o.durationMs);
  await Promise.all(
    Array.from({ length: o.concurrency }, async (_, worker) => {
      while (more()) {
        const seq = started++;
        const s = performance.now();
        try {
          const moved = await o.op(worker, seq); // not `bytes += await …`: that reads bytes before the await
          bytes += moved;
          latencies.push(performance.now() - s);
        } catch (err) {
          errors++;
          firstError ??= (err as Error).message;
          // A failing workload must not spin: give up after a few errors and report them.
          if (errors >= 5 && errors > latencies.length) return;
        }
        o.onOp?.();
      }
    }),
  );
  const elapsedMs = performance.now() - t0;
  return {
    ops: latencies.length,
    bytes,
    elapsedMs,
    mibPerSec: bytes / MiB / (elapsedMs / 1000),
    opsPerSec: latencies.length / (elapsedMs / 1000),
    latencyMs: summarize(latencies),
    errors,
    firstError,
  };
}

/**
 * Open-loop load: `count` operations started every `intervalMs` whatever the earlier ones do
 * (a producer fed by traffic, not by its own answers). Latency is each operation's own time.
 */
export async function runOpenLoop(o: { count: number; intervalMs: number; op: (seq: number) => Promise<number> }): Promise<LoadResult> {
  const latencies: number[] = [];
  let bytes = 0;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: o.count }, async (_, seq) => {
      await new Promise((r) => setTimeout(r, seq * o.intervalMs));
      const s = performance.now();
      try {
        const moved = await o.op(seq);
        bytes += moved;
        latencies.push(performance.now() - s);
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
    }),
  );
  const elapsedMs = performance.now() - t0;
  return {
    ops: latencies.length,
    bytes,
    elapsedMs,
    mibPerSec: bytes / MiB / (elapsedMs / 1000),
    opsPerSec: latencies.length / (elapsedMs / 1000),
    latencyMs: summarize(latencies),
    errors,
    firstError,
  };
}
