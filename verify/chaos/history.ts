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

export interface SentRecord {
  value: string;
  key: string | null;
}

export interface ReadRecord {
  offset: number;
  value: string | null;
  key: string | null;
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
      kind: FailKind;
      status?: number;
      error_name?: string;
      retriable?: boolean;
      injected?: number;
      message: string;
    }
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
      partition: number;
      offset: number;
      kind: FailKind;
      status?: number;
      error_name?: string;
      retriable?: boolean;
      injected?: number;
      message: string;
    }
  /** The set of fault rules active in the server changed (an empty list clears them). */
  | { type: 'faults'; t: number; rules: ChaosRule[] }
  /** How many requests the server's fault rules have hit, in total, in server incarnation `server`. */
  | { type: 'faults-hit'; t: number; server: number; total: number }
  | { type: 'server-start'; t: number; server: number; pid: number }
  | { type: 'server-kill'; t: number; server: number; pid: number }
  | { type: 'phase'; t: number; phase: 'setup' | 'run' | 'quiesce' | 'catch-up' | 'final-read' | 'done'; note?: string };

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
