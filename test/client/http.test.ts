// The HTTP layer on its own, against a scripted fetch: SigV4 signing, retries, error mapping.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../lib/client/http';
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from '../../lib/index';
import { quiet } from './support';

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** A fetch that records each call and answers from a script (a Response, or an Error to throw). */
function scripted(answers: Array<Response | Error | (() => Response)>) {
  const seen: Seen[] = [];
  const fn: typeof fetch = async (input, init) => {
    seen.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v])),
      body: init?.body ? Buffer.from(init.body as Uint8Array) : undefined,
    });
    const next = answers.length > 1 ? answers.shift()! : answers[0]!;
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next() : next.clone();
  };
  return { fn, seen };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const fast = { initialRetryTime: 1, maxRetryTime: 1000, retries: 3 };

/** An independent SigV4 check (AWS's documented algorithm) of a request the client signed. */
function verifySigV4(req: Seen, secret: string, region: string, service: string) {
  const url = new URL(req.url);
  const auth = req.headers.authorization!;
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  expect(m, auth).not.toBeNull();
  const [, , date, r, s, signedHeaders, signature] = m!;
  expect([r, s]).toEqual([region, service]);
  const headers = { ...req.headers, host: url.host };
  const canonicalHeaders = signedHeaders!.split(';').map((h) => `${h}:${String(headers[h as keyof typeof headers]).trim()}\n`).join('');
  const query = [...url.searchParams].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).sort().join('&');
  const path = url.pathname.split('/').map((seg) => encodeURIComponent(seg)).join('/'); // encoded twice in total, as for every service but S3
  const payload = createHash('sha256').update(req.body ?? Buffer.alloc(0)).digest('hex');
  const canonical = [req.method, path, query, canonicalHeaders, signedHeaders, payload].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', req.headers['x-amz-date'], scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region), service), 'aws4_request');
  expect(createHmac('sha256', key).update(toSign).digest('hex')).toBe(signature);
}

describe('HTTP client', () => {
  it('signs requests with SigV4 for API Gateway (execute-api), region from the host name', async () => {
    const { fn, seen } = scripted([json(200, { ok: true })]);
    const http = new HttpClient({
      url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      clusterId: 'c1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
      fetch: fn,
      logger: quiet,
    });
    await http.json({ method: 'POST', path: 'v3/clusters/{cluster}/topics', json: { topic_name: 't' }, query: { a: 'b c' } });
    expect(seen[0]!.url).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/v3/clusters/c1/topics?a=b+c');
    expect(seen[0]!.headers['x-amz-security-token']).toBe('token');
    verifySigV4(seen[0]!, 'secret', 'eu-west-1', 'execute-api');
  });

  it('signs for a Lambda function URL (service lambda, payload hash header)', async () => {
    const { fn, seen } = scripted([json(200, {})]);
    const http = new HttpClient({
      url: 'https://xyz.lambda-url.us-east-2.on.aws',
      clusterId: 'c1',
      credentials: async () => ({ accessKeyId: 'AKID', secretAccessKey: 's3cr3t' }),
      fetch: fn,
    });
    await http.send({ method: 'POST', path: 'v3/clusters/{cluster}/batches', body: Buffer.from([1, 2, 3]), contentType: 'application/vnd.brook.batches' });
    expect(seen[0]!.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(Buffer.from([1, 2, 3])).digest('hex'));
    verifySigV4(seen[0]!, 's3cr3t', 'us-east-2', 'lambda');
  });

  it('sends no signature without credentials, and finds the cluster id once', async () => {
    const { fn, seen } = scripted([json(200, { data: [{ cluster_id: 'found' }] }), json(200, {})]);
    const http = new HttpClient({ url: 'http://localhost:8082', fetch: fn });
    await http.json({ method: 'GET', path: 'v3/clusters/{cluster}/topics' });
    await http.json({ method: 'GET', path: 'v3/clusters/{cluster}/topics' });
    expect(seen.map((s) => s.url)).toEqual(['http://localhost:8082/v3/clusters', 'http://localhost:8082/v3/clusters/found/topics', 'http://localhost:8082/v3/clusters/found/topics']);
    expect(seen[1]!.headers.authorization).toBeUndefined();
  });

  it('retries retriable answers (5xx, 429, no answer) with backoff, not 4xx', async () => {
    const storage = json(503, { error_code: 50302, message: 'S3 down', error_name: 'KAFKA_STORAGE_ERROR', kafka_error_code: 56, retriable: true });
    const throttled = new Response('Too Many Requests', { status: 429 });
    const { fn, seen } = scripted([storage, throttled, new TypeError('fetch failed'), json(200, { fine: 1 })]);
    const http = new HttpClient({ url: 'http://x', clusterId: 'c', fetch: fn, retry: fast });
    expect(await http.json({ method: 'GET', path: 'v3/clusters/{cluster}' })).toEqual({ fine: 1 });
    expect(seen).toHaveLength(4);

    const bad = scripted([json(400, { error_code: 40002, message: 'Topic already exists.', error_name: 'TOPIC_ALREADY_EXISTS', kafka_error_code: 36, retriable: false })]);
    const err = await new HttpClient({ url: 'http://x', clusterId: 'c', fetch: bad.fn, retry: fast }).json({ method: 'GET', path: 'a' }).catch((e) => e);
    expect(bad.seen).toHaveLength(1);
    expect(err).toBeInstanceOf(KafkaJSProtocolError);
    expect(err).toMatchObject({ type: 'TOPIC_ALREADY_EXISTS', code: 36, retriable: false, status: 400, message: 'Topic already exists.' });
  });

  it('gives up after the retries with KafkaJSNumberOfRetriesExceeded wrapping the last error', async () => {
    const { fn, seen } = scripted([new TypeError('fetch failed')]);
    const err = (await new HttpClient({ url: 'http://x', clusterId: 'c', fetch: fn, retry: fast })
      .json({ method: 'GET', path: 'a' })
      .catch((e) => e)) as KafkaJSNumberOfRetriesExceeded;
    expect(seen).toHaveLength(4);
    expect(err).toBeInstanceOf(KafkaJSNumberOfRetriesExceeded);
    expect(err.retryCount).toBe(3);
    expect(err.cause).toBeInstanceOf(KafkaJSConnectionError);
    expect(err.retriable).toBe(false);
  });

  it('maps answers from a gateway (no Kafka error in the body) to Kafka names', async () => {
    const cases: Array<[number, string, boolean]> = [
      [403, 'CLUSTER_AUTHORIZATION_FAILED', false],
      [401, 'SASL_AUTHENTICATION_FAILED', false],
      [413, 'RECORD_LIST_TOO_LARGE', false],
      [504, 'REQUEST_TIMED_OUT', true],
      [502, 'NETWORK_EXCEPTION', true],
    ];
    for (const [status, type, retriable] of cases) {
      const { fn } = scripted([json(status, { message: 'Forbidden' })]);
      const err = await new HttpClient({ url: 'http://x', clusterId: 'c', fetch: fn }).json({ method: 'GET', path: 'a' }, false).catch((e) => e);
      expect(err).toMatchObject({ name: 'KafkaJSProtocolError', type, retriable, status });
    }
  });
});
