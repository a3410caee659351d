import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createClients } from '../../lib/aws/clients';
import { FaultInjector } from '../../lib/aws/faults';
import { commitOffsets } from '../../lib/broker/commit-offsets';
import { createBroker, type Broker } from '../../lib/broker/context';
import { createTopic } from '../../lib/broker/create-topic';
import { produce } from '../../lib/broker/produce';
import type { BrookConfig } from '../../lib/config';
import { lambdaHandler, type HttpFunctionName } from '../../lib/lambda/handler';
import { provision } from '../../lib/local/provision';
import { measureConsumerLag } from '../../lib/observability/group-lag';
import { METRIC } from '../../lib/observability/names';
import { Telemetry } from '../../lib/observability/telemetry';

// The Lambda entries' logs and EMF metrics, on tables and a bucket of this file's own (the lag
// test lists every group). Metrics are captured instead of printed.

class CapturedMetrics extends Metrics {
  readonly lines: any[] = [];
  override publishStoredMetrics(): this {
    if (this.hasStoredMetrics()) this.lines.push(this.serializeMetrics());
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }
}

/** The values of one EMF line, by metric name, with its dimension sets. */
const valuesOf = (line: any) => ({
  dimensions: line._aws.CloudWatchMetrics[0].Dimensions,
  values: Object.fromEntries(line._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => [m.Name, line[m.Name]])),
  line,
});

let config: BrookConfig;
const topic = `tel-${randomUUID().slice(0, 8)}`;
const C = () => `/v3/clusters/${config.clusterId}`;

interface Fn {
  handler: (...args: any[]) => Promise<any>;
  telemetry: Telemetry;
  metrics: CapturedMetrics;
  detailed: CapturedMetrics;
  broker: Broker;
  faults: FaultInjector;
}
const fns = {} as Record<'admin' | 'produce' | 'fetch', Fn>;

function build(fn: HttpFunctionName, env: NodeJS.ProcessEnv = {}, overrides: Partial<BrookConfig> = {}): Fn {
  const clients = createClients(config);
  const faults = new FaultInjector().attach(clients);
  const broker = createBroker({ ...config, ...overrides }, clients);
  const metrics = new CapturedMetrics({ namespace: 'Brook', serviceName: 'brook', defaultDimensions: { cluster: config.clusterId } });
  const detailed = new CapturedMetrics({ namespace: 'Brook', serviceName: 'brook', defaultDimensions: { cluster: config.clusterId } });
  const logger = new Logger({ serviceName: 'brook', logLevel: 'SILENT', persistentKeys: { cluster: config.clusterId, function: fn } });
  const telemetry = new Telemetry({ fn, clusterId: config.clusterId, metadataTable: config.metadataTable, batchesTable: config.batchesTable, detailed: true, metrics, detailedMetrics: detailed, logger });
  const handler = lambdaHandler(fn, { broker, telemetry, env });
  return { handler: handler as Fn['handler'], telemetry, metrics, detailed, broker, faults };
}

function event(method: string, path: string, body?: unknown, query = '') {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: query,
    headers: { host: 'abc.execute-api.us-east-1.amazonaws.com', ...(text ? { 'content-type': 'application/json' } : {}) },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc',
      domainName: 'abc.execute-api.us-east-1.amazonaws.com',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
      requestId,
      routeKey: `${method} ${path}`,
      stage: '$default',
      authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:user/alice' } },
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: text,
    isBase64Encoded: false,
  };
}
const context = () => ({ awsRequestId: randomUUID(), functionName: 'brook-test', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:brook-test', memoryLimitInMB: '1024' });

beforeAll(async () => {
  const suffix = randomUUID().slice(0, 8);
  config = { ...inject('brookConfig'), metadataTable: `tel-meta-${suffix}`, batchesTable: `tel-batches-${suffix}`, bucket: `tel-${suffix}` };
  await provision(config, createClients(config));
  for (const fn of ['admin', 'produce', 'fetch'] as const) fns[fn] = build(fn);
  const created = await fns.admin.handler(event('POST', `${C()}/topics`, { topic_name: topic, partitions_count: 2 }), context());
  expect(created.statusCode).toBe(201);
});

describe('Lambda telemetry (Powertools logger and EMF metrics)', () => {
  it('counts produced and fetched records and bytes, commits and AWS requests, in total and per topic', async () => {
    const produced = await fns.produce.handler(
      event('POST', `${C()}/topics/${topic}/records:batch`, {
        entries: ['a', 'b', 'c'].map((v, i) => ({ id: String(i), partition_id: 0, value: { type: 'STRING', data: v } })),
      }),
      context(),
    );
    expect(produced.statusCode).toBe(207);
    const p = valuesOf(fns.produce.metrics.lines.at(-1));
    expect(p.dimensions).toEqual([['service', 'cluster']]);
    expect(p.values).toMatchObject({ [METRIC.producedRecords]: 3, [METRIC.commits]: 1, [METRIC.s3Requests]: 1 });
    expect(p.values[METRIC.producedBytes]).toBeGreaterThan(61);
    expect(p.values[METRIC.dynamodbRequests]).toBeGreaterThanOrEqual(2);
    expect(p.values[METRIC.fetchedRecords]).toBeUndefined(); // zeros are left out of the line
    const perTopic = valuesOf(fns.produce.detailed.lines.at(-1));
    expect(perTopic.dimensions).toEqual([['service', 'cluster', 'topic']]);
    expect(perTopic.line.topic).toBe(topic);
    expect(perTopic.values).toEqual({ [METRIC.producedRecords]: 3, [METRIC.producedBytes]: p.values[METRIC.producedBytes], [METRIC.commits]: 1 });

    const fetched = await fns.fetch.handler(event('GET', `${C()}/topics/${topic}/partitions/0/records`, undefined, 'offset=0'), context());
    expect(fetched.statusCode).toBe(200);
    expect(JSON.parse(fetched.body).data).toHaveLength(3);
    const f = valuesOf(fns.fetch.metrics.lines.at(-1));
    expect(f.values).toMatchObject({ [METRIC.fetchedRecords]: 3, [METRIC.fetchedBytes]: p.values[METRIC.producedBytes], [METRIC.s3Requests]: 1 });
    expect(valuesOf(fns.fetch.detailed.lines.at(-1)).line.topic).toBe(topic);
  });

  it('a rival commit between reservation and publish is no conflict (RFC 0003)', async () => {
    const rival = createBroker(config);
    fns.produce.faults.add({
      service: 'dynamodb',
      command: 'PutItem',
      mode: 'intercept',
      times: 1,
      // Another producer commits to the same partition while ours is between its two steps.
      intercept: async () => void (await produce(rival, [{ topic, partition: 1, records: [{ key: null, value: Buffer.from('rival'), headers: [], timestamp: Date.now() }] }])),
    });
    const res = await fns.produce.handler(event('POST', `${C()}/topics/${topic}/records`, { partition_id: 1, value: { type: 'STRING', data: 'mine' } }), context());
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).offset).toBe(0);
    const line = valuesOf(fns.produce.metrics.lines.at(-1)).values;
    expect(line).toMatchObject({ [METRIC.commits]: 1, [METRIC.producedRecords]: 1 });
    expect(line[METRIC.commitConflicts]).toBeUndefined(); // zeros are left out of the line
  });

  it('counts a commit that lost the race for the head as a conflict (conditional protocol)', async () => {
    const conditional = build('produce', {}, { commitProtocol: 'conditional' });
    const rival = createBroker({ ...config, commitProtocol: 'conditional' });
    conditional.faults.add({
      service: 'dynamodb',
      command: 'TransactWriteItems',
      mode: 'intercept',
      times: 1,
      intercept: async () => void (await produce(rival, [{ topic, partition: 1, records: [{ key: null, value: Buffer.from('rival'), headers: [], timestamp: Date.now() }] }])),
    });
    const res = await conditional.handler(event('POST', `${C()}/topics/${topic}/records`, { partition_id: 1, value: { type: 'STRING', data: 'mine' } }), context());
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).offset).toBe(3);
    expect(valuesOf(conditional.metrics.lines.at(-1)).values).toMatchObject({ [METRIC.commits]: 1, [METRIC.commitConflicts]: 1, [METRIC.producedRecords]: 1 });
  });

  it('logs each request as JSON with the API request id, the Lambda request id and the caller; a 5xx at ERROR', async () => {
    const logger = fns.produce.telemetry.logger;
    logger.setLogLevel('DEBUG');
    const out: string[] = [];
    const capture = ((chunk: string) => (out.push(String(chunk)), true)) as never;
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {}); // the app's own 5xx line
    const ok = event('POST', `${C()}/topics/${topic}/records`, { partition_id: 0, value: { type: 'STRING', data: 'x' } });
    const okContext = context();
    fns.produce.faults.clear();
    try {
      await fns.produce.handler(ok, okContext);
      fns.produce.faults.add({ service: 's3', command: 'PutObject', mode: 'fail-before', times: Infinity });
      const failing = event('POST', `${C()}/topics/${topic}/records`, { partition_id: 0, value: { type: 'STRING', data: 'y' } });
      const failed = await fns.produce.handler(failing, context());
      expect(failed.statusCode).toBe(503);
      const lines = out.flatMap((c) => c.split('\n')).filter((l) => l.startsWith('{"level"')).map((l) => JSON.parse(l));
      expect(lines.map((l) => [l.level, l.message, l.status])).toEqual([
        ['DEBUG', 'request', 200],
        ['ERROR', 'request failed', 503],
      ]);
      expect(lines[0]).toMatchObject({
        service: 'brook',
        cluster: config.clusterId,
        function: 'produce',
        correlation_id: ok.requestContext.requestId,
        function_request_id: okContext.awsRequestId,
        route: ok.routeKey,
        caller: 'arn:aws:iam::123456789012:user/alice',
        method: 'POST',
        path: ok.rawPath,
        produced: { records: 1 },
        requests: expect.objectContaining({ 's3:PutObject': 1, 'dynamodb:PutItem': 1 }),
      });
      expect(lines[1]).toMatchObject({ correlation_id: failing.requestContext.requestId, s3Requests: expect.any(Number) });
    } finally {
      fns.produce.faults.clear();
      write.mockRestore();
      writeErr.mockRestore();
      errors.mockRestore();
      logger.setLogLevel('SILENT');
    }
  });

  it('streams the answer behind a function URL in streaming mode, and still publishes metrics', async () => {
    const metadata: unknown[] = [];
    (globalThis as any).awslambda = {
      streamifyResponse: (fn: unknown) => fn,
      HttpResponseStream: { from: (stream: Writable, meta: unknown) => (metadata.push(meta), stream) },
    };
    try {
      const api = build('api', { BROOK_RESPONSE_STREAMING: 'true' });
      const chunks: Buffer[] = [];
      const sink = new Writable({ write: (chunk, _enc, done) => (chunks.push(Buffer.from(chunk)), done()) });
      const finished = new Promise((resolve) => sink.on('finish', resolve));
      await api.handler(event('GET', `${C()}/topics/${topic}`), sink, context());
      await finished;
      expect(metadata).toEqual([expect.objectContaining({ statusCode: 200 })]);
      expect(JSON.parse(Buffer.concat(chunks).toString()).topic_name).toBe(topic);
      expect(valuesOf(api.metrics.lines.at(-1)).values[METRIC.dynamodbRequests]).toBeGreaterThanOrEqual(1);
    } finally {
      delete (globalThis as any).awslambda;
    }
  });

  it('measures consumer lag per group and the largest over all groups', async () => {
    const broker = createBroker(config);
    await produce(broker, [{ topic, partition: 0, records: ['1', '2', '3'].map((v) => ({ key: null, value: Buffer.from(v), headers: [], timestamp: Date.now() })) }]);
    const lagTopic = `lag-${randomUUID().slice(0, 8)}`;
    await createTopic(broker, { topicName: lagTopic, partitionsCount: 1 } as never);
    await produce(broker, [{ topic: lagTopic, partition: 0, records: ['1', '2'].map((v) => ({ key: null, value: Buffer.from(v), headers: [], timestamp: Date.now() })) }]);
    await commitOffsets(broker, 'far-behind', { offsets: [{ topic, partition: 0, offset: 1 }] });
    await commitOffsets(broker, 'caught-up', { offsets: [{ topic: lagTopic, partition: 0, offset: 2 }] });
    const head = (await fns.fetch.handler(event('GET', `${C()}/topics/${topic}/partitions/0/offset`), context())).body;
    const end = JSON.parse(head).latest_offset as number;

    const { telemetry, metrics, detailed } = build('admin');
    const { report, data } = await measureConsumerLag(broker, telemetry);
    expect(report).toEqual({ groups: 2, maxLag: end - 1, maxGroup: 'far-behind', failed: 0 });
    telemetry.flush(data);
    expect(valuesOf(metrics.lines.at(-1)).values[METRIC.maxConsumerLag]).toBe(end - 1);
    const perGroup = detailed.lines.map(valuesOf).map((l) => [l.line.group, l.values[METRIC.consumerLag]]);
    expect(perGroup.sort()).toEqual([
      ['caught-up', 0],
      ['far-behind', end - 1],
    ]);
  });

  it('the maintenance entry measures lag, then runs a pass, and logs both', async () => {
    const saved = { ...process.env };
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
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string) => (out.push(String(chunk)), true)) as never);
    try {
      const { handler } = await import('../../functions/maintenance');
      const report = await handler({}, context() as never);
      expect(report.partitionsChecked).toBeGreaterThanOrEqual(3);
    } finally {
      write.mockRestore();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
    const lines = out.flatMap((c) => c.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(lines.find((l) => l.message === 'consumer lag')).toMatchObject({ groups: 2, maxGroup: 'far-behind', function: 'maintenance' });
    expect(lines.find((l) => l.message === 'maintenance run')).toMatchObject({ partitionsChecked: expect.any(Number), dynamodbRequests: expect.any(Number) });
    const emf = lines.find((l) => l._aws);
    expect(emf._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).toEqual(expect.arrayContaining([METRIC.maxConsumerLag, METRIC.dynamodbRequests]));
  });
});
