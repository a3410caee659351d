// The real HTTP server on the shared emulators, with a request counter and a fault injector on
// its AWS clients and a log of the HTTP requests it served, for the SDK to talk to.
import { serve, type ServerType } from '@hono/node-server';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { createClients } from '../../lib/aws/clients';
import { FaultInjector } from '../../lib/aws/faults';
import { RequestCounter } from '../../lib/aws/request-counter';
import { createBroker } from '../../lib/broker/context';
import { createApp } from '../../lib/http/app';
import { Brook, type BrookClientConfig } from '../../lib/index';

export interface TestServer {
  url: string;
  counter: RequestCounter;
  faults: FaultInjector;
  /** "POST /v3/clusters/brook-local/batches", one entry per request the server answered. */
  requests: string[];
  /** The most produce requests the server was serving at once. */
  maxConcurrentBatches: number;
  count(method: string, pathEnd: string): number;
  brook(config?: Partial<BrookClientConfig>): Brook;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const config = inject('brookConfig');
  const clients = createClients(config);
  const faults = new FaultInjector().attach(clients);
  const counter = new RequestCounter().attach(clients);
  const app = createApp(createBroker(config, clients));
  const requests: string[] = [];
  let batchesNow = 0;
  const server: ServerType = await new Promise((resolve) => {
    const s = serve(
      {
        fetch: async (req: Request) => {
          const path = new URL(req.url).pathname;
          requests.push(`${req.method} ${path}`);
          if (!path.endsWith('/batches')) return app.fetch(req);
          batchesNow++;
          result.maxConcurrentBatches = Math.max(result.maxConcurrentBatches, batchesNow);
          try {
            return await app.fetch(req);
          } finally {
            batchesNow--;
          }
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(s),
    );
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const result: TestServer = {
    url,
    maxConcurrentBatches: 0,
    counter,
    faults,
    requests,
    count: (method, pathEnd) => requests.filter((r) => r.startsWith(`${method} `) && r.endsWith(pathEnd)).length,
    // Fast retries in tests; quiet logs unless asked.
    brook: (c = {}) => new Brook({ url, retry: { initialRetryTime: 20, maxRetryTime: 5_000, retries: 5 }, logger: quiet, ...c }),
    close: () => new Promise((r) => server.close(() => r())),
  };
  return result;
}

export const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

export const uniqueTopic = (prefix = 't') => `${prefix}-${randomUUID().slice(0, 8)}`;

export async function until<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
