// One HTTP call to Brook: URL, SigV4 signing, timeout, and the error answer turned into a
// KafkaJS-style error. `json()` adds retries with backoff for calls that are safe to repeat.
import { KafkaJSConnectionError, KafkaJSError, KafkaJSProtocolError, KafkaJSRequestTimeoutError } from './errors';
import { consoleLogger, type Logger } from './logger';
import { retryOptions, withRetry, type RetryOptions } from './retry';
import { createSigner, type Credentials } from './signer';

export interface ClientOptions {
  /** Base URL of the API, e.g. http://localhost:8082 or https://abc.execute-api.eu-west-1.amazonaws.com. */
  url: string;
  /** Default: the first cluster `GET /v3/clusters` lists. */
  clusterId?: string;
  /** AWS credentials (or a provider, e.g. fromNodeProviderChain()): requests are signed with SigV4. */
  credentials?: Credentials;
  region?: string;
  /** SigV4 service name: execute-api (API Gateway) by default, lambda for function URLs. */
  service?: string;
  retry?: RetryOptions;
  /** Per request, on top of any long-poll wait (ms). Default 30 000, API Gateway's limit. */
  requestTimeout?: number;
  /** A fetch implementation (default: the global one), e.g. with a proxy agent. */
  fetch?: typeof globalThis.fetch;
  logger?: Logger;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the base URL; `{cluster}` is replaced by the cluster id. */
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  body?: Uint8Array;
  contentType?: string;
  accept?: string;
  /** Extra time allowed beyond requestTimeout (a long poll's wait). */
  waitMs?: number;
  signal?: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
}

export class HttpClient {
  readonly retry: Required<RetryOptions>;
  readonly logger: Logger;
  private readonly base: URL;
  private readonly fetchFn: typeof globalThis.fetch;
  private readonly sign?: ReturnType<typeof createSigner>;
  private cluster?: Promise<string>;

  constructor(readonly options: ClientOptions) {
    this.base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    this.retry = retryOptions(options.retry);
    this.logger = options.logger ?? consoleLogger;
    this.fetchFn = options.fetch ?? globalThis.fetch;
    if (options.credentials) this.sign = createSigner(this.base, { credentials: options.credentials, region: options.region, service: options.service });
    if (options.clusterId) this.cluster = Promise.resolve(options.clusterId);
  }

  /** A client with other retry settings that shares this one's cluster id. */
  withRetry(retry: RetryOptions | undefined): HttpClient {
    if (!retry) return this;
    const client = new HttpClient({ ...this.options, retry: { ...this.options.retry, ...retry } });
    client.clusterId = () => this.clusterId();
    return client;
  }

  clusterId(): Promise<string> {
    this.cluster ??= this.json<{ data: Array<{ cluster_id: string }> }>({ method: 'GET', path: 'v3/clusters' }).then(
      (r) => {
        const id = r.data[0]?.cluster_id;
        if (!id) throw new KafkaJSProtocolError('UNKNOWN_CLUSTER', `${this.base} serves no cluster.`);
        return id;
      },
      (err) => {
        this.cluster = undefined;
        throw err;
      },
    );
    return this.cluster;
  }

  /** One attempt. A non-2xx answer throws KafkaJSProtocolError; no answer throws a connection or timeout error. */
  async send(spec: RequestSpec): Promise<HttpAnswer> {
    const path = spec.path.includes('{cluster}') ? spec.path.replace('{cluster}', encodeURIComponent(await this.clusterId())) : spec.path;
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = spec.json !== undefined ? Buffer.from(JSON.stringify(spec.json)) : spec.body;
    let headers: Record<string, string> = { accept: spec.accept ?? 'application/json' };
    if (body) headers['content-type'] = spec.contentType ?? 'application/json';
    if (this.sign) headers = await this.sign(spec.method, url, headers, body);

    const timeout = AbortSignal.timeout((this.options.requestTimeout ?? 30_000) + (spec.waitMs ?? 0));
    let res: Response;
    try {
      res = await this.fetchFn(url, { method: spec.method, headers, body: body as Uint8Array<ArrayBuffer> | undefined, signal: spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout });
    } catch (err) {
      if (spec.signal?.aborted) throw err; // the caller's own abort
      if (timeout.aborted) throw new KafkaJSRequestTimeoutError(`${spec.method} ${url.pathname} timed out`, { cause: err });
      throw new KafkaJSConnectionError(`${spec.method} ${url.pathname} failed: ${(err as Error)?.message ?? err}`, { cause: err });
    }
    let answer: Buffer;
    try {
      answer = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      if (spec.signal?.aborted) throw err;
      throw new KafkaJSConnectionError(`${spec.method} ${url.pathname}: the answer was cut off`, { cause: err });
    }
    if (res.status >= 400) throw errorFromAnswer(res.status, answer, `${spec.method} ${url.pathname}`);
    return { status: res.status, headers: res.headers, body: answer };
  }

  /** A JSON call, retried with backoff on retriable errors unless `retry` is false. */
  async json<T>(spec: RequestSpec, retry = true): Promise<T> {
    const call = async () => {
      const { body } = await this.send(spec);
      return (body.length ? JSON.parse(body.toString('utf8')) : undefined) as T;
    };
    return retry ? withRetry(call, this.retry) : call();
  }
}

/** Brook's error body {error_code, message, error_name, kafka_error_code, retriable}, or a gateway's. */
export function errorFromAnswer(status: number, body: Buffer, what: string): KafkaJSError {
  let parsed: { message?: string; Message?: string; error_name?: string; kafka_error_code?: number; retriable?: boolean } = {};
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    // not JSON: a proxy's or gateway's page
  }
  const message = parsed.message ?? parsed.Message ?? (body.toString('utf8').slice(0, 200) || `HTTP ${status}`);
  if (parsed.error_name) {
    return new KafkaJSProtocolError(parsed.error_name, message, { status, code: parsed.kafka_error_code, retriable: parsed.retriable ?? status >= 500 });
  }
  // No Kafka error: API Gateway, a Lambda function URL or a proxy answered.
  const [type, retriable] =
    status === 401 ? ['SASL_AUTHENTICATION_FAILED', false]
    : status === 403 ? ['CLUSTER_AUTHORIZATION_FAILED', false]
    : status === 413 ? ['RECORD_LIST_TOO_LARGE', false]
    : status === 429 ? ['THROTTLING_QUOTA_EXCEEDED', true]
    : status === 504 ? ['REQUEST_TIMED_OUT', true]
    : status >= 500 ? ['NETWORK_EXCEPTION', true]
    : ['INVALID_REQUEST', false];
  return new KafkaJSProtocolError(type as string, `${what}: HTTP ${status}: ${message}`, { status, retriable: retriable as boolean });
}
