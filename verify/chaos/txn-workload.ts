/**
 * The transactional part of the workload (issue 10): transactional producers (the SDK's
 * producer.transaction(), kafkajs's shape) writing unique values to several partitions of the
 * transactional topics and committing or aborting at random, and fetchers reading those topics
 * with isolation levels read_committed and read_uncommitted. As everywhere in the workload, they
 * only record what they did and saw; docs/TESTING.md and txn-checker.ts say what is checked.
 *
 * A transaction's fate is drawn from the producer's own seeded stream:
 *   commit  all sends acknowledged, then tx.commit()
 *   abort   tx.abort()
 *   crash   the instance is dropped mid-transaction (no EndTxn); the next instance's
 *           InitProducerId fences it and aborts the open transaction
 *   zombie  as crash, but once the new instance is up the old one calls tx.commit(): it is fenced,
 *           and the transaction must stay aborted
 * Any error inside a transaction (a send, the commit) ends it with tx.abort() where possible and
 * starts a new instance, as a Kafka application does after a fatal or abortable error. The server
 * is killed (kill -9) by the schedule at any point of all this.
 */
import { Brook } from '../../lib/client/brook';
import type { Producer as SdkProducer, Transaction } from '../../lib/client/producer/producer';
import { decodeRecordBatch, splitBatches } from '../../lib/log/record-batch';
import { markerType } from '../../lib/transactions/control-batch';
import type { Isolation, ReadRecord, TxnRecord } from './history';
import { fetchOnce, FETCH_TIMEOUT_MS, ReaderLoops, restartAt } from './fetch-once';
import { http, NoAnswer, sleep, type HttpAnswer } from './http';
import { chance, int, pick, stream, weighted, type Rng } from './prng';
import type { RestartMode } from './schedule';
import { nextPosition, parseRecords, type WorkloadContext } from './workload';

export interface TxnContext extends WorkloadContext {
  txnTopics: Array<{ topic: string; partitions: number }>;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export const tpKey = (tp: TopicPartition) => `${tp.topic}/${tp.partition}`;
export const txnPartitions = (ctx: TxnContext): TopicPartition[] => ctx.txnTopics.flatMap(({ topic, partitions }) => Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));

const quiet = { error() {}, warn() {}, info() {}, debug() {} };
/** Long enough to outlast a kill -9 and restart of the server (0.1–6 s), short enough to end a run. */
const TXN_RETRY = { retries: 30, maxRetryTime: 20_000, initialRetryTime: 100, multiplier: 1.3 };
export const RECORD_BATCHES = 'application/vnd.kafka.record-batches';

type Fate = 'commit' | 'abort' | 'crash' | 'zombie';

/** Rejects when the run gives up; the promise itself is left to finish (or fail) unobserved. */
function race<T>(promise: Promise<T>, giveUp: AbortSignal): Promise<T> {
  promise.catch(() => undefined);
  if (giveUp.aborted) return Promise.reject(new Error('the run ended first'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('the run ended first'));
    giveUp.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => giveUp.removeEventListener('abort', onAbort));
  });
}

const errorName = (err: unknown) => (err as { type?: string })?.type ?? (err as Error)?.name;
const errorMessage = (err: unknown) => String((err as Error)?.message ?? err).slice(0, 300);

export class TxnProducer {
  readonly name: string;
  readonly transactionalId: string;
  private readonly rng: Rng;
  private readonly brook: Brook;
  private producer: SdkProducer | undefined;
  private instance = 0;
  private n = 0;
  private txns = 0;
  private stopping = false;

  constructor(
    private readonly ctx: TxnContext,
    index: number,
  ) {
    this.name = `t${index}`;
    // Unique per run (the topic name is): ids of earlier runs on the same emulators cannot interfere.
    this.transactionalId = `${ctx.topic}-t${index}`;
    this.rng = stream(ctx.seed, `txn-producer-${index}`);
    this.brook = new Brook({ url: ctx.baseUrl, clusterId: ctx.clusterId, logger: quiet });
  }

  /** Transactions until stop(); the one in flight is finished (committed or aborted) unless `giveUp` fires. */
  async run(giveUp: AbortSignal): Promise<void> {
    while (!this.stopping && !giveUp.aborted) {
      if (!this.producer && !(await this.connect(giveUp))) break;
      await this.transaction(giveUp);
      await sleep(int(this.rng, 0, 50), giveUp);
    }
  }

  stop(): void {
    this.stopping = true;
  }

  /** The run is over: let go of the current instance (its batches' retries end with it). */
  close(): void {
    this.stopping = true;
    this.drop();
  }

  /**
   * End of the run: one more instance (InitProducerId) completes or aborts whatever transaction
   * of this id is still open, as a restarted application would. Recorded as a txn-init.
   */
  async settle(signal: AbortSignal): Promise<boolean> {
    this.drop();
    const ok = await this.connect(signal);
    this.drop();
    return ok !== undefined;
  }

  /** A new instance: its InitProducerId bumps the epoch, fencing the older ones. Retried until it answers. */
  private async connect(giveUp: AbortSignal): Promise<SdkProducer | undefined> {
    const { history } = this.ctx;
    while (!giveUp.aborted) {
      const instance = ++this.instance;
      const producer = this.brook.producer({ transactionalId: this.transactionalId, idempotent: true, maxInFlightRequests: 1, lingerMs: 2, transactionTimeout: 30_000, retry: TXN_RETRY });
      const t0 = history.now();
      const base = { producer: this.name, transactional_id: this.transactionalId, instance, t0 };
      try {
        await race(producer.connect(), giveUp);
        history.add({ type: 'txn-init', ...base, ok: true });
        this.producer = producer;
        return producer;
      } catch (err) {
        history.add({ type: 'txn-init', ...base, ok: false, message: errorMessage(err) });
        await sleep(200, giveUp);
      }
    }
    return undefined;
  }

  /** Forget the current instance (no EndTxn): what a crashed process leaves behind. */
  private drop(): void {
    const p = this.producer;
    this.producer = undefined;
    void p?.disconnect().catch(() => undefined);
  }

  private async transaction(giveUp: AbortSignal): Promise<void> {
    const { history, seed } = this.ctx;
    const producer = this.producer!;
    const instance = this.instance;
    const txn = `${this.name}-x${this.txns++}`;
    const all = txnPartitions(this.ctx);
    const chosen: TopicPartition[] = [];
    for (const count = int(this.rng, 2, Math.min(4, all.length)); chosen.length < count; ) {
      const tp = pick(this.rng, all);
      if (!chosen.some((c) => tpKey(c) === tpKey(tp))) chosen.push(tp);
    }
    const fate = weighted<Fate>(this.rng, [
      [60, 'commit'],
      [20, 'abort'],
      [12, 'crash'],
      [8, 'zombie'],
    ]);
    const sends = int(this.rng, 1, 3);
    let tx: Transaction;
    try {
      tx = await producer.transaction();
    } catch {
      this.drop();
      return;
    }
    history.add({ type: 'txn-begin', producer: this.name, instance, txn });

    for (let send = 0; send < sends; send++) {
      // The first send writes to every partition chosen, later ones to some of them.
      const targets = send === 0 ? chosen : chosen.filter(() => chance(this.rng, 0.5));
      if (targets.length === 0) continue;
      const records: TxnRecord[] = targets.flatMap((tp) =>
        Array.from({ length: int(this.rng, 1, 2) }, () => ({ ...tp, value: `s${seed}-${this.name}-${this.n++}`, key: chance(this.rng, 0.5) ? `k${int(this.rng, 0, 15)}` : null })),
      );
      history.add({ type: 'txn-send', producer: this.name, instance, txn, send, records });
      const topics = [...new Set(records.map((r) => r.topic))];
      try {
        const meta = await race(
          tx.sendBatch({ topicMessages: topics.map((topic) => ({ topic, messages: records.filter((r) => r.topic === topic).map((r) => ({ key: r.key, value: r.value, partition: r.partition })) })) }),
          giveUp,
        );
        // A send's records of one partition are consecutive, from that partition's offset in the answer.
        const seen = new Map<string, number>();
        for (const r of records) {
          const index = seen.get(tpKey(r)) ?? 0;
          seen.set(tpKey(r), index + 1);
          const base = Number(meta.find((m) => m.topicName === r.topic && m.partition === r.partition)?.offset ?? -1);
          history.add({ type: 'txn-ack', producer: this.name, txn, send, value: r.value, topic: r.topic, partition: r.partition, offset: base < 0 ? -1 : base + index });
        }
      } catch (err) {
        history.add({ type: 'txn-send-fail', producer: this.name, txn, send, values: records.map((r) => r.value), error_name: errorName(err), message: errorMessage(err) });
        // The transaction cannot commit now: abort it and carry on with a new instance (new epoch, fresh sequences).
        if (!giveUp.aborted) await this.end(tx, false, txn, instance, giveUp);
        this.drop();
        return;
      }
    }

    if (fate === 'crash' || fate === 'zombie') {
      history.add({ type: 'txn-crash', producer: this.name, instance, txn, zombie: fate === 'zombie' });
      this.producer = undefined;
      if (fate === 'zombie' && (await this.connect(giveUp))) {
        // The new instance is up (its InitProducerId answered): the old one's commit must be refused.
        await this.end(tx, true, txn, instance, giveUp);
      }
      void producer.disconnect().catch(() => undefined);
      return;
    }
    if (!(await this.end(tx, fate === 'commit', txn, instance, giveUp))) this.drop();
  }

  /** tx.commit() or tx.abort(), recorded with when it was called and how it ended. */
  private async end(tx: Transaction, commit: boolean, txn: string, instance: number, giveUp: AbortSignal): Promise<boolean> {
    const { history } = this.ctx;
    const t0 = history.now();
    const base = { producer: this.name, instance, txn, commit, t0 };
    try {
      await race(commit ? tx.commit() : tx.abort(), giveUp);
      history.add({ type: 'txn-end', ...base, ok: true });
      return true;
    } catch (err) {
      history.add({ type: 'txn-end', ...base, ok: false, error_name: errorName(err), message: errorMessage(err) });
      return false;
    }
  }
}

/**
 * A fetcher of the transactional topics at one isolation level: one long-poll loop per partition,
 * moving to `next_offset` (markers and, for read_committed, aborted records hold no record for it).
 * Crashes and restarts like the plain fetchers.
 */
export class TxnFetcher {
  readonly name: string;
  readonly positions = new Map<string, number>();
  private readonly lastSeen = new Map<string, number>();
  private readonly rng: Rng;
  private readonly tps: TopicPartition[];
  private incarnation = 0;
  private readonly loops = new ReaderLoops();

  constructor(
    private readonly ctx: TxnContext,
    index: number,
    readonly isolation: Isolation,
  ) {
    this.name = `${isolation === 'read_committed' ? 'c' : 'u'}${index}`;
    this.rng = stream(ctx.seed, `txn-fetcher-${this.name}`);
    this.tps = txnPartitions(ctx);
  }

  get running(): boolean {
    return this.loops.running;
  }

  start(mode: RestartMode | 'initial' = 'initial'): void {
    if (this.loops.running) return;
    for (const tp of this.tps) this.positions.set(tpKey(tp), restartAt(mode, this.lastSeen.get(tpKey(tp)) ?? -1));
    this.incarnation++;
    this.ctx.history.add({ type: 'txn-reader-start', reader: this.name, incarnation: this.incarnation, isolation: this.isolation, from: Object.fromEntries(this.positions), mode });
    this.loops.start((signal) => this.tps.map((tp) => this.loop(tp, signal)));
  }

  async stop(crash = false): Promise<void> {
    if (!(await this.loops.stop())) return;
    if (crash) this.ctx.history.add({ type: 'reader-crash', reader: this.name, incarnation: this.incarnation });
  }

  private async loop(tp: TopicPartition, signal: AbortSignal): Promise<void> {
    const { history } = this.ctx;
    const incarnation = this.incarnation;
    const key = tpKey(tp);
    const failures = { n: 0 };
    while (!signal.aborted) {
      const offset = this.positions.get(key)!;
      const maxWait = pick(this.rng, [100, 500, 1000]);
      const maxBytes = pick(this.rng, [1, 4096, 65536]);
      const t0 = history.now();
      const base = { reader: this.name, incarnation, topic: tp.topic, partition: tp.partition, offset };
      const url = `${partitionUrl(this.ctx, tp)}/records?offset=${offset}&max_wait_ms=${maxWait}&max_bytes=${maxBytes}&key_format=STRING&value_format=STRING&isolation_level=${this.isolation}`;
      const json = await fetchOnce(history, url, base, signal, failures);
      if (!json) continue;
      const records = parseRecords(json.data);
      history.add({ type: 'txn-read', t0, ...base, isolation: this.isolation, records, high_watermark: json.high_watermark, last_stable_offset: json.last_stable_offset, next_offset: json.next_offset });
      const last = records[records.length - 1];
      if (last) this.lastSeen.set(key, last.offset);
      this.positions.set(key, nextPosition(offset, records, json.next_offset));
    }
  }
}

const partitionUrl = (ctx: WorkloadContext, tp: TopicPartition) => `${ctx.baseUrl}/v3/clusters/${ctx.clusterId}/topics/${tp.topic}/partitions/${tp.partition}`;

/** The end of a transactional partition as a read_committed reader sees it: high watermark and LSO. */
export async function stableEnd(ctx: WorkloadContext, tp: TopicPartition): Promise<{ hw: number; lso: number } | undefined> {
  const answer = await http(`${partitionUrl(ctx, tp)}/records?offset=0&max_wait_ms=0&max_bytes=1&isolation_level=read_committed`, { timeoutMs: 10_000 }).catch(() => undefined);
  if (answer?.status !== 200) return undefined;
  return { hw: Number(answer.json.high_watermark), lso: Number(answer.json.last_stable_offset ?? answer.json.high_watermark) };
}

/**
 * The final reads of one transactional partition, after every transactional id was settled:
 * `final-rc` reads it read_committed (JSON) from 0 to the LSO; `final-ru` reads it
 * read_uncommitted in Kafka's binary batches, so that it also sees the transaction markers
 * (control records, with their producer ids) and every data batch's producer id.
 */
export async function finalTxnRead(ctx: WorkloadContext, tp: TopicPartition): Promise<void> {
  await readToEnd(ctx, tp, 'final-rc', 'read_committed');
  await readToEnd(ctx, tp, 'final-ru', 'read_uncommitted');
}

async function readToEnd(ctx: WorkloadContext, tp: TopicPartition, reader: string, isolation: Isolation): Promise<void> {
  const { history } = ctx;
  const binary = isolation === 'read_uncommitted';
  let offset = 0;
  let end = Infinity;
  let stuck = 0;
  while (offset < end && stuck < 20) {
    const t0 = history.now();
    const base = { reader, incarnation: 1, topic: tp.topic, partition: tp.partition, offset };
    try {
      const answer = await http(`${partitionUrl(ctx, tp)}/records?offset=${offset}&max_wait_ms=0&max_bytes=1048576&key_format=STRING&value_format=STRING&isolation_level=${isolation}`, {
        timeoutMs: FETCH_TIMEOUT_MS,
        accept: binary ? RECORD_BATCHES : undefined,
      });
      const page = answer.status === 200 ? (binary ? binaryPage(answer, offset) : jsonPage(answer)) : undefined;
      if (!page) {
        history.add({ type: 'read-fail', ...base, kind: 'http', status: answer.status, error_name: answer.json?.error_name, retriable: answer.json?.retriable, injected: answer.injected, message: String(answer.json?.message ?? answer.text.slice(0, 200)) });
        stuck++;
        await sleep(200);
        continue;
      }
      history.add({ type: 'txn-read', t0, ...base, isolation, ...page });
      end = isolation === 'read_committed' ? (page.last_stable_offset ?? page.high_watermark) : page.high_watermark;
      const next = nextPosition(offset, page.records, page.next_offset);
      if (next > offset) offset = next;
      else if (offset < end) stuck++;
    } catch (err) {
      history.add({ type: 'read-fail', ...base, kind: (err as NoAnswer).kind === 'timeout' ? 'timeout' : 'network', message: (err as Error).message });
      stuck++;
      await sleep(200);
    }
  }
}

type Page = { records: ReadRecord[]; high_watermark: number; last_stable_offset?: number; next_offset: number };

function jsonPage(answer: HttpAnswer): Page | undefined {
  if (!Array.isArray(answer.json?.data)) return undefined;
  return { records: parseRecords(answer.json.data), high_watermark: answer.json.high_watermark, last_stable_offset: answer.json.last_stable_offset, next_offset: answer.json.next_offset };
}

/** Kafka record batches, markers included: each record with its batch's producer id. */
export function binaryPage(answer: { bytes: Buffer; headers: Headers }, offset: number): Page | undefined {
  const header = (name: string) => {
    const v = answer.headers.get(name);
    return v === null ? undefined : Number(v);
  };
  const hw = header('brook-high-watermark');
  const next = header('brook-next-offset');
  if (hw === undefined || next === undefined) return undefined;
  const records: ReadRecord[] = [];
  for (const { start, header: h } of splitBatches(answer.bytes)) {
    for (const r of decodeRecordBatch(answer.bytes, start).records) {
      if (r.offset < offset) continue; // the first batch may start before the offset asked
      if (h.isControlBatch) records.push({ offset: r.offset, value: null, key: null, pid: h.producerId, control: markerType(r.key) ?? 'unknown' });
      else records.push({ offset: r.offset, value: r.value?.toString('utf8') ?? null, key: r.key?.toString('utf8') ?? null, ...(h.producerId >= 0 ? { pid: h.producerId } : {}) });
    }
  }
  return { records, high_watermark: hw, last_stable_offset: header('brook-last-stable-offset'), next_offset: next };
}
