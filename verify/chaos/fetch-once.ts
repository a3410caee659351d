import type { History } from './history';
import { http, type NoAnswer, sleep } from './http';

export const FETCH_TIMEOUT_MS = 15_000;

/** What every read event of a reader carries. */
export type ReadBase = { reader: string; incarnation: number; partition: number; offset: number } & Record<string, unknown>;

/**
 * One fetch of a chaos reader: the answer's JSON on a 200 with records, else the failure recorded
 * as a `read-fail` event and a backoff (50 ms doubling to 1 s while failures last); undefined then,
 * or when the reader was stopped.
 */
export async function fetchOnce(history: History, url: string, base: ReadBase, signal: AbortSignal, failures: { n: number }): Promise<any | undefined> {
  const backOff = () => sleep(Math.min(1000, 50 * 2 ** Math.min(failures.n++, 4)), signal);
  let answer;
  try {
    answer = await http(url, { timeoutMs: FETCH_TIMEOUT_MS, signal });
  } catch (err) {
    if (signal.aborted) return undefined;
    history.add({ type: 'read-fail', ...base, kind: (err as NoAnswer).kind === 'timeout' ? 'timeout' : 'network', message: (err as Error).message } as never);
    await backOff();
    return undefined;
  }
  if (signal.aborted) return undefined;
  if (answer.status !== 200 || !Array.isArray(answer.json?.data)) {
    const body = answer.json;
    history.add({ type: 'read-fail', ...base, kind: 'http', status: answer.status, error_name: body?.error_name, retriable: body?.retriable, injected: answer.injected, message: String(body?.message ?? answer.text.slice(0, 200)) } as never);
    await backOff();
    return undefined;
  }
  failures.n = 0;
  return answer.json;
}

/** Where a restarted reader resumes on a partition, given the last offset it saw there. */
export const restartAt = (mode: string, lastSeen: number): number =>
  mode === 'zero' || mode === 'initial' ? 0 : mode === 'last' ? Math.max(lastSeen, 0) : lastSeen + 1;

/** A reader's fetch loops, one per partition, started and stopped (crashed) together. */
export class ReaderLoops {
  private controller: AbortController | undefined;
  private loops: Promise<void>[] = [];

  get running(): boolean {
    return this.controller !== undefined;
  }

  start(spawn: (signal: AbortSignal) => Promise<void>[]): void {
    const controller = new AbortController();
    this.controller = controller;
    this.loops = spawn(controller.signal);
  }

  /** Stop at once; an answer in flight is dropped unrecorded. False if nothing was running. */
  async stop(): Promise<boolean> {
    if (!this.controller) return false;
    this.controller.abort();
    await Promise.all(this.loops);
    this.controller = undefined;
    return true;
  }
}
