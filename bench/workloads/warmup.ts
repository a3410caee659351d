/**
 * A few seconds of mixed traffic before anything is measured: DynamoDB Local's JVM and Node's JIT
 * start cold, and without this the first cells measured (the 1 KiB ones) pay for it.
 */
import type { BenchEnv } from '../harness';
import { httpOk } from '../http';
import { runLoad } from '../load';
import { producePayload } from '../payload';
import { createTopic } from './common';

export async function warmUp(env: BenchEnv, durationMs: number): Promise<void> {
  const topic = 'bench-warmup';
  const partitions = 4;
  await createTopic(env, topic, partitions);
  const base = `${env.warmUrl}${env.clusterPath}`;
  const payloads = [1024, 64 * 1024].map((requestBytes) => producePayload(topic, { requestBytes, partitions: 1 }));
  // Each worker writes its own partition (no commit conflicts), alternating routes and sizes, and reads back.
  await runLoad({
    concurrency: partitions,
    durationMs,
    minOps: partitions,
    maxOps: 100_000,
    op: async (worker, seq) => {
      const p = payloads[seq % payloads.length]!;
      if (seq % 3 === 0) {
        const entries = (JSON.parse(p.json.toString('utf8')) as { entries: Array<Record<string, unknown>> }).entries.map((e) => ({ ...e, partition_id: worker }));
        await httpOk(`${base}/topics/${topic}/records:batch`, { method: 'POST', body: JSON.stringify({ entries }), headers: { 'content-type': 'application/json' }, scope: 'warmup' });
      } else {
        const body = producePayload(topic, p.shape).binary;
        body.writeInt32BE(worker, 2 + Buffer.byteLength(topic)); // the frame's partition field
        await httpOk(`${base}/batches`, { method: 'POST', body, headers: { 'content-type': 'application/vnd.brook.batches' }, scope: 'warmup' });
      }
      await httpOk(`${base}/topics/${topic}/partitions/${worker}/records?offset=0&max_wait_ms=0`, { headers: { accept: 'application/vnd.kafka.record-batches' }, scope: 'warmup' });
      return 0;
    },
  });
}
