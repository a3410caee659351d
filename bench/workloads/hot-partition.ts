/**
 * Hot partition (issue 11, docs/rfcs/0003-hot-partitions.md): many producers on ONE partition,
 * both commit protocols side by side in the same run — `conditional` (the head-conditional
 * transaction) and `reserve` (reserve-then-publish).
 *
 * Two brokers share the bench's counted AWS clients and differ only in `config.commitProtocol`;
 * the workload calls `produce()` (lib/broker/produce.ts, what both produce routes call) directly,
 * without the HTTP hop: what differs between the protocols is the commit, and on two shared cores
 * the HTTP server's parsing and framing would only add the same CPU noise to both (the HTTP path
 * is measured by the produce workload). Each request is one binary-encoded batch (1 KiB records),
 * non-idempotent, like the produce workload's binary cells.
 *
 * Every shape (request size × producers) runs in rounds, the protocols' order alternating
 * (A B, B A, A B, …), so drift in the emulators (DynamoDB Local's JVM, s3rver's disk) hits both
 * alike. Each protocol has its own topic per shape; requests are charged to a scope per protocol
 * and shape, so the request counts per commit are the commit protocol's own.
 */
import { performance } from 'node:perf_hooks';
import { createClients } from '../../lib/aws/clients';
import { createBroker, type Broker } from '../../lib/broker/context';
import { produce } from '../../lib/broker/produce';
import type { CommitProtocol } from '../../lib/config';
import type { BenchEnv } from '../harness';
import { MiB } from '../cost';
import { addLatency, type LatencyModel } from '../latency';
import { runLoad, type LoadResult } from '../load';
import { producePayload, type ProducePayload } from '../payload';
import type { Progress } from '../progress';
import { summarize } from '../stats';
import { createTopic, sizeLabel } from './common';

/** Old first: the baseline of each comparison. */
export const HOT_PROTOCOLS: CommitProtocol[] = ['conditional', 'reserve'];
export const HOT_PRODUCERS = [1, 8, 32];
export const HOT_SIZES = [1024, 64 * 1024];

export interface HotPartitionPlan {
  /** Time per protocol per round; the round's in-flight requests finish after it (as in runLoad). */
  roundMs: number;
  /** Rounds per shape, protocol order alternating; an even number gives each protocol each slot equally often. */
  rounds: number;
  /** At least this many requests per producer per round. */
  minOpsPerProducer: number;
  /** At most this many requests per round. */
  maxOpsPerRound: number;
}

export interface HotPartitionCell {
  protocol: CommitProtocol;
  producers: number;
  requestBytes: number;
  /** The pass with modeled AWS round trips (bench/latency.ts); none on the bare emulators. */
  latency?: string;
}

export interface HotPartitionResult extends HotPartitionCell {
  scope: string;
  topic: string;
  payloadBytes: number;
  recordBytes: number;
  recordsPerRequest: number;
  rounds: number;
  /** All rounds merged: ops are acknowledged produce requests (commits), time is the rounds' summed wall time. */
  load: LoadResult;
  /**
   * Commits acknowledged per producer, all rounds: how fairly the protocol shares the partition.
   * Under an unfair one a few producers win most commits and the rest wait, which flatters p50
   * (most commits are the winners') and shows in p99 and the mean.
   */
  commitsPerProducer: number[];
}

/** '' on the emulators as they are; the latency model's suffix in its pass. */
const modelTag = (c: HotPartitionCell) => (c.latency ? '-aws' : '');
export const hotScope = (c: HotPartitionCell) => `hot-partition${modelTag(c)}:${c.protocol}:${c.requestBytes}:${c.producers}c`;
export const hotTopic = (c: HotPartitionCell) => `bench-hot${modelTag(c)}-${c.protocol}-${c.requestBytes}-${c.producers}c`;
export const hotLabel = (c: HotPartitionCell) => `${c.protocol} ${sizeLabel(c.requestBytes)} ×${c.producers}c${c.latency ? ' (modeled AWS latency)' : ''}`;

const WARMUP_REQUESTS = 8;

/** How many progress ticks the workload makes: one per shape. */
export const hotPartitionTicks = () => 2 * HOT_SIZES.length * HOT_PRODUCERS.length; // bare and modeled latency

/** One produce request of one batch to partition 0; a partition error is the request's error. */
function produceOp(broker: Broker, topic: string, payload: ProducePayload): () => Promise<number> {
  const parts = [{ topic, partition: 0, batches: payload.segment }];
  return async () => {
    const [result] = await produce(broker, parts);
    if (!result) throw new Error('produce answered no partition');
    if (result.error) throw new Error(`${result.error.errorName}: ${result.error.message}`);
    return payload.payloadBytes;
  };
}

/** Rounds' results merged: counts and times summed, latencies pooled. */
function merge(rounds: Array<{ load: LoadResult; latencies: number[] }>): LoadResult {
  const ops = rounds.reduce((n, r) => n + r.load.ops, 0);
  const bytes = rounds.reduce((n, r) => n + r.load.bytes, 0);
  const elapsedMs = rounds.reduce((n, r) => n + r.load.elapsedMs, 0);
  const errors = rounds.reduce((n, r) => n + r.load.errors, 0);
  const seconds = elapsedMs / 1000;
  return {
    ops,
    bytes,
    elapsedMs,
    mibPerSec: seconds > 0 ? bytes / MiB / seconds : NaN,
    opsPerSec: seconds > 0 ? ops / seconds : NaN,
    latencyMs: summarize(rounds.flatMap((r) => r.latencies)),
    errors,
    firstError: rounds.find((r) => r.load.firstError)?.load.firstError,
  };
}

export async function runHotPartition(env: BenchEnv, plan: HotPartitionPlan, progress: Progress, latency?: LatencyModel): Promise<HotPartitionResult[]> {
  // The latency pass gets clients of its own (counted like the others) with the model's round trips.
  const clients = latency ? createClients(env.config) : env.clients;
  if (latency) {
    addLatency(clients, latency);
    env.accounting.attach(clients);
  }
  const brokers = new Map(HOT_PROTOCOLS.map((protocol) => [protocol, createBroker({ ...env.config, commitProtocol: protocol }, clients)]));
  const results: HotPartitionResult[] = [];
  for (const requestBytes of HOT_SIZES) {
    for (const producers of HOT_PRODUCERS) {
      const cells = HOT_PROTOCOLS.map((protocol) => {
        const cell: HotPartitionCell = { protocol, producers, requestBytes, ...(latency ? { latency: latency.name } : {}) };
        const topic = hotTopic(cell);
        const payload = producePayload(topic, { requestBytes, partitions: 1 });
        return {
          cell,
          topic,
          payload,
          scope: hotScope(cell),
          op: produceOp(brokers.get(protocol)!, topic, payload),
          rounds: [] as Array<{ load: LoadResult; latencies: number[] }>,
          perProducer: new Array<number>(producers).fill(0),
        };
      });
      progress.phase(`hot partition ${sizeLabel(requestBytes)} ×${producers}c${latency ? ' (modeled AWS latency)' : ''}: creating topics, warming up`);
      for (const c of cells) await createTopic(env, c.topic, 1);
      // Warm-up, charged apart: each broker's topic cache and connections, one request per
      // producer and at least WARMUP_REQUESTS in all (the single-producer cells judge p50). Not
      // measured, so a failure here (a commit giving up under contention) is not the run's end.
      for (const c of cells) {
        for (let sent = 0; sent < Math.max(producers, WARMUP_REQUESTS); sent += producers) {
          await env.accounting.run('warmup', () => Promise.all(Array.from({ length: producers }, () => c.op().catch(() => 0))));
        }
      }
      for (let round = 0; round < plan.rounds; round++) {
        for (const c of round % 2 === 0 ? cells : [...cells].reverse()) {
          progress.phase(`hot partition ${hotLabel(c.cell)}, round ${round + 1}/${plan.rounds}`);
          const latencies: number[] = [];
          const load = await runLoad({
            concurrency: producers,
            durationMs: plan.roundMs,
            minOps: plan.minOpsPerProducer * producers,
            maxOps: plan.maxOpsPerRound,
            op: (worker) =>
              env.accounting.run(c.scope, async () => {
                const t0 = performance.now();
                const moved = await c.op();
                latencies.push(performance.now() - t0);
                c.perProducer[worker]!++;
                return moved;
              }),
          });
          c.rounds.push({ load, latencies });
        }
      }
      for (const c of cells) {
        results.push({
          ...c.cell,
          scope: c.scope,
          topic: c.topic,
          payloadBytes: c.payload.payloadBytes,
          recordBytes: c.payload.recordBytes,
          recordsPerRequest: c.payload.recordCount,
          rounds: c.rounds.length,
          load: merge(c.rounds),
          commitsPerProducer: c.perProducer,
        });
      }
      progress.tick();
    }
  }
  if (latency) clients.dynamodb.destroy(), clients.s3.destroy();
  return results;
}
