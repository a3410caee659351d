// Exponential backoff with jitter, with kafkajs's option names and defaults.
import { KafkaJSNumberOfRetriesExceeded, shouldRetry } from './errors';

export interface RetryOptions {
  /** Give up once this much time has passed since the first attempt (ms). */
  maxRetryTime?: number;
  /** Wait before the first retry (ms), randomised by ±factor. */
  initialRetryTime?: number;
  /** Jitter: each wait is randomised within ±factor of its nominal value. */
  factor?: number;
  /** Each retry waits this many times longer than the previous one. */
  multiplier?: number;
  /** Retries after the first attempt. */
  retries?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { maxRetryTime: 30_000, initialRetryTime: 300, factor: 0.2, multiplier: 2, retries: 5 };

export const retryOptions = (o: RetryOptions = {}): Required<RetryOptions> => ({ ...DEFAULT_RETRY, ...o });

/** The wait before retry number `retryCount` (0 = the first retry). */
export function backoff(retryCount: number, o: Required<RetryOptions>, random = Math.random): number {
  const nominal = Math.min(o.initialRetryTime * o.multiplier ** retryCount, o.maxRetryTime);
  return Math.max(0, Math.round(nominal * (1 - o.factor + 2 * o.factor * random())));
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });

/**
 * Runs `fn` until it succeeds, a non-retriable error (see shouldRetry), or the retries or
 * maxRetryTime run out (KafkaJSNumberOfRetriesExceeded, with the last error as its cause).
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}, retriable = shouldRetry): Promise<T> {
  const o = retryOptions(options);
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!retriable(err)) throw err;
      const wait = backoff(attempt, o);
      const elapsed = Date.now() - start;
      if (attempt >= o.retries || elapsed + wait > o.maxRetryTime) throw new KafkaJSNumberOfRetriesExceeded(err, attempt, elapsed);
      await sleep(wait);
    }
  }
}
