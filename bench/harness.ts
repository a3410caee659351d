/**
 * The bench's own Brook: the local stack (in-memory DynamoDB Local + s3rver in a temp dir) and the
 * HTTP app served in this process on a free port, on AWS clients that carry the accounting
 * middleware. Built from createBroker + createApp + serve (not lib/local/server.ts) so the
 * counters sit on the very clients the server uses.
 *
 * Two endpoints: `warmUrl`, one long-lived broker (topic cache and connection pool warm, like a
 * warm Lambda container), and `coldUrl`, where every request gets new clients, a new broker and a
 * new app, as a fresh container would (the time to build them is inside the measured handler time).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createClients, type AwsClients } from '../lib/aws/clients';
import { createBroker } from '../lib/broker/context';
import type { BrookConfig } from '../lib/config';
import { createApp } from '../lib/http/app';
import { startLocalStack } from '../lib/local/stack';
import { Accounting } from './accounting';
import { SCOPE_HEADER } from './http';

export interface BenchEnv {
  config: BrookConfig;
  /** The warm server's clients (instrumented); the baseline uses these too. */
  clients: AwsClients;
  accounting: Accounting;
  warmUrl: string;
  coldUrl: string;
  clusterPath: string;
}

type FetchHandler = (req: Request) => Promise<Response>;

function listen(fetch: FetchHandler): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve({ server, url: `http://127.0.0.1:${info.port}` }));
    server.once('error', reject);
  });
}

function close(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    server.close(() => resolve());
  });
}

/**
 * Things to undo, last first. main.ts owns one and runs it at the end, on error and on Ctrl-C,
 * so the emulators and the temp dir never outlive the bench, even when it stops mid-start.
 */
export class Cleanup {
  private readonly steps: Array<() => Promise<void> | void> = [];

  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) await Promise.resolve().then(step).catch(() => undefined);
  }
}

export async function startBenchEnv(cleanups: Cleanup): Promise<BenchEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'brook-bench-'));
  cleanups.add(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env };
  // The bench always measures its own emulators, never an endpoint from the environment.
  delete env.AWS_ENDPOINT_URL;
  delete env.AWS_ENDPOINT_URL_S3;
  delete env.AWS_ENDPOINT_URL_DYNAMODB;
  const stack = await startLocalStack({ dataDir: dir, inMemory: true, env });
  cleanups.add(() => stack.stop());
  const accounting = new Accounting();
  const clients = createClients(stack.config);
  accounting.attach(clients);
  cleanups.add(() => {
    clients.s3.destroy();
    clients.dynamodb.destroy();
  });
  const warmApp = createApp(createBroker(stack.config, clients));

  // Each answer is read to the end inside the timed, scoped section: Lambda bills until the
  // response is complete, and API Gateway meters its size.
  const measured = (handle: (req: Request) => Promise<Response>): FetchHandler => async (req) => {
    const scope = req.headers.get(SCOPE_HEADER) ?? 'unscoped';
    const requestBytes = Number(req.headers.get('content-length') ?? 0);
    return accounting.run(scope, async () => {
      const t0 = performance.now();
      const res = await handle(req);
      const body = await res.arrayBuffer();
      accounting.recordHttp(scope, { requestBytes, responseBytes: body.byteLength, handlerMs: performance.now() - t0 });
      return new Response(body, { status: res.status, headers: res.headers });
    });
  };

  const warm = await listen(measured((req) => Promise.resolve(warmApp.fetch(req))));
  cleanups.add(() => close(warm.server));
  const cold = await listen(
    measured(async (req) => {
      const c = createClients(stack.config);
      accounting.attach(c);
      try {
        return await createApp(createBroker(stack.config, c)).fetch(req);
      } finally {
        c.s3.destroy();
        c.dynamodb.destroy();
      }
    }),
  );
  cleanups.add(() => close(cold.server));
  return { config: stack.config, clients, accounting, warmUrl: warm.url, coldUrl: cold.url, clusterPath: `/v3/clusters/${stack.config.clusterId}` };
}
