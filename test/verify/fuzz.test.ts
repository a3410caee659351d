import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../lib/http/app';
import { routeTable } from '../../lib/http/route-table';
import type { PartitionHead } from '../../lib/metadata/types';
import { requestArbitrary, routeKey, type FuzzContext } from '../../verify/fuzz/arbitraries';
import { checkAnswer, diffState, writesBetween, type StateSnapshot } from '../../verify/fuzz/oracle';
import { formatReport } from '../../verify/fuzz/report';
import { runFuzz, toRequest, type FuzzTarget } from '../../verify/fuzz/run';
import { testBroker, uniqueTopic } from '../support/broker';

const SEED = Number(process.env.BROOK_FUZZ_SEED ?? 20_240_917);
const errorBody = (status: number, name = 'INVALID_REQUEST', code = 42) =>
  JSON.stringify({ error_code: status, message: 'Something is wrong with the request.', error_name: name, kafka_error_code: code, retriable: false });

describe('hostile-input fuzzer', () => {
  it('1,000 hostile requests: every answer is a 4xx with an error body, and nothing is written', { timeout: 60_000 }, async () => {
    const t = testBroker();
    const report = await runFuzz({ broker: t.broker, counter: t.counter, requests: 1000, seed: SEED, prefix: `${uniqueTopic('fz')}-`, shared: true });
    expect(report.sent).toBe(1000);
    // Every route of the table was aimed at.
    for (const r of routeTable()) expect(report.byRoute[routeKey(r)], routeKey(r)).toBeGreaterThan(0);
    expect(report.violationCount, formatReport(report)).toBe(0);
  });

  it('generates requests for every route of the table, unknown paths and unknown methods', () => {
    const routes = routeTable();
    const ctx: FuzzContext = {
      clusterId: 'brook-local',
      topics: [
        { name: 'fuzz-a', partitions: 2, nextOffsets: [3, 2], maxMessageBytes: 1_048_588 },
        { name: 'fuzz-b', partitions: 1, nextOffsets: [3], maxMessageBytes: 2000 },
      ],
      routes,
      prefix: 'fuzz-',
      shared: false,
    };
    const sample = fc.sample(requestArbitrary(ctx), { seed: 1, numRuns: 1500 });
    const seen = new Set(sample.map((r) => r.route));
    for (const key of [...routes.map(routeKey), 'unknown path', 'unknown method']) expect(seen, key).toContain(key);
    for (const r of sample) {
      expect(r.why.length, JSON.stringify(r).slice(0, 200)).toBeGreaterThan(0);
      expect(() => toRequest(r)).not.toThrow();
    }
  });
});

describe('the oracle catches violations', () => {
  it('passes a proper rejection', () => {
    expect(checkAnswer({ kind: 'answer', status: 400, body: errorBody(400) })).toBeUndefined();
    expect(checkAnswer({ kind: 'answer', status: 404, body: errorBody(40403, 'UNKNOWN_TOPIC_OR_PARTITION', 3) })).toBeUndefined();
  });

  it('reports a 5xx, a 2xx, an exception and a timeout', () => {
    expect(checkAnswer({ kind: 'answer', status: 500, body: errorBody(50002, 'UNKNOWN_SERVER_ERROR', -1) })?.kind).toBe('server error');
    expect(checkAnswer({ kind: 'answer', status: 503, body: 'Service Unavailable' })?.kind).toBe('server error');
    expect(checkAnswer({ kind: 'answer', status: 200, body: '{"kind":"KafkaTopic"}' })?.kind).toBe('accepted');
    expect(checkAnswer({ kind: 'answer', status: 204, body: '' })?.kind).toBe('accepted');
    expect(checkAnswer({ kind: 'threw', error: new TypeError('boom') })?.kind).toBe('exception');
    expect(checkAnswer({ kind: 'timeout', ms: 15_000 })?.kind).toBe('timeout');
  });

  it('reports a 4xx without a proper error body', () => {
    const bad = (status: number, body: string) => checkAnswer({ kind: 'answer', status, body })?.kind;
    expect(bad(400, JSON.stringify({ error_code: 400, message: 'no name' }))).toBe('bad error body');
    expect(bad(400, JSON.stringify({ error_code: 400, message: 'x', error_name: 'SOMETHING_ELSE', kafka_error_code: 42, retriable: false }))).toBe('bad error body');
    expect(bad(400, JSON.stringify({ message: 'no code', error_name: 'INVALID_REQUEST', kafka_error_code: 42, retriable: false }))).toBe('bad error body');
    expect(bad(404, errorBody(400))).toBe('bad error body'); // error_code for another status
    expect(bad(400, 'Bad Request')).toBe('bad error body');
    expect(bad(400, '')).toBe('bad error body');
  });

  it('reports write requests, and only writes', () => {
    expect(writesBetween({ 's3:GetObject': 1 }, { 's3:GetObject': 5, 'dynamodb:GetItem': 2, 'dynamodb:Query': 1 })).toEqual({});
    expect(writesBetween({ 'dynamodb:PutItem': 1 }, { 'dynamodb:PutItem': 2, 's3:PutObject': 1, 'dynamodb:DeleteItem': 0 })).toEqual({ 'dynamodb:PutItem': 1, 's3:PutObject': 1 });
  });

  it('reports a state change', () => {
    const head = (nextOffset: number): PartitionHead => ({ topicId: 'id', partition: 0, nextOffset, reservedEnd: nextOffset, logStartOffset: 0, leaderEpoch: 0 });
    const before: StateSnapshot = { topics: [{ name: 'a', topicId: 'id', partitionsCount: 1, configs: {} }], heads: { a: [head(3)] } };
    expect(diffState(before, structuredClone(before))).toEqual([]);
    expect(diffState(before, { ...before, heads: { a: [head(4)] } })).toHaveLength(1);
    expect(diffState(before, { ...before, topics: [...before.topics, { name: 'b', topicId: 'x', partitionsCount: 1, configs: {} }] })).toEqual(['topic b was created']);
    expect(diffState(before, { ...before, topics: [{ ...before.topics[0]!, configs: { 'retention.ms': '1' } }] })).toHaveLength(1);
    expect(diffState(before, { topics: [], heads: { a: [] } })).toHaveLength(2);
  });

  it('fails a run against a server that answers 500', async () => {
    const t = testBroker();
    const app: FuzzTarget = { request: () => new Response(errorBody(50002, 'UNKNOWN_SERVER_ERROR', -1), { status: 500 }) };
    const report = await runFuzz({ broker: t.broker, counter: t.counter, app, requests: 20, seed: SEED, prefix: `${uniqueTopic('fz')}-`, shared: true });
    expect(report.ok).toBe(false);
    expect(report.serverErrors).toBe(20);
    expect(report.byKind['server error']).toBe(20);
    expect(formatReport(report)).toContain(`--seed ${SEED} --replay 0`);
  });

  it('fails a run in which a request writes and changes a head', async () => {
    const t = testBroker();
    const real = createApp(t.broker);
    const prefix = `${uniqueTopic('fz')}-`;
    let n = 0;
    // Rejects everything properly, but request #5 also produces a record to a fixture topic.
    const app: FuzzTarget = {
      request: async () => {
        if (n++ === 5) {
          const produce = new Request(`http://brook.test/v3/clusters/${t.broker.config.clusterId}/topics/${prefix}a/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"partition_id":0,"value":{"data":1}}' });
          expect((await real.request(produce)).status).toBe(200);
        }
        return new Response(errorBody(400), { status: 400 });
      },
    };
    const report = await runFuzz({ broker: t.broker, counter: t.counter, app, requests: 20, seed: SEED, prefix, shared: true, checkEvery: 10 });
    expect(report.ok).toBe(false);
    expect(report.violations.find((v) => v.kind === 'write')?.index).toBe(5);
    const change = report.violations.find((v) => v.kind === 'state change');
    expect(change?.detail).toContain(`head of ${prefix}a-0`);
    expect(report.writes['s3:PutObject']).toBe(1);
  });

  it('replays one request of a seed exactly', async () => {
    const t = testBroker();
    const prefix = `${uniqueTopic('fz')}-`;
    const seen: Array<[string, string, string]> = [];
    const app: FuzzTarget = {
      request: async (req) => {
        seen.push([req.method, req.url, await req.clone().text()]);
        return new Response(errorBody(404, 'NOT_FOUND', -3), { status: 404 });
      },
    };
    const full = await runFuzz({ broker: t.broker, counter: t.counter, app, requests: 12, seed: SEED, prefix, shared: true });
    expect(full.ok).toBe(true);
    const sequence = seen.splice(0);
    const replay = await runFuzz({ broker: t.broker, counter: t.counter, app, seed: SEED, replay: 7, prefix: `${prefix}r-`, shared: true });
    expect(replay.sent).toBe(1);
    const [method, url] = seen[0]!;
    // Same request; fixture names differ only by the prefix.
    expect([method, url.replaceAll(`${prefix}r-`, prefix)]).toEqual(sequence[7]!.slice(0, 2));
  });
});

