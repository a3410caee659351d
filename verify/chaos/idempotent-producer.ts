/**
 * An idempotent producer of the workload: the SDK's producer (lib/client) with idempotence on,
 * sending unique values to chosen partitions. Its retries keep producer id, epoch and sequence
 * numbers, so every copy the log holds beyond one is an anomaly (the checker flags duplicates of
 * `idempotent: true` sends). If the SDK gives up (its retries outlast a server restart rarely),
 * the outcome is unknown and the records are not sent again: a new send would be a new record.
 */
import { Brook } from '../../lib/client/brook';
import { partitionForKey } from '../../lib/log/partitioner';
import type { Producer as SdkProducer } from '../../lib/client/producer/producer';
import type { History } from './history';
import { sleep } from './http';
import { chance, int, stream, type Rng } from './prng';
import type { WorkloadContext } from './workload';

export class IdempotentProducer {
  readonly name: string;
  private readonly rng: Rng;
  private n = 0;
  private ops = 0;
  private stopping = false;
  private readonly producer: SdkProducer;

  constructor(
    private readonly ctx: WorkloadContext,
    index: number,
  ) {
    this.name = `i${index}`;
    this.rng = stream(ctx.seed, `idempotent-producer-${index}`);
    const brook = new Brook({ url: ctx.baseUrl, clusterId: ctx.clusterId, logger: { error() {}, warn() {}, info() {}, debug() {} } });
    // Retries long enough to outlast a kill -9 and restart of the server.
    this.producer = brook.producer({ idempotent: true, lingerMs: 5, retry: { retries: 40, maxRetryTime: 60_000, initialRetryTime: 100 } });
  }

  async run(giveUp: AbortSignal): Promise<void> {
    const history: History = this.ctx.history;
    while (!giveUp.aborted) {
      try {
        await this.producer.connect();
        break;
      } catch {
        await sleep(200, giveUp);
      }
    }
    while (!this.stopping && !giveUp.aborted) {
      const op = `${this.name}-op${this.ops++}`;
      const records = Array.from({ length: int(this.rng, 1, 6) }, () => {
        const key = chance(this.rng, 0.5) ? `k${int(this.rng, 0, 15)}` : null;
        // Keyed records where murmur2 puts them (the checker holds keys to one partition).
        const partition = key === null ? int(this.rng, 0, this.ctx.partitions - 1) : partitionForKey(Buffer.from(key), this.ctx.partitions);
        return { value: `s${this.ctx.seed}-${this.name}-${this.n++}`, key, partition };
      });
      history.add({ type: 'send', producer: this.name, op, attempt: 1, idempotent: true, api: 'sdk', records: records.map(({ value, key }) => ({ value, key })) });
      try {
        const sending = this.producer.send({ topic: this.ctx.topic, messages: records.map((r) => ({ key: r.key, value: r.value, partition: r.partition })) });
        sending.catch(() => undefined);
        // At the end of the run the send is abandoned: its outcome stays unknown.
        let onAbort = () => {};
        const aborted = new Promise<never>((_, reject) => giveUp.addEventListener('abort', (onAbort = () => reject(new Error('run ended'))), { once: true }));
        aborted.catch(() => undefined);
        const meta = await Promise.race([sending, aborted]).finally(() => giveUp.removeEventListener('abort', onAbort));
        // A send's records of one partition are one batch, in order, from that partition's offset.
        const seen = new Map<number, number>();
        for (const r of records) {
          const index = seen.get(r.partition) ?? 0;
          seen.set(r.partition, index + 1);
          const base = Number(meta.find((m) => m.partition === r.partition)!.offset);
          history.add({ type: 'ack', producer: this.name, op, attempt: 1, value: r.value, partition: r.partition, offset: base + index });
        }
      } catch (err) {
        history.add({ type: 'fail', producer: this.name, op, attempt: 1, values: records.map((r) => r.value), kind: 'network', message: (err as Error).message });
      }
      await sleep(int(this.rng, 0, 30), giveUp);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.producer.disconnect().catch(() => undefined);
  }
}
