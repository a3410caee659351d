import { INJECTED_HEADER } from './protocol';

/** An HTTP answer from the Brook server; `injected` is the chaos server's fault count for it. */
export interface HttpAnswer {
  status: number;
  text: string;
  json: any;
  injected: number | undefined;
  /** The raw body (binary fetches) and the answer's headers. */
  bytes: Buffer;
  headers: Headers;
}

/** No answer: the connection failed (server down, killed mid-request) or the client gave up. */
export class NoAnswer extends Error {
  constructor(
    readonly kind: 'network' | 'timeout' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

export async function http(
  url: string,
  options: { method?: string; body?: unknown; timeoutMs: number; signal?: AbortSignal; accept?: string },
): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const init: RequestInit = { method: options.method ?? 'GET', signal };
  if (options.body !== undefined) {
    init.body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    init.headers = { 'content-type': 'application/json' };
  }
  if (options.accept) init.headers = { ...(init.headers as Record<string, string> | undefined), accept: options.accept };
  try {
    const res = await fetch(url, init);
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = options.accept && !options.accept.includes('json') && res.ok ? '' : bytes.toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const injected = res.headers.get(INJECTED_HEADER);
    return { status: res.status, text, json, injected: injected === null ? undefined : Number(injected), bytes, headers: res.headers };
  } catch (err) {
    if (options.signal?.aborted) throw new NoAnswer('aborted', 'aborted by the caller');
    if (timeout.aborted) throw new NoAnswer('timeout', `no answer within ${options.timeoutMs} ms`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new NoAnswer('network', cause?.code ?? cause?.message ?? (err as Error).message);
  }
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
