// The hot-partition workload's arithmetic: requests per commit, new ÷ old protocol at each shape,
// and issue 11's targets, on hand-made cells (the workload itself runs only in `npm run bench`).
import { describe, expect, it } from 'vitest';
import { Accounting, countFailure, type DynamoStats, type ScopeStats } from '../../bench/accounting';
import { analyzeHotPartition, checkHotTargets, compareProtocols, operationsOf, perCommit, type HotPartitionRow } from '../../bench/analysis';
import type { LoadResult } from '../../bench/load';
import { hotPartitionSection } from '../../bench/report';
import { summarize } from '../../bench/stats';
import { hotScope, type HotPartitionResult } from '../../bench/workloads/hot-partition';

const dynamo = (requests: number, extra: Partial<DynamoStats> = {}): DynamoStats => ({
  requests,
  failed: 0,
  errors: {},
  conditionFailed: 0,
  cancellationReasons: {},
  reportedUnits: 0,
  billedRru: 0,
  billedWru: 0,
  ...extra,
});

const scopeStats = (s: Partial<ScopeStats>): ScopeStats => ({
  s3: {},
  s3Failed: 0,
  dynamodb: {},
  http: { requests: 0, requestBytes: 0, responseBytes: 0, handlerMs: 0, billedMs: 0, gatewayUnits: 0 },
  written: {},
  ...s,
});

/** A cell that acknowledged `ops` commits in `seconds`, with latencies spread evenly between p50-ish values. */
function cell(protocol: 'conditional' | 'reserve', producers: number, requestBytes: number, ops: number, seconds: number, latencies: number[]): HotPartitionResult {
  const load: LoadResult = {
    ops,
    bytes: ops * requestBytes,
    elapsedMs: seconds * 1000,
    mibPerSec: (ops * requestBytes) / 1048576 / seconds,
    opsPerSec: ops / seconds,
    latencyMs: summarize(latencies),
    errors: 0,
  };
  const c = { protocol, producers, requestBytes };
  return { ...c, scope: hotScope(c), topic: 't', payloadBytes: requestBytes, recordBytes: 1024, recordsPerRequest: requestBytes / 1024, rounds: 2, load, commitsPerProducer: new Array<number>(producers).fill(ops / producers) };
}

describe('countFailure', () => {
  it('counts errors by name, cancellation reasons by code, and a condition failure once per attempt', () => {
    const d = dynamo(3);
    countFailure(d, { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }] });
    countFailure(d, { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }] });
    countFailure(d, { name: 'ConditionalCheckFailedException' });
    countFailure(d, new Error('socket hang up'));
    expect(d.errors).toEqual({ TransactionCanceledException: 2, ConditionalCheckFailedException: 1, Error: 1 });
    expect(d.cancellationReasons).toEqual({ ConditionalCheckFailed: 2, TransactionConflict: 1 });
    expect(d.conditionFailed).toBe(2);
  });
});

describe('perCommit', () => {
  it('divides every count by the acknowledged commits, failed attempts included', () => {
    const stats = scopeStats({
      s3: { PutObject: 10 },
      dynamodb: {
        GetItem: dynamo(46, { billedRru: 46 }),
        TransactWriteItems: dynamo(46, { failed: 36, errors: { TransactionCanceledException: 36 }, conditionFailed: 36, billedWru: 184 }),
        UpdateItem: dynamo(4, { failed: 4, errors: { ConditionalCheckFailedException: 4 }, conditionFailed: 4, billedWru: 4 }),
      },
    });
    const p = perCommit(stats, 10)!;
    expect(p.dynamodb).toEqual({ GetItem: 4.6, TransactWriteItems: 4.6, UpdateItem: 0.4 });
    expect(Object.keys(p.dynamodb)).toEqual(['GetItem', 'TransactWriteItems', 'UpdateItem']);
    expect(p.dynamodbTotal).toBeCloseTo(9.6, 10);
    expect(p.s3Total).toBe(1);
    expect(p.cancelled).toBeCloseTo(3.6, 10);
    expect(p.conditionFailed).toBeCloseTo(4.0, 10);
    expect(p.errors).toEqual({ TransactionCanceledException: 3.6, ConditionalCheckFailedException: 0.4 });
    expect(p.wru).toBeCloseTo(18.8, 10);
    expect(p.rru).toBeCloseTo(4.6, 10);
  });

  it('is undefined without commits or without requests', () => {
    expect(perCommit(scopeStats({}), 0)).toBeUndefined();
    expect(perCommit(undefined, 5)).toBeUndefined();
  });
});

describe('compareProtocols and the targets', () => {
  const lat = (ms: number, n = 100) => Array.from({ length: n }, () => ms);
  const rows: HotPartitionRow[] = [
    cell('conditional', 1, 1024, 100, 2, lat(40)),
    cell('reserve', 1, 1024, 110, 2, lat(44)), // p50 1.1×: within 1.2×
    cell('conditional', 8, 1024, 72, 2, lat(800)),
    cell('reserve', 8, 1024, 360, 2, lat(150)), // 5× commits/s, p99 0.1875×
    cell('conditional', 1, 65536, 100, 2, lat(40)),
    cell('reserve', 1, 65536, 100, 2, lat(50)), // p50 1.25×: misses
    cell('conditional', 8, 65536, 100, 2, lat(400)),
    cell('reserve', 8, 65536, 300, 2, lat(200)), // 3×, p99 0.5×: misses both
    cell('conditional', 32, 65536, 0, 2, []), // nothing acknowledged: no ratio
    cell('reserve', 32, 65536, 50, 2, lat(100)),
  ];

  it('pairs each shape, new ÷ old, ordered by size then producers', () => {
    const c = compareProtocols(rows, 'conditional', 'reserve');
    expect(c.map((x) => `${x.requestBytes}/${x.producers}`)).toEqual(['1024/1', '1024/8', '65536/1', '65536/8', '65536/32']);
    expect(c[1]!.commitsPerSec).toBeCloseTo(5, 10);
    expect(c[1]!.p99).toBeCloseTo(150 / 800, 10);
    expect(c[0]!.p50).toBeCloseTo(1.1, 10);
    expect(c[1]!.mean).toBeCloseTo(150 / 800, 10);
    expect(c[4]!.commitsPerSec).toBeNaN();
  });

  it('checks 8-producer commits/s ≥ 4× and p99 ≤ ¼, single-producer p50 ≤ 1.2×, at every size', () => {
    const checks = checkHotTargets(compareProtocols(rows, 'conditional', 'reserve'), [1024, 65536]);
    expect(checks.map((t) => [t.requestBytes, t.producers, t.pass])).toEqual([
      [1024, 8, true],
      [1024, 8, true],
      [1024, 1, true],
      [65536, 8, false],
      [65536, 8, false],
      [65536, 1, false],
    ]);
    expect(checks[3]!.measured).toBeCloseTo(3, 10);
  });

  it('fails a target whose shape was not measured', () => {
    const checks = checkHotTargets([], [1024]);
    expect(checks).toHaveLength(3);
    expect(checks.every((t) => !t.pass && Number.isNaN(t.measured))).toBe(true);
  });

  it('a ratio of exactly the target passes', () => {
    const c = [
      { producers: 8, requestBytes: 1024, commitsPerSec: 4, p50: 1, p99: 0.25, mean: 1, dynamodbPerCommit: 1 },
      { producers: 1, requestBytes: 1024, commitsPerSec: 1, p50: 1.2, p99: 1, mean: 1, dynamodbPerCommit: 1 },
    ];
    expect(checkHotTargets(c, [1024]).every((t) => t.pass)).toBe(true);
  });
});

describe('analyzeHotPartition', () => {
  it('tells when both protocols made the same kinds of DynamoDB requests', () => {
    const accounting = new Accounting();
    const results = [cell('conditional', 1, 1024, 10, 1, [40]), cell('reserve', 1, 1024, 10, 1, [40])];
    for (const r of results) {
      const s = accounting.stats(r.scope);
      s.s3.PutObject = 10;
      s.dynamodb.GetItem = dynamo(10);
      s.dynamodb.TransactWriteItems = dynamo(10);
    }
    const a = analyzeHotPartition(accounting, results);
    expect(a.operations).toEqual({ old: ['GetItem', 'TransactWriteItems'], new: ['GetItem', 'TransactWriteItems'], same: true });
    expect(a.rows[0]!.perCommit?.dynamodbTotal).toBe(2);
    expect(hotPartitionSection(a)).toContain('behaves like');

    accounting.stats(results[1]!.scope).dynamodb = { UpdateItem: dynamo(10), TransactWriteItems: dynamo(10) };
    const b = analyzeHotPartition(accounting, results);
    expect(b.operations.same).toBe(false);
    expect(operationsOf(b.rows, 'reserve')).toEqual(['TransactWriteItems', 'UpdateItem']);
    const text = hotPartitionSection(b);
    expect(text).not.toContain('behaves like');
    expect(text).toContain('| protocol    | producers |  size | commits/s | p50 ms | p99 ms | mean ms | commits per producer | DDB req/commit |');
  });
});
