import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createClients } from '../../lib/aws/clients';
import { FaultInjector } from '../../lib/aws/faults';
import { RequestCounter } from '../../lib/aws/request-counter';
import { createBroker, type Broker } from '../../lib/broker/context';
import type { BrookConfig } from '../../lib/config';
import { createApp } from '../../lib/http/app';

export interface TestBroker {
  broker: Broker;
  counter: RequestCounter;
  faults: FaultInjector;
  app: ReturnType<typeof createApp>;
}

/** A broker on the shared emulators, with its own clients, a request counter and a fault injector. */
export function testBroker(overrides: Partial<BrookConfig> = {}): TestBroker {
  const config = { ...inject('brookConfig'), ...overrides };
  const clients = createClients(config);
  // Faults first: counted requests are the ones that reached the SDK's send path.
  const faults = new FaultInjector().attach(clients);
  const counter = new RequestCounter().attach(clients);
  const broker = createBroker(config, clients);
  return { broker, counter, faults, app: createApp(broker) };
}

export const uniqueTopic = (prefix = 't') => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Call the HTTP app in-process, the way the local server and Lambda do. */
export async function call(app: TestBroker['app'], method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body);
    if (!(body instanceof Uint8Array)) (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await app.request(`http://brook.test${path}`, init);
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, bytes, headers: res.headers };
}

/**
 * A broker on tables and a bucket of its own, for tests that sweep everything (maintenance,
 * garbage collection) and must neither see nor touch other test files' data.
 */
export async function isolatedBroker(): Promise<TestBroker> {
  const { provision } = await import('../../lib/local/provision');
  const suffix = randomUUID().slice(0, 8);
  const base = inject('brookConfig');
  const config = { ...base, metadataTable: `meta-${suffix}`, batchesTable: `batches-${suffix}`, bucket: `segments-${suffix}` };
  const clients = createClients(config);
  await provision(config, clients);
  const faults = new FaultInjector().attach(clients);
  const counter = new RequestCounter().attach(clients);
  const broker = createBroker(config, clients);
  return { broker, counter, faults, app: createApp(broker) };
}
