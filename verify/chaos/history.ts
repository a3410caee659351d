/**
 * The history of a chaos run: every produce attempt, ack, failure and read, with times (ms since
 * the run started). The checker is a pure function over this list, so a history can be replayed
 * from history.jsonl, and hand-made histories test the checker itself.
 *
 * Writers identify themselves by `producer` (producers) and `reader` + `incarnation` (fetchers);
 * the SDK's idempotent producer and consumer groups (later issues) become more writers and readers
 * of the same events: `idempotent: true` on their sends, their polls as `read` events.
 */
import type { ChaosRule } from './schedule';

export type ProduceApi = 'records' | 'records-stream' | 'batch' | 'sdk';
export type FailKind = 'http' | 'network' | 'timeout';

/** How a request failed: no answer (network, timeout) or an HTTP error with the body's Kafka error. */
export interface Failure {
  kind: FailKind;
  status?: number;
  error_name?: string;
  retriable?: boolean;
  injected?: number;
  message: string;
}

export interface SentRecord {
  value: string;
  key: string | null;
}

export interface ReadRecord {
  offset: number;
  value: string | null;
  key: string | null;
  /** Binary reads only (the final read_uncommitted read of transactional topics): the batch's producer id. */
  pid?: number;
  /** Binary reads only: a transaction marker (control record) rather than a data record ('unknown': not a marker key). */
  control?: 'commit' | 'abort' | 'unknown';
}

export type Isolation = 'read_committed' | 'read_uncommitted';

/** A record a transactional producer sends: to an explicit topic and partition. */
export interface TxnRecord {
  topic: string;
  partition: number;
  value: string;
  key: string | null;
}

/** What a run was: written first, so that the checker (and --check on a saved history) knows the rules. */
export interface WorkloadInfo {
  mode: 'default' | 'hot-partition';
  /** The plain topic (producers, idempotent producers, fetchers) and its partition count. */
  topic: string;
  partitions: number;
  /** Topics written only by transactional producers, read by read_committed and read_uncommitted fetchers. */
  txnTopics: Array<{ topic: string; partitions: number }>;
  /**
   * The server's commit protocol (BROOK_COMMIT_PROTOCOL). Under `reserve` (RFC 0003) offsets may
   * have explicit gaps (ranges readers step over with next_offset) and an acknowledged record may
   * wait for slower writers below it before it is readable; under `conditional` offsets are gapless.
   */
  commitProtocol: 'reserve' | 'conditional';
  /** BROOK_SEAL_AFTER_MS as the server was given it (its default: 10 000). */
  sealAfterMs: number;
  producers: number;
  idempotentProducers: number;
  fetchers: number;
  txnProducers: number;
  txnFetchers: { committed: number; uncommitted: number };
}

export type HistoryEvent =
  /** One produce request (an attempt of an operation); a retry sends the unacked records again. */
  | { type: 'send'; t: number; producer: string; op: string; attempt: number; idempotent: boolean; api: ProduceApi; records: SentRecord[] }
  /** The broker acknowledged `value` at partition/offset. */
  | { type: 'ack'; t: number; producer: string; op: string; attempt: number; value: string; partition: number; offset: number }
  /**
   * A produce attempt failed for `values`: an error answer (`status`, `error_name`), a broken
   * connection or a client timeout. The outcome is unknown: the records may still be in the log.
   * `injected` is how many faults the chaos server injected while serving the request.
   */
  | {
      type: 'fail';
      t: number;
      producer: string;
      op: string;
      attempt: number;
      values: string[];
    } & Failure
  /** A reader starts (or restarts after a crash) at these offsets. */
  | { type: 'reader-start'; t: number; reader: string; incarnation: number; from: Record<number, number>; mode: string }
  | { type: 'reader-crash'; t: number; reader: string; incarnation: number }
  /** One fetch: asked at `offset`, got `records`; `t0` is when it was sent. */
  | {
      type: 'read';
      t: number;
      t0: number;
      reader: string;
      incarnation: number;
      partition: number;
      offset: number;
      records: ReadRecord[];
      high_watermark: number;
      next_offset: number;
    }
  | {
      type: 'read-fail';
      t: number;
      reader: string;
      incarnation: number;
      /** Set for reads of a transactional topic (absent: the plain topic). */
      topic?: string;
      partition: number;
      offset: number;
    } & Failure
  /** The set of fault rules active in the server changed (an empty list clears them). */
  | { type: 'faults'; t: number; rules: ChaosRule[] }
  /** How many requests the server's fault rules have hit, in total, in server incarnation `server`. */
  | { type: 'faults-hit'; t: number; server: number; total: number }
  | { type: 'server-start'; t: number; server: number; pid: number }
  | { type: 'server-kill'; t: number; server: number; pid: number }
  | { type: 'phase'; t: number; phase: 'setup' | 'run' | 'quiesce' | 'settle' | 'catch-up' | 'final-read' | 'done'; note?: string }
  /** The run's shape (first event of a run; histories without it are gapless, no transactions). */
  | ({ type: 'workload'; t: number } & WorkloadInfo)
  /**
   * Transactional producers (verify/chaos/txn-workload.ts). An `instance` is one SDK producer
   * object with the transactional id; each new instance's InitProducerId fences the older ones
   * and aborts (or completes) their open transaction.
   */
  | { type: 'txn-init'; t: number; t0: number; producer: string; transactional_id: string; instance: number; ok: boolean; message?: string }
  | { type: 'txn-begin'; t: number; producer: string; instance: number; txn: string }
  /** One tx.sendBatch() of transaction `txn`. */
  | { type: 'txn-send'; t: number; producer: string; instance: number; txn: string; send: number; records: TxnRecord[] }
  /** The send was acknowledged: `value` is at topic/partition/offset (offset -1: a duplicate the SDK could not place). */
  | { type: 'txn-ack'; t: number; producer: string; txn: string; send: number; value: string; topic: string; partition: number; offset: number }
  | { type: 'txn-send-fail'; t: number; producer: string; txn: string; send: number; values: string[]; error_name?: string; message: string }
  /**
   * tx.commit() (commit: true) or tx.abort() (false), called at `t0`, answered at `t`: ok, or an
   * error / no answer before the run ended (the outcome is unknown).
   */
  | { type: 'txn-end'; t: number; t0: number; producer: string; instance: number; txn: string; commit: boolean; ok: boolean; error_name?: string; message?: string }
  /** The instance was dropped mid-transaction without ending it (a producer crash); `zombie`: it will try to commit after a new instance fenced it. */
  | { type: 'txn-crash'; t: number; producer: string; instance: number; txn: string; zombie: boolean }
  /** Fetchers of the transactional topics: positions by "topic/partition". */
  | { type: 'txn-reader-start'; t: number; reader: string; incarnation: number; isolation: Isolation; from: Record<string, number>; mode: string }
  /** One fetch of a transactional topic at `isolation`. */
  | {
      type: 'txn-read';
      t: number;
      t0: number;
      reader: string;
      incarnation: number;
      isolation: Isolation;
      topic: string;
      partition: number;
      offset: number;
      records: ReadRecord[];
      high_watermark: number;
      last_stable_offset?: number;
      next_offset: number;
    };

export type EventOf<T extends HistoryEvent['type']> = Extract<HistoryEvent, { type: T }>;

/** Distributes over the union, so each event keeps its own fields when `t` is left out. */
type WithoutT<E> = E extends HistoryEvent ? Omit<E, 't'> : never;

export class History {
  readonly events: HistoryEvent[] = [];
  /** Events so far by type (the runner watches acks to pace kills). */
  readonly counts = new Map<HistoryEvent['type'], number>();
  private readonly started = performance.now();

  now(): number {
    return Math.round((performance.now() - this.started) * 10) / 10;
  }

  add(event: WithoutT<HistoryEvent>): void {
    this.events.push({ ...event, t: this.now() } as HistoryEvent);
    this.counts.set(event.type, (this.counts.get(event.type) ?? 0) + 1);
  }

  toJsonl(): string {
    return this.events.map((e) => JSON.stringify(e)).join('\n') + '\n';
  }
}

export function parseJsonl(text: string): HistoryEvent[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as HistoryEvent);
}
