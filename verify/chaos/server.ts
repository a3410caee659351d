/**
 * The chaos build of the Brook server, run as a child process of the chaos runner so that it can
 * be killed with SIGKILL and restarted on the same data. It serves the product app unchanged
 * (createApp over a broker whose AWS clients carry a FaultInjector), with control routes mounted
 * in front of it in this entry only:
 *
 *   GET    /_chaos/faults   {total, rules}: the active rules and how many requests rules have hit
 *   PUT    /_chaos/faults   {rules: [...]}: replace the active rules (the runner's way)
 *   POST   /_chaos/faults   one rule: add it
 *   DELETE /_chaos/faults   clear all rules
 *
 * Every API answer carries `x-chaos-injected`: how many injected faults that request met, so the
 * checker can tell a 5xx caused by an injected fault from a 5xx on good input.
 *
 * Env: BROOK_PORT, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_DYNAMODB, AWS credentials, BROOK_* names.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createClients } from '../../lib/aws/clients';
import { FaultInjector, type FaultRule } from '../../lib/aws/faults';
import { clientStacks } from '../../lib/aws/middleware';
import { createBroker } from '../../lib/broker/context';
import { configFromEnv } from '../../lib/config';
import { createApp } from '../../lib/http/app';
import { FAULTS_PATH, INJECTED_HEADER, READY_LINE } from './protocol';
import type { ChaosRule } from './schedule';

const requestFaults = new AsyncLocalStorage<{ injected: number }>();

const config = configFromEnv();
const clients = createClients(config);
const faults = new FaultInjector().attach(clients);
// Outside the injector: sees each injected error on its way up and counts it for the request.
for (const [, stack] of clientStacks(clients)) {
  stack.addRelativeTo(
    (next: (args: any) => Promise<any>) => async (args: any) => {
      try {
        return await next(args);
      } catch (err) {
        const store = requestFaults.getStore();
        if (store && /^injected /.test((err as Error)?.message ?? '')) store.injected++;
        throw err;
      }
    },
    { relation: 'before', toMiddleware: 'brookFaultInjector', name: 'chaosInjectedCounter' },
  );
}
const app = createApp(createBroker(config, clients));

let active: ChaosRule[] = [];
let hitsOfClearedRules = 0;
const total = () => hitsOfClearedRules + faults.injected;

const MODES = new Set(['fail-before', 'fail-after', 'throttle', 'delay']);
function toFaultRule(r: ChaosRule): FaultRule {
  if ((r?.service !== 's3' && r?.service !== 'dynamodb') || typeof r.command !== 'string' || !MODES.has(r.mode)) {
    throw new Error(`not a fault rule: ${JSON.stringify(r)}`);
  }
  const times = r.times === 'all' ? Infinity : Number(r.times);
  return { service: r.service, command: r.command, mode: r.mode, times, delayMs: r.delayMs };
}

function replace(rules: ChaosRule[]): void {
  const parsed = rules.map(toFaultRule); // all or nothing
  hitsOfClearedRules += faults.injected;
  faults.clear();
  parsed.forEach((r) => faults.add(r));
  active = [...rules];
}

const control = new Hono();
control.onError((err, c) => c.json({ error: (err as Error).message }, 400));
control.get(FAULTS_PATH, (c) => c.json({ total: total(), rules: active }));
control.put(FAULTS_PATH, async (c) => {
  replace(((await c.req.json()) as { rules: ChaosRule[] }).rules ?? []);
  return c.json({ total: total(), rules: active });
});
control.post(FAULTS_PATH, async (c) => {
  replace([...active, (await c.req.json()) as ChaosRule]);
  return c.json({ total: total(), rules: active });
});
control.delete(FAULTS_PATH, (c) => {
  replace([]);
  return c.json({ total: total(), rules: active });
});

async function handle(req: Request): Promise<Response> {
  if (new URL(req.url).pathname.startsWith('/_chaos/')) return control.fetch(req);
  const store = { injected: 0 };
  const res = await requestFaults.run(store, async () => app.fetch(req));
  const headers = new Headers(res.headers);
  headers.set(INJECTED_HEADER, String(store.injected));
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

const port = Number(process.env.BROOK_PORT ?? 0);
serve({ fetch: handle, port, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`${READY_LINE}${info.port}\n`);
});

// Our stdin is a pipe from the runner: when it closes, the runner is gone and so are we.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
