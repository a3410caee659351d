// --bootstrap-server and friends: where Brook's HTTP API is, and whether to sign requests.
// The SDK is imported only when a command connects, so `brook --help` never loads it.
import type { Command } from 'commander';
import type { Brook } from '../client/brook';
import type { ClientOptions, HttpClient } from '../client/http';
import type { Logger } from '../client/logger';
import type { RetryOptions } from '../client/retry';
import type { Credentials } from '../client/signer';
import type { Ctx } from './command';
import { CliError, UsageError, type CliIo } from './io';

export const DEFAULT_URL = 'http://localhost:8082';

/** Admin calls fail fast: a CLI that waits 30 s for a server that is not running helps nobody. */
export const CLI_RETRY: RetryOptions = { retries: 2, initialRetryTime: 200, maxRetryTime: 5_000 };

export interface ConnectionOptions {
  bootstrapServer?: string;
  url?: string;
  clusterId?: string;
  sign?: boolean;
}

export function withConnection(cmd: Command): Command {
  return cmd
    .option('--bootstrap-server <url>', `Brook's HTTP API (default: $BROOK_URL or ${DEFAULT_URL})`)
    .option('--url <url>', 'the same as --bootstrap-server')
    .option('--cluster-id <id>', 'the cluster id (default: the first one the server lists)')
    .option('--sign', 'sign requests with AWS SigV4, credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN]')
    .option('--no-sign', 'never sign (default: sign when those variables are set and the URL is not localhost)');
}

const isLocal = (host: string) => ['localhost', '127.0.0.1', '[::1]', '::1'].includes(host) || host.endsWith('.localhost');

/** The base URL; a bare `host:port` (as Kafka users type it) gets http:// locally, https:// elsewhere. */
export function resolveUrl(opts: ConnectionOptions, env: NodeJS.ProcessEnv): string {
  if (opts.bootstrapServer && opts.url && opts.bootstrapServer !== opts.url) throw new UsageError('Give --bootstrap-server or --url, not both.');
  const given = opts.bootstrapServer ?? opts.url ?? env.BROOK_URL ?? DEFAULT_URL;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(given) ? given : `${isLocal(given.split(':')[0]!) ? 'http' : 'https'}://${given}`;
  try {
    return new URL(withScheme).toString().replace(/\/$/, '');
  } catch {
    throw new UsageError(`Not a URL: ${given}`);
  }
}

/** SigV4 credentials when the request should be signed, else undefined. */
export function signingCredentials(opts: ConnectionOptions, url: string, env: NodeJS.ProcessEnv): Credentials | undefined {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  const credentials = accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } : undefined;
  if (opts.sign === false) return undefined;
  if (opts.sign === true && !credentials) {
    throw new CliError(
      'SASL_AUTHENTICATION_FAILED',
      '--sign needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment (from a profile or SSO: eval "$(aws configure export-credentials --format env)").',
    );
  }
  return opts.sign === true || !isLocal(new URL(url).hostname) ? credentials : undefined;
}

/** SDK log lines on stderr, one per line; debug and info are dropped. */
export const stderrLogger = (io: CliIo): Logger => {
  const line = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    io.stderr.write(`${level} ${message}${extra && Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ''}\n`);
  return { error: line('ERROR'), warn: line('WARN'), info: () => {}, debug: () => {} };
};

export interface Connection {
  url: string;
  http: HttpClient;
  /** The SDK client, sharing the cluster id the HTTP client resolved. */
  brook(): Promise<Brook>;
}

export async function connect(ctx: Ctx, opts: ConnectionOptions): Promise<Connection> {
  const { io } = ctx;
  const url = (ctx.url = resolveUrl(opts, io.env));
  const credentials = signingCredentials(opts, url, io.env);
  const { HttpClient } = await import('../client/http');
  const config: ClientOptions = { url, clusterId: opts.clusterId, credentials, retry: CLI_RETRY, logger: stderrLogger(io) };
  const http = new HttpClient(config);
  // The producer and consumer (and their codecs) load only for produce and consume.
  const brook = async () => {
    const [{ Brook }, clusterId] = await Promise.all([import('../client/brook'), http.clusterId()]);
    return new Brook({ ...config, clusterId });
  };
  return { url, http, brook };
}

/** `/v3/clusters/{cluster}/…` paths with each segment encoded. */
export const clusterPath = (...segments: Array<string | number>) => ['v3/clusters/{cluster}', ...segments.map((s) => encodeURIComponent(String(s)))].join('/');
