/**
 * End-to-end latency: a producer sends one 1 KiB record at a time, at random gaps, through the
 * binary route; a fetcher long-polls the log end (max_wait_ms 20 s) and notes when each record
 * arrives. The latency is arrival minus the moment the produce request was sent, so it includes
 * the produce itself and the long poll's head re-read backoff (20 → 250 ms).
 */
import { performance } from 'node:perf_hooks';
import { encodeFrames } from '../../lib/http/batch-frames';
import { decodeRecordBatch, encodeRecordBatch, splitBatches } from '../../lib/log/record-batch';
import type { BenchEnv } from '../harness';
import { httpOk } from '../http';
import { summarize, type LatencySummary } from '../stats';
import { createTopic, type Budget } from './common';

export interface E2EResult {
  samples: number;
  endToEndMs: LatencySummary;
  /** The producer's own acknowledgement latency over the same records. */
  produceAckMs: LatencySummary;
  /** Fetch answers that came back empty (the wait ended with nothing new). */
  emptyPolls: number;
}

export const E2E_TOPIC = 'bench-e2e';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runEndToEnd(env: BenchEnv, budget: Budget): Promise<E2EResult> {
  await createTopic(env, E2E_TOPIC, 1);
  const base = `${env.warmUrl}${env.clusterPath}`;
  const sentAt = new Map<number, number>();
  const e2e: number[] = [];
  const acks: number[] = [];
  let emptyPolls = 0;
  const STOP = -1;

  const fetcher = (async () => {
    let offset = 0;
    for (;;) {
      const res = await httpOk(`${base}/topics/${E2E_TOPIC}/partitions/0/records?offset=${offset}&max_wait_ms=20000`, {
        headers: { accept: 'application/vnd.kafka.record-batches' },
        scope: 'e2e:fetch',
      });
      const now = performance.now();
      if (res.body.length === 0) emptyPolls++;
      for (const { start, header } of splitBatches(res.body)) {
        for (const r of decodeRecordBatch(res.body.subarray(start, start + header.sizeInBytes)).records) {
          if (r.offset < offset) continue;
          const seq = r.value!.readInt32BE(0);
          if (seq === STOP) return;
          e2e.push(now - sentAt.get(seq)!);
          offset = r.offset + 1;
        }
      }
    }
  })();

  const send = async (seq: number) => {
    const value = Buffer.alloc(1024);
    value.writeInt32BE(seq, 0);
    const body = encodeFrames([{ topic: E2E_TOPIC, partition: 0, batches: encodeRecordBatch([{ key: null, value, headers: [], timestamp: Date.now() }]) }]);
    const t0 = performance.now();
    sentAt.set(seq, t0);
    await httpOk(`${base}/batches`, { method: 'POST', body, headers: { 'content-type': 'application/vnd.brook.batches' }, scope: 'e2e:produce' });
    acks.push(performance.now() - t0);
  };

  // Let the fetcher reach its long poll before the first record.
  await sleep(300);
  for (let seq = 0; seq < budget.e2eSamples; seq++) {
    await sleep(50 + Math.random() * 350);
    await send(seq);
  }
  await sleep(500);
  await send(STOP);
  await fetcher;
  return { samples: e2e.length, endToEndMs: summarize(e2e), produceAckMs: summarize(acks.slice(0, budget.e2eSamples)), emptyPolls };
}
