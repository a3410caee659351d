/**
 * SDK workloads: the produce matrix through the TypeScript SDK (lib/index.ts, kafkajs-shaped:
 * `new Brook({ url }).producer()`), and a linger sweep that shows what the producer's lingerMs
 * does to request count, cost and latency. The SDK is loaded at run time and only if it is there,
 * so the bench still runs (and says so) where it is missing or broken; the import path is computed
 * so the type checker does not depend on it either.
 *
 * The SDK cannot be handed our scope header per request, so it gets a fetch that adds the scope
 * of the cell running now (cells run one at a time).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCOPE_HEADER } from '../http';
import { runOpenLoop, type LoadResult } from '../load';
import type { ProducePayload } from '../payload';
import type { BenchEnv } from '../harness';
import { createTopic, type Budget } from './common';
import type { Progress } from '../progress';

/** The parts of the SDK the bench drives (kafkajs's names). */
interface SdkProducer {
  connect(): Promise<void>;
  send(record: { topic: string; messages: Array<{ value: Buffer; partition?: number }> }): Promise<unknown>;
  disconnect(): Promise<void>;
}
export interface SdkModule {
  Brook: new (options: { url: string; fetch?: typeof globalThis.fetch }) => { producer(config?: Record<string, unknown>): SdkProducer };
}

const entry = fileURLToPath(new URL('../../lib/index.ts', import.meta.url));

/** The SDK when it is there, or why not. */
export async function loadSdk(): Promise<{ sdk?: SdkModule; status: string }> {
  if (!existsSync(entry)) return { status: 'not landed: lib/index.ts does not exist yet, SDK workloads skipped' };
  try {
    const mod = (await import(entry)) as Partial<SdkModule>;
    if (typeof mod.Brook !== 'function') return { status: 'lib/index.ts exports no Brook class yet, SDK workloads skipped' };
    return { sdk: mod as SdkModule, status: 'present (lib/index.ts)' };
  } catch (err) {
    return { status: `lib/index.ts failed to load (${(err as Error).message.split('\n')[0]}), SDK workloads skipped` };
  }
}

let scope = 'unscoped';
/** Charge the SDK's requests from now on to `s`. */
export const setSdkScope = (s: string) => void (scope = s);

const scopedFetch: typeof globalThis.fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set(SCOPE_HEADER, scope);
  return globalThis.fetch(input, { ...init, headers });
};

const open: SdkProducer[] = [];

async function producer(sdk: SdkModule, url: string, config: Record<string, unknown>): Promise<SdkProducer> {
  const p = new sdk.Brook({ url, fetch: scopedFetch }).producer(config);
  await p.connect();
  open.push(p);
  return p;
}

/**
 * One producer per bench producer, SDK defaults (idempotent) but lingerMs 0, so one send() of the
 * cell's records is one request, as in the HTTP cells.
 */
export async function sdkProduceOps(sdk: SdkModule, url: string, topic: string, payload: ProducePayload, producers: number): Promise<Array<() => Promise<number>>> {
  const messages = payload.values.map((v) => ({ partition: v.partition, value: v.value }));
  return Promise.all(
    Array.from({ length: producers }, async () => {
      const p = await producer(sdk, url, { lingerMs: 0 });
      return async () => {
        await p.send({ topic, messages });
        return payload.payloadBytes;
      };
    }),
  );
}

export const LINGER_MS = [0, 20, 100];
/** Messages per second offered in the linger sweep: 1 KiB each, one send() per message, not awaited in turn. */
export const LINGER_RATE = 100;

export interface LingerResult {
  lingerMs: number;
  scope: string;
  offeredPerSec: number;
  load: LoadResult;
  /** HTTP requests the SDK made per message sent. */
  requestsPerMessage: number;
}

/**
 * The lever a producer has: 1 KiB messages offered at a steady rate, each its own send(), with
 * lingerMs 0 / 20 / 100. Longer linger → more messages per request → fewer PUTs, commits and
 * gateway requests per GiB, for up to lingerMs more latency.
 */
export async function runLingerSweep(env: BenchEnv, sdk: SdkModule, budget: Budget, progress: Progress): Promise<LingerResult[]> {
  const results: LingerResult[] = [];
  const value = Buffer.alloc(1024, 7);
  for (const lingerMs of LINGER_MS) {
    progress.phase(`SDK linger ${lingerMs} ms`);
    const topic = `bench-sdk-linger-${lingerMs}`;
    const s = `sdk-linger:${lingerMs}`;
    await createTopic(env, topic, 1);
    setSdkScope('warmup');
    const p = await producer(sdk, env.warmUrl, { lingerMs });
    await p.send({ topic, messages: [{ value }] });
    setSdkScope(s);
    // Open loop: a message every 1/rate s whatever the answers do; each send's latency is its own.
    const load = await runOpenLoop({
      count: Math.max(50, Math.round((budget.produceCellMs / 1000) * LINGER_RATE)),
      intervalMs: 1000 / LINGER_RATE,
      op: async () => {
        await p.send({ topic, messages: [{ value }] });
        return value.length;
      },
    });
    const requests = env.accounting.stats(s).http.requests;
    results.push({ lingerMs, scope: s, offeredPerSec: LINGER_RATE, load, requestsPerMessage: requests / Math.max(1, load.ops) });
    progress.tick();
  }
  setSdkScope('unscoped');
  return results;
}

export async function closeSdk(): Promise<void> {
  await Promise.all(open.splice(0).map((p) => p.disconnect().catch(() => undefined)));
}
