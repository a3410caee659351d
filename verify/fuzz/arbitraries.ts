/**
 * Hostile HTTP requests for every route of routeTable(), plus unknown paths and methods. Each
 * request is assembled from Parts (cluster id, topic, partition, query, body ...); a request is
 * kept only if at least one Part is certainly invalid, and its `why` lists those Parts.
 */
import fc from 'fast-check';
import { MAX_REQUEST_BYTES } from '../../lib/http/app';
import { MAX_FETCH_BYTES, MAX_WAIT_LIMIT_MS } from '../../lib/http/routes/fetch';
import type { RouteEntry } from '../../lib/http/route-table';
import { corruptBatch, corruptFrames, frame, hopelessBody, oversizedBatch, validBatches } from './batches';
import { alterConfigsBody, createTopicBody, deleteRecordsBody, patchBody } from './admin-bodies';
import { batchBody, fetchManyBody, recordsBody, validRecord } from './bodies';
import {
  bad,
  badReasons,
  good,
  hugeDigits,
  illegalPathName,
  legalString,
  negativeInt,
  query,
  segment,
  show,
  toJson,
  unknownTopicName,
  wrongClusterId,
  type Part,
} from './values';

/** A fixture topic the fuzzer may aim at: its partitions, their log end offsets, its size limit. */
export interface FuzzTopic {
  name: string;
  partitions: number;
  nextOffsets: number[];
  maxMessageBytes: number;
}

export interface FuzzContext {
  clusterId: string;
  topics: FuzzTopic[];
  routes: RouteEntry[];
  /** Start of every fixture name; with `shared`, of every valid name generated too. */
  prefix: string;
  /** Other clients use the same tables (the test run's emulators): never aim at names outside `prefix`. */
  shared: boolean;
}

export interface FuzzRequest {
  /** The route aimed at, as "METHOD /path/{param}", or "unknown path" / "unknown method". */
  route: string;
  method: string;
  /** Encoded path and query string. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** What makes the request invalid. */
  why: string;
}

export const routeKey = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

/** Arbitraries chain() needs per topic (and partition) of one context: built once each, not once per value. */
function memo<A extends unknown[], R>(build: (...args: A) => R): (...args: A) => R {
  const cache = new Map<string, R>();
  return (...args: A) => {
    const key = args.map((a) => (a && typeof a === 'object' ? (a as { name?: string }).name : String(a))).join('|');
    let hit = cache.get(key);
    if (hit === undefined) cache.set(key, (hit = build(...args)));
    return hit;
  };
}

type Draft = { parts: Array<Part<unknown> | undefined>; method: string; path: string; headers?: Record<string, string>; body?: string | Uint8Array };

/** Keep drafts with at least one invalid part; they become requests labelled with `route`. */
const hostile = (route: string, drafts: fc.Arbitrary<Draft>): fc.Arbitrary<FuzzRequest> =>
  drafts
    .filter((d) => badReasons(d.parts.filter((p): p is Part<unknown> => p !== undefined)) !== undefined)
    .map((d) => ({
      route,
      method: d.method,
      path: d.path,
      headers: d.headers ?? {},
      ...(d.body === undefined ? {} : { body: d.body }),
      why: badReasons(d.parts.filter((p): p is Part<unknown> => p !== undefined))!,
    }));

// ---- path parameters ----

interface Target {
  path: string;
  parts: Array<Part<unknown> | undefined>;
  /** The fixture topic named in the path, if the topic part is valid. */
  topic?: FuzzTopic;
  /** The partition in the path, if that part is valid. */
  partition?: number;
}

const clusterPart = (ctx: FuzzContext) => fc.oneof({ weight: 6, arbitrary: good(fc.constant(ctx.clusterId)) }, { weight: 1, arbitrary: wrongClusterId(ctx.clusterId) });

type TopicPart = Part<string> & { fixture?: FuzzTopic };
const topicPart = (ctx: FuzzContext): fc.Arbitrary<TopicPart> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...ctx.topics).map((t) => ({ value: t.name, fixture: t })) },
    { weight: 3, arbitrary: bad(unknownTopicName(ctx.topics.map((t) => t.name), ctx.prefix, ctx.shared), (n) => `unknown topic ${show(n)}`) },
    { weight: 2, arbitrary: illegalPathName },
  );

/** Partition ids in a path: valid ones, out of range ones, and strings that are not decimal integers. */
const partitionPart = (t?: FuzzTopic): fc.Arbitrary<Part<string>> => {
  const count = t?.partitions ?? 1;
  return fc.oneof(
    { weight: 8, arbitrary: good(fc.integer({ min: 0, max: count - 1 }).map(String)) },
    { weight: 2, arbitrary: bad(fc.integer({ min: count, max: count + 5 }).map(String), (p) => `partition ${p} of a ${count}-partition topic`) },
    { weight: 1, arbitrary: bad(fc.oneof(negativeInt.map(String), hugeDigits, fc.constantFrom(String(2 ** 31), String(2 ** 53))), (p) => `partition ${show(p)}`) },
    {
      weight: 2,
      arbitrary: bad(fc.constantFrom('abc', 'NaN', 'Infinity', '-Infinity', 'null', 'undefined', 'true', '1e309', '-1e309', '0.5', '1.5', '1,0', '1_0', '٣', '½', '0..1', '--1', 'x1'), (p) => `partition ${show(p)}`),
    },
    // Spellings that JavaScript's Number() reads as 0 but no integer parser accepts.
    { weight: 1, arbitrary: bad(fc.constantFrom('0x0', '0b0', '0o0', '0e0', '0.0', '0.', ' 0', '0 ', '\t0'), (p) => `partition id ${show(p)} is not a decimal integer`) },
  );
};

function target(ctx: FuzzContext, template: string): fc.Arbitrary<Target> {
  const has = (name: string) => template.includes(`{${name}}`);
  const cluster = has('cluster_id') ? clusterPart(ctx) : fc.constant(undefined);
  const topic = has('topic_name') ? topicPart(ctx) : fc.constant(undefined);
  const partition = memo(partitionPart);
  return fc.tuple(cluster, topic).chain(([c, t]) =>
    (has('partition_id') ? partition(t?.fixture) : fc.constant(undefined)).map((p) => ({
      path: fill(template, { cluster_id: c?.value, topic_name: t?.value, partition_id: p?.value }),
      parts: [c, t, p],
      ...(t && !t.bad && t.fixture ? { topic: t.fixture } : {}),
      ...(p && !p.bad ? { partition: Number(p.value) } : {}),
    })),
  );
}

const fill = (template: string, params: Record<string, string | undefined>) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => segment(params[name] ?? 'x'));

/** The template with valid values: only the method or the path's tail makes such a request invalid. */
const validPath = (ctx: FuzzContext, template: string) =>
  fill(template, { cluster_id: ctx.clusterId, topic_name: ctx.topics[0]!.name, partition_id: '0' });

/** Query parameters no route reads: harmless, so they never make a request invalid. */
const neutralQuery = fc.array(fc.tuple(fc.constantFrom('offset', 'max_wait_ms', 'x', 'validate_only', 'partition_id', ''), fc.constantFrom('-1', '1e309', 'NaN', '', '%', '0')), { maxLength: 2 });

// ---- content types ----
// Neutral: a wrong content type never counts as the invalid part, since lenient servers accept any
// and Brook's plain-handler routes (records, batches) do not read it. It rides along with other faults.

const jsonContentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/vnd.kafka.json.v2+json', '') },
);
const jsonHeaders = (ct: string): Record<string, string> => (ct === '' ? {} : { 'content-type': ct });

// ---- routes ----

/** GET routes with no parameters: nothing to get wrong but the method and the path itself. */
function noInputRoute(ctx: FuzzContext, r: RouteEntry): fc.Arbitrary<FuzzRequest> {
  const served = ctx.routes.filter((x) => x.path === r.path).map((x) => x.method);
  return hostile(
    routeKey(r),
    fc.oneof(
      otherMethod(served).map((method): Draft => ({ parts: [{ value: method, bad: `method ${method} is not served at ${r.path}` }], method, path: r.path })),
      bad(fc.constantFrom('/', '//', '.', '%20', '%00', '~', '.bak', ';x'), (s) => `path ${r.path}${s}`).map((p): Draft => ({ parts: [p], method: r.method, path: r.path + p.value })),
      fc.constant<Draft>({ parts: [{ value: 0, bad: `path ${r.path.toUpperCase()} (paths are case-sensitive)` }], method: r.method, path: r.path.toUpperCase() }),
    ),
  );
}

/** Routes whose only inputs are path parameters (admin GETs, DELETE) and any route without a specific generator. */
function pathOnlyRoute(ctx: FuzzContext, r: RouteEntry): fc.Arbitrary<FuzzRequest> {
  return hostile(
    routeKey(r),
    fc.tuple(target(ctx, r.path), neutralQuery).map(([t, q]) => ({ parts: t.parts, method: r.method, path: t.path + query(q) })),
  );
}

function jsonBodyRoute(ctx: FuzzContext, r: RouteEntry, bodyFor: (t?: FuzzTopic, partition?: number) => fc.Arbitrary<Part<string>>): fc.Arbitrary<FuzzRequest> {
  const body = memo(bodyFor);
  return hostile(
    routeKey(r),
    target(ctx, r.path).chain((t) =>
      fc.tuple(body(t.topic, t.partition), jsonContentType).map(([b, ct]) => ({ parts: [...t.parts, b], method: r.method, path: t.path, headers: jsonHeaders(ct), body: b.value })),
    ),
  );
}

function binaryProduceRoute(ctx: FuzzContext, r: RouteEntry): fc.Arbitrary<FuzzRequest> {
  const headers = { 'content-type': 'application/vnd.brook.batches' };
  const frameTopic: fc.Arbitrary<Part<Buffer> & { fixture?: FuzzTopic }> = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...ctx.topics).map((t) => ({ value: Buffer.from(t.name), fixture: t })) },
    { weight: 1, arbitrary: topicPart(ctx).filter((t) => t.bad !== undefined).map((t) => ({ value: Buffer.from(t.value), bad: t.bad })) },
    { weight: 1, arbitrary: bad(fc.tuple(fc.constantFrom(...ctx.topics), fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88])).map(([t, b]) => Buffer.concat([Buffer.from(t.name), Buffer.from(b)])), 'topic name is not UTF-8') },
  );
  const framePartition = memo((t?: FuzzTopic) =>
    fc.oneof(
      { weight: 6, arbitrary: good(fc.integer({ min: 0, max: (t?.partitions ?? 1) - 1 })) },
      { weight: 1, arbitrary: bad(fc.oneof(fc.constantFrom(-1, -(2 ** 31), 2 ** 31 - 1), fc.integer({ min: t?.partitions ?? 1, max: (t?.partitions ?? 1) + 5 })), (p) => `frame partition ${p}`) },
    ));
  const frameBatches = memo((t?: FuzzTopic) =>
    fc.oneof(
      { weight: 3, arbitrary: validBatches },
      { weight: 5, arbitrary: corruptBatch() },
      ...(t && t.maxMessageBytes <= 65_536 ? [{ weight: 1, arbitrary: bad(oversizedBatch(t.maxMessageBytes), `batch over max.message.bytes ${t.maxMessageBytes}`) }] : []),
    ));
  const oneFrame = frameTopic.chain((t) => fc.tuple(fc.constant(t), framePartition(t.fixture), frameBatches(t.bad ? undefined : t.fixture)));
  const frames = fc.array(oneFrame, { minLength: 1, maxLength: 3 }).chain((specs) => {
    const encoded = specs.map(([t, p, b]) => frame(t.value, p.value, b.value));
    const body = Buffer.concat(encoded);
    const parts = specs.flatMap(([t, p, b]) => [t, p, b]);
    const [lastTopic, , lastBatches] = specs[specs.length - 1]!;
    const damage = lastBatches.bad === undefined ? [corruptFrames(body, body.length - encoded[encoded.length - 1]!.length, lastTopic.value.length)] : [];
    return fc.oneof({ weight: 3, arbitrary: fc.constant({ value: body } as Part<Buffer>) }, ...damage.map((arbitrary) => ({ weight: 1, arbitrary }))).map((b) => ({ parts: [...parts, b], body: b.value }));
  });
  return hostile(
    routeKey(r),
    fc.tuple(target(ctx, r.path), fc.oneof({ weight: 8, arbitrary: frames }, { weight: 1, arbitrary: hopelessBody.map((b) => ({ parts: [b], body: b.value })) })).map(([t, b]) => ({
      parts: [...t.parts, ...b.parts],
      method: r.method,
      path: t.path,
      headers,
      body: b.body,
    })),
  );
}

/** GET .../records: offsets out of range or not integers, sizes and waits over their limits, unknown formats. */
function fetchRoute(ctx: FuzzContext, r: RouteEntry): fc.Arbitrary<FuzzRequest> {
  const notDecimal = fc.constantFrom('-1', '1e309', 'NaN', '', 'abc', '1.5', '0x1', ' 1', '+1', '-0', '1e3', 'Infinity');
  const format = fc.oneof(
    { weight: 3, arbitrary: good(fc.constantFrom(undefined, 'BINARY', 'STRING', 'JSON')) },
    { weight: 1, arbitrary: bad(fc.constantFrom('json', 'binary', 'AVRO', '', 'JSON ', 'STRING,JSON'), (f) => `format ${show(f)}`) },
  );
  const queryFor = memo((topic?: FuzzTopic, partition?: number) => {
    const next = topic && partition !== undefined ? topic.nextOffsets[partition]! : 0;
    // Valid offsets stay below the log end so that no valid-looking fetch waits.
    const offset = fc.oneof(
      { weight: 3, arbitrary: good(fc.integer({ min: 0, max: Math.max(0, next - 1) }).map(String)) },
      { weight: 1, arbitrary: bad(fc.constant(undefined), 'no offset') },
      { weight: 2, arbitrary: bad(fc.oneof(notDecimal, hugeDigits), (o) => `offset ${show(o)}`) },
      { weight: 2, arbitrary: bad(fc.oneof(fc.integer({ min: next + 1, max: next + 1000 }), fc.constant(Number.MAX_SAFE_INTEGER)).map(String), (o) => `offset ${o} past the log end ${next}`) },
    );
    const maxBytes = fc.oneof(
      { weight: 3, arbitrary: good(fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: MAX_FETCH_BYTES }).map(String))) },
      { weight: 1, arbitrary: bad(fc.oneof(fc.integer({ min: MAX_FETCH_BYTES + 1, max: 2 ** 40 }).map(String), notDecimal, hugeDigits), (v) => `max_bytes ${show(v)}`) },
    );
    const maxWait = fc.oneof(
      { weight: 3, arbitrary: good(fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 50 }).map(String))) },
      { weight: 1, arbitrary: bad(fc.oneof(fc.integer({ min: MAX_WAIT_LIMIT_MS + 1, max: 10_000_000 }).map(String), notDecimal, hugeDigits), (v) => `max_wait_ms ${show(v)}`) },
    );
    const accept = fc.constantFrom(undefined, 'application/json', 'application/vnd.kafka.record-batches');
    return fc.tuple(offset, maxBytes, maxWait, format, format, neutralQuery, accept);
  });
  return hostile(
    routeKey(r),
    target(ctx, r.path).chain((t) =>
      queryFor(t.topic, t.partition).map(([o, b, w, kf, vf, extra, acc]): Draft => {
        const q: Array<[string, string]> = [];
        if (o.value !== undefined) q.push(['offset', o.value]);
        if (b.value !== undefined) q.push(['max_bytes', b.value]);
        if (w.value !== undefined) q.push(['max_wait_ms', w.value]);
        if (kf.value !== undefined) q.push(['key_format', kf.value]);
        if (vf.value !== undefined) q.push(['value_format', vf.value]);
        const neutral = extra.filter(([k]) => k !== 'offset' && k !== 'max_wait_ms');
        return { parts: [...t.parts, o, b, w, kf, vf], method: r.method, path: t.path + query([...q, ...neutral]), headers: acc ? { accept: acc } : {} };
      }),
    ),
  );
}

/** GET .../offset: the same path parts, and a timestamp that is not milliseconds. */
function offsetRoute(ctx: FuzzContext, r: RouteEntry): fc.Arbitrary<FuzzRequest> {
  const timestamp = fc.oneof(
    { weight: 2, arbitrary: good(fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 4_102_444_800_000 }).map(String))) },
    { weight: 1, arbitrary: bad(fc.oneof(fc.constantFrom('-1', 'abc', '1e309', '', '1.5', 'now', '2024-01-01T00:00:00Z', '+1'), hugeDigits), (v) => `timestamp ${show(v)}`) },
  );
  return hostile(
    routeKey(r),
    fc.tuple(target(ctx, r.path), timestamp).map(([t, ts]) => ({ parts: [...t.parts, ts], method: r.method, path: t.path + query(ts.value === undefined ? [] : [['timestamp', ts.value]]) })),
  );
}

// ---- outside the route table ----

const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK', 'HEAD', 'OPTIONS']); // fetch refuses the first three; HEAD and OPTIONS may be answered
const otherMethod = (served: string[]) =>
  fc
    .oneof(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'PURGE', 'PROPFIND', 'COPY', 'MOVE', 'LINK', 'UNLINK', 'BREW', 'QUERY', 'M-SEARCH', 'SEARCH', 'REPORT', 'MKCOL', 'LOCK'), fc.stringMatching(/^[A-Z]{3,10}$/))
    .filter((m) => !served.includes(m) && !FORBIDDEN_METHODS.has(m));

function unknownMethod(ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const paths = [...new Set(ctx.routes.map((r) => r.path))];
  return hostile(
    'unknown method',
    fc.constantFrom(...paths).chain((template) =>
      fc.tuple(otherMethod(ctx.routes.filter((r) => r.path === template).map((r) => r.method)), validRecord(ctx.topics[0])).map(([method, rec]) => ({
        parts: [{ value: method, bad: `method ${method} on ${template}` }],
        method,
        path: validPath(ctx, template),
        ...(method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: toJson(rec) }),
      })),
    ),
  );
}

/** Paths that no route serves. */
function unknownPath(ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const templates = ctx.routes.map((r) => new RegExp(`^${r.path.split('/').map((s) => (/^\{\w+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`));
  const isRoute = (path: string) => {
    const pathname = new URL(path, 'http://brook.test').pathname;
    let decoded = pathname;
    try {
      decoded = decodeURI(pathname.replace(/%25/g, '%2525'));
    } catch {
      // undecodable: matched as is
    }
    return templates.some((re) => re.test(decoded) || re.test(pathname));
  };
  const seg = fc.oneof(legalString(1, 12), fc.constantFrom('consumers', 'acls', 'brokers', 'consumer-groups', 'topics', 'records', 'partitions', 'configs', 'offset', 'offsets', 'batches', 'records:produce', '%', '%zz', '%00', '~', 'ü', '')).filter((s) => s !== '.' && s !== '..');
  const raw = (s: string) => (s.startsWith('%') ? s : segment(s));
  const c = segment(ctx.clusterId);
  const t = segment(ctx.topics[0]!.name);
  const prefixes = [``, `/v3`, `/v3/clusters/${c}`, `/v3/clusters/${c}/topics/${t}`, `/v3/clusters/${c}/topics/${t}/partitions/0`, `/v3/clusters/${c}/topics/${t}/configs`, `/v3/clusters/${c}/topics/${t}/partitions/0/records`];
  const plain = fc
    .tuple(fc.constantFrom(...prefixes), fc.array(seg, { minLength: 1, maxLength: 3 }), fc.constantFrom('', '/'), fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'))
    .map(([pre, segs, slash, method]) => ({ method, path: `${pre}/${segs.map(raw).join('/')}${slash}` }));
  const variants = fc.oneof(
    plain,
    fc.constantFrom(...ctx.routes).map((r) => ({ method: r.method, path: `${validPath(ctx, r.path)}/` })),
    fc.constantFrom(...ctx.routes).map((r) => ({ method: r.method, path: validPath(ctx, r.path).replace('/v3/', '/V3/') })),
    fc.constantFrom('//v3/clusters', '/v3//clusters', '/v3/clusters//topics', '/v3/clusters/%2F', '/%76%34/clusters').map((path) => ({ method: 'GET', path })),
  );
  const plainRequests = fc.tuple(variants, validRecord(ctx.topics[0])).filter(([v]) => !isRoute(v.path)).map(([v, rec]) => ({
    parts: [{ value: v.path, bad: `no route ${v.method} ${v.path.length > 80 ? `${v.path.slice(0, 77)}...` : v.path}` }],
    method: v.method,
    path: v.path,
    ...(v.method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: toJson(rec) }),
  }));
  // Lookalikes of the routes whose last segment holds a colon (records:batch, configs:alter ...):
  // the same prefix and a body valid for the real route, so only the path is wrong.
  const colonRoutes = ctx.routes.filter((r) => r.method === 'POST' && /:[a-z]+$/.test(r.path));
  const lookalike = () => fc
    .tuple(fc.constantFrom(...colonRoutes), fc.oneof(legalString(1, 8), fc.constantFrom(':batches', ':batch:', '.json', ':produce', '-batch', ':alterx', ':delete2', ':')), fc.array(validRecord(), { minLength: 1, maxLength: 2 }))
    .map(([r, suffix, recs]) => {
      const [base, action] = r.path.slice(r.path.lastIndexOf('/') + 1).split(':') as [string, string];
      const path = validPath(ctx, r.path.slice(0, r.path.lastIndexOf('/') + 1)) + base + segment(suffix);
      const bodies: Record<string, unknown> = {
        batch: { entries: recs.map((rec, i) => ({ id: `e${i}`, ...rec, partition_id: 0 })) },
        alter: { data: [{ name: 'retention.ms', value: '86400000' }] },
        delete: { offset: 1 },
      };
      return { route: r, suffix, action, path, body: toJson(bodies[action] ?? {}) };
    })
    .filter(({ suffix, action }) => suffix !== `:${action}`)
    .map(({ suffix, path, body, route }) => ({
      parts: [{ value: path, bad: `no route POST ...${route.path.slice(route.path.lastIndexOf('/'), route.path.lastIndexOf(':'))}${suffix}` }],
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      body,
    }));
  return hostile('unknown path', fc.oneof({ weight: 6, arbitrary: plainRequests }, ...(colonRoutes.length ? [{ weight: 1, arbitrary: lookalike() }] : [])));
}

/** Bodies over MAX_REQUEST_BYTES, on every route that takes a body. */
function oversized(ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const withBody = ctx.routes.filter((r) => !['GET', 'DELETE', 'HEAD'].includes(r.method));
  return fc.tuple(fc.constantFrom(...withBody), fc.integer({ min: 1, max: 4096 })).map(([r, extra]) => {
    const size = MAX_REQUEST_BYTES + extra;
    const binary = r.path.endsWith('/batches');
    const pad = 'x'.repeat(size - 40);
    return {
      route: routeKey(r),
      method: r.method,
      path: validPath(ctx, r.path),
      headers: { 'content-type': binary ? 'application/vnd.brook.batches' : 'application/json' },
      body: binary ? new Uint8Array(size) : `{"value":{"type":"STRING","data":"${pad}"}}`.padEnd(size, ' '),
      why: `body of about ${size} bytes, over the ${MAX_REQUEST_BYTES}-byte limit`,
    };
  });
}

// ---- all together ----

type RouteGen = (ctx: FuzzContext, r: RouteEntry) => fc.Arbitrary<FuzzRequest>;
const C = '/v3/clusters/{cluster_id}';
const T = `${C}/topics/{topic_name}`;
/** Specific generators and weights (more for routes with more to get wrong); other routes get pathOnlyRoute. */
const GENERATORS: Record<string, [RouteGen, number]> = {
  'GET /openapi.json': [noInputRoute, 40],
  'GET /v3/clusters': [noInputRoute, 40],
  [`GET ${C}`]: [pathOnlyRoute, 60],
  [`GET ${C}/topics`]: [pathOnlyRoute, 60],
  [`POST ${C}/topics`]: [(ctx, r) => jsonBodyRoute(ctx, r, () => createTopicBody(ctx.topics.map((t) => t.name), ctx.prefix, ctx.shared)), 300],
  [`GET ${T}`]: [pathOnlyRoute, 100],
  [`PATCH ${T}`]: [(ctx, r) => jsonBodyRoute(ctx, r, patchBody), 150],
  [`DELETE ${T}`]: [pathOnlyRoute, 100],
  [`GET ${T}/partitions`]: [pathOnlyRoute, 80],
  [`GET ${T}/partitions/{partition_id}`]: [pathOnlyRoute, 100],
  [`GET ${T}/configs`]: [pathOnlyRoute, 80],
  [`POST ${T}/records`]: [(ctx, r) => jsonBodyRoute(ctx, r, recordsBody), 350],
  [`POST ${T}/records:batch`]: [(ctx, r) => jsonBodyRoute(ctx, r, batchBody), 300],
  [`POST ${T}/configs:alter`]: [(ctx, r) => jsonBodyRoute(ctx, r, alterConfigsBody), 150],
  [`POST ${T}/partitions/{partition_id}/records:delete`]: [(ctx, r) => jsonBodyRoute(ctx, r, deleteRecordsBody), 150],
  [`POST ${C}/fetch`]: [(ctx, r) => jsonBodyRoute(ctx, r, () => fetchManyBody(ctx.topics)), 200],
  [`POST ${C}/producers`]: [pathOnlyRoute, 60],
  [`POST ${C}/batches`]: [binaryProduceRoute, 400],
  [`GET ${T}/partitions/{partition_id}/records`]: [fetchRoute, 300],
  [`GET ${T}/partitions/{partition_id}/offset`]: [offsetRoute, 150],
};

/** Routes of the table with no specific generator (new routes): fuzzed through their path parameters only. */
export const unspecificRoutes = (routes: RouteEntry[]) => routes.filter((r) => !(routeKey(r) in GENERATORS)).map(routeKey);

export function requestArbitrary(ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const perRoute = ctx.routes.map((r) => {
    const [gen, weight] = GENERATORS[routeKey(r)] ?? [r.path.includes('{') ? pathOnlyRoute : noInputRoute, 100];
    return { weight, arbitrary: gen(ctx, r) };
  });
  const withBody = ctx.routes.some((r) => !['GET', 'DELETE', 'HEAD'].includes(r.method));
  return fc.oneof(...perRoute, { weight: 250, arbitrary: unknownPath(ctx) }, { weight: 150, arbitrary: unknownMethod(ctx) }, ...(withBody ? [{ weight: 4, arbitrary: oversized(ctx) }] : []));
}
