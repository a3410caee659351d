import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { routeTable } from '../../lib/http/route-table';
import type { BrookFunction } from '../../lib/http/routes/route';

// The deployed entry points, driven with API Gateway HTTP API (payload 2.0) events against the
// shared emulators: what the bundles run, minus the bundling.

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string; isBase64Encoded: boolean; headers?: Record<string, string> }>;

const config = inject('brookConfig');
const C = `/v3/clusters/${config.clusterId}`;
const DOMAIN = 'abc123.execute-api.us-east-1.amazonaws.com';
const routes = routeTable();
const handlers = {} as Record<BrookFunction, Handler>;
const savedEnv = { ...process.env };

/** The route API Gateway would match (its template is the event's routeKey). */
function routeFor(method: string, path: string) {
  const route = routes.find((r) => r.method === method && new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
  if (!route) throw new Error(`no API route for ${method} ${path}`);
  return route;
}

interface Call {
  query?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** API Gateway base64-encodes bodies it does not take for text. */
  base64?: boolean;
}

/** Invoke the function API Gateway would route this request to, with a v2 event. */
async function invoke(fn: BrookFunction, method: string, path: string, call: Call = {}) {
  const route = routeFor(method, path);
  expect(route.fn, `${method} ${path} is served by ${route.fn}`).toBe(fn);
  const text = call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  const now = Date.now();
  const event = {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: path,
    rawQueryString: call.query ?? '',
    headers: {
      host: DOMAIN,
      'user-agent': 'vitest',
      ...(text !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) } : {}),
      ...call.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: DOMAIN,
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
      requestId: randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body: text === undefined ? undefined : call.base64 ? Buffer.from(text).toString('base64') : text,
    isBase64Encoded: call.base64 ?? false,
  };
  const res = await handlers[fn](event, { awsRequestId: event.requestContext.requestId });
  const bytes = res.isBase64Encoded ? Buffer.from(res.body, 'base64') : Buffer.from(res.body);
  let json: any;
  try {
    json = JSON.parse(bytes.toString());
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers ?? {}, isBase64Encoded: res.isBase64Encoded, bytes, json };
}

beforeAll(async () => {
  // The functions read their configuration when imported, as in a cold Lambda container.
  Object.assign(process.env, {
    BROOK_CLUSTER_ID: config.clusterId,
    BROOK_METADATA_TABLE: config.metadataTable,
    BROOK_BATCHES_TABLE: config.batchesTable,
    BROOK_BUCKET: config.bucket,
    AWS_REGION: config.region,
    AWS_ENDPOINT_URL_S3: config.endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: config.endpoints.dynamodb,
    AWS_ACCESS_KEY_ID: config.credentials!.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.credentials!.secretAccessKey,
    // Telemetry has its own tests (telemetry.test.ts): keep this output quiet.
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  handlers.admin = (await import('../../functions/admin')).handler as Handler;
  handlers.produce = (await import('../../functions/produce')).handler as Handler;
  handlers.fetch = (await import('../../functions/fetch')).handler as Handler;
});

afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe('Lambda entry points (API Gateway HTTP API v2 events)', () => {
  it('creates a topic, produces a record and fetches it back, each through its own function', async () => {
    const topic = `lambda-${randomUUID().slice(0, 8)}`;
    const created = await invoke('admin', 'POST', `${C}/topics`, { body: { topic_name: topic, partitions_count: 1 } });
    expect(created.status).toBe(201);
    expect(created.json.topic_name).toBe(topic);

    const value = { hello: 'lambda', n: 1 };
    const produced = await invoke('produce', 'POST', `${C}/topics/${topic}/records`, {
      body: { partition_id: 0, key: { type: 'STRING', data: 'k' }, value: { type: 'JSON', data: value } },
    });
    expect(produced.status).toBe(200);
    expect(produced.json).toMatchObject({ error_code: 200, partition_id: 0, offset: 0 });

    // A base64-encoded request body (as API Gateway sends non-text bodies) is decoded first.
    const second = await invoke('produce', 'POST', `${C}/topics/${topic}/records`, {
      body: { partition_id: 0, value: { type: 'STRING', data: 'two' } },
      base64: true,
    });
    expect(second.status).toBe(200);
    expect(second.json.offset).toBe(1);

    const fetched = await invoke('fetch', 'GET', `${C}/topics/${topic}/partitions/0/records`, {
      query: 'offset=0&key_format=STRING&value_format=JSON',
    });
    expect(fetched.status).toBe(200);
    expect(fetched.isBase64Encoded).toBe(false);
    expect(fetched.json.data.map((r: any) => r.offset)).toEqual([0, 1]);
    expect(fetched.json.data[0].key).toEqual({ type: 'STRING', data: 'k' });
    expect(fetched.json.data[0].value).toEqual({ type: 'JSON', data: value });

    // Raw Kafka batches are binary: the function answers them base64-encoded for API Gateway.
    const raw = await invoke('fetch', 'GET', `${C}/topics/${topic}/partitions/0/records`, {
      query: 'offset=0',
      headers: { accept: 'application/vnd.kafka.record-batches' },
    });
    expect(raw.status).toBe(200);
    expect(raw.isBase64Encoded).toBe(true);
    expect(raw.bytes.length).toBeGreaterThan(61); // at least one v2 batch header
    expect(raw.bytes.readInt8(16)).toBe(2); // magic byte of the first batch
  });

  it('answers a bad request with a 4xx and the v3 error body', async () => {
    const bad = await invoke('admin', 'POST', `${C}/topics`, { body: { topic_name: 'no spaces allowed!', partitions_count: 1 } });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect(bad.json).toMatchObject({ error_code: expect.any(Number), message: expect.any(String) });
    expect(String(bad.json.error_code).startsWith(String(bad.status))).toBe(true);

    const missing = await invoke('fetch', 'GET', `${C}/topics/no-such-topic-${randomUUID().slice(0, 8)}/partitions/0/records`, { query: 'offset=0' });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error_code: 40403, message: expect.any(String) });
  });
});
