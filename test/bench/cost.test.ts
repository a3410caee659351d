// The cost model's arithmetic, pinned with cases computed by hand, so a price or a rounding rule
// cannot drift silently. The bench itself (bench/main.ts) is not run by the test suite.
import { describe, expect, it } from 'vitest';
import {
  GiB,
  KiB,
  MiB,
  PRICES,
  apiGatewayUnits,
  billedMs,
  emptyUsage,
  gbSeconds,
  idleConsumerMonthly,
  idleTopicMonthly,
  kinesisOnDemandCost,
  mskServerlessCost,
  perGiB,
  priceUsage,
  produceFloorUsage,
  producePerGiB,
  readUnits,
  writeUnits,
} from '../../bench/cost';
import { applySet, isWireItem, itemSize, numberSize } from '../../bench/item-size';

describe('S3 requests', () => {
  it('1 GiB in 1 MiB requests is 1,024 PUTs = $0.00512', () => {
    const usage = produceFloorUsage(GiB, MiB);
    expect(usage.s3Put).toBe(1024);
    expect(priceUsage(usage).s3).toBeCloseTo(0.00512, 10);
  });

  it('GETs at $0.0004 per 1,000, LIST at the PUT rate, DELETE free', () => {
    const cost = priceUsage({ ...emptyUsage(), s3Get: 1_000_000, s3List: 1000, s3Delete: 1_000_000 });
    expect(cost.s3).toBeCloseTo(0.4 + 0.005, 10);
  });
});

describe('DynamoDB units', () => {
  it('one write unit per started KB, doubled in a transaction', () => {
    expect(writeUnits(1)).toBe(1);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
    expect(writeUnits(300, { transactional: true })).toBe(2);
    expect(writeUnits(1025, { transactional: true })).toBe(4);
  });

  it('one read unit per started 4 KB consistent, half eventually consistent, double in a transaction, minimum one block', () => {
    expect(readUnits(0, { consistent: true })).toBe(1); // an item not found still costs a read
    expect(readUnits(4096, { consistent: true })).toBe(1);
    expect(readUnits(4097, { consistent: true })).toBe(2);
    expect(readUnits(4097, { consistent: false })).toBe(1);
    expect(readUnits(100, { transactional: true })).toBe(2);
  });

  it('a partition commit (two small items, transactional) plus its head read: 4 WRU + 1 RRU', () => {
    const usage = produceFloorUsage(MiB, MiB, 1);
    expect(usage.wru).toBe(4);
    expect(usage.rru).toBe(1);
    // $0.625 per million WRU, $0.125 per million RRU
    expect(priceUsage(usage).dynamodb).toBeCloseTo((4 * 0.625 + 0.125) / 1e6, 15);
  });

  it('the floor of 1 GiB in 1 MiB requests on one partition: $0.00512 S3 + $0.002688 DynamoDB', () => {
    const cost = priceUsage(produceFloorUsage(GiB, MiB, 1), { includeLambda: false, endpoint: 'function-url' });
    expect(cost.dynamodb).toBeCloseTo(0.00256 + 0.000128, 10);
    expect(cost.total).toBeCloseTo(0.007808, 10);
  });

  it('16 partitions per request multiply the DynamoDB part, not the PUTs', () => {
    const usage = produceFloorUsage(GiB, MiB, 16);
    expect(usage.s3Put).toBe(1024);
    expect(usage.wru).toBe(1024 * 16 * 4);
    expect(usage.rru).toBe(1024 * 16);
  });
});

describe('API Gateway HTTP API', () => {
  it('bills one request per started 512 KB', () => {
    expect(apiGatewayUnits(0)).toBe(1);
    expect(apiGatewayUnits(512 * KiB)).toBe(1);
    expect(apiGatewayUnits(512 * KiB + 1)).toBe(2);
    expect(apiGatewayUnits(MiB)).toBe(2);
    expect(apiGatewayUnits(6 * MiB)).toBe(12);
  });

  it('meters the larger of request and response', () => {
    expect(apiGatewayUnits(100, 600 * KiB)).toBe(2);
  });

  it('$1.00 per million billed requests; a function URL has no per-request fee', () => {
    const usage = { ...emptyUsage(), httpRequests: 1_000_000, apiGatewayUnits: 2_000_000 };
    expect(priceUsage(usage, { endpoint: 'api-gateway', includeLambda: false }).gateway).toBeCloseTo(2, 10);
    expect(priceUsage(usage, { endpoint: 'function-url', includeLambda: false }).gateway).toBe(0);
  });
});

describe('Lambda', () => {
  it('rounds each invocation up to the millisecond', () => {
    expect(billedMs(0.2)).toBe(1);
    expect(billedMs(20)).toBe(20);
    expect(billedMs(20.1)).toBe(21);
  });

  it('GB-seconds scale with memory', () => {
    expect(gbSeconds(1000, 1024)).toBe(1);
    expect(gbSeconds(1000, 128)).toBe(0.125);
  });

  it('a million 100 ms invocations at 1024 MB arm64: $0.20 + 100,000 GB-s × $0.0000133334', () => {
    const cost = priceUsage({ ...emptyUsage(), httpRequests: 1e6, lambdaBilledMs: 1e6 * 100 }, { endpoint: 'function-url' });
    expect(cost.lambdaRequests).toBeCloseTo(0.2, 10);
    expect(cost.lambdaDuration).toBeCloseTo(1.33334, 8);
  });

  it("reproduces DESIGN §9's floor: about $0.0105 per GiB at 1 MiB requests with gateway and Lambda", () => {
    // 1,024 requests of 1 MiB: each is 2 API Gateway units (512 KB steps) and ~30 ms of Lambda.
    const usage = { ...produceFloorUsage(GiB, MiB, 1), httpRequests: 1024, apiGatewayUnits: 2048, lambdaBilledMs: 1024 * 30 };
    const cost = priceUsage(usage, { endpoint: 'api-gateway' });
    expect(cost.gateway).toBeCloseTo(0.002048, 10);
    expect(cost.total).toBeCloseTo(0.0105, 4);
  });
});

describe('usage scaling', () => {
  it('perGiB scales every field by GiB ÷ bytes moved', () => {
    const u = perGiB({ ...emptyUsage(), s3Put: 10, wru: 40 }, 10 * MiB);
    expect(u.s3Put).toBe(1024);
    expect(u.wru).toBe(4096);
    expect(() => perGiB(emptyUsage(), 0)).toThrow(RangeError);
  });
});

describe('other services on the same workload', () => {
  it('Kinesis on-demand: $0.08 per GB in, each record rounded up to 1 KB; $0.04 per GB out; $0.04 per stream-hour', () => {
    const base = { bytesOut: 0, partitions: 1, hours: 0 };
    expect(kinesisOnDemandCost({ ...base, bytesIn: GiB, recordBytes: 1024 }).total).toBeCloseTo(0.08, 10);
    // 64-byte records are billed as 1 KB each: 16 times the bytes.
    expect(kinesisOnDemandCost({ ...base, bytesIn: GiB, recordBytes: 64 }).total).toBeCloseTo(1.28, 10);
    // 1.5 KiB records bill 2 KB each.
    expect(kinesisOnDemandCost({ ...base, bytesIn: GiB, recordBytes: 1536 }).ingest).toBeCloseTo((0.08 * 4) / 3, 10);
    expect(kinesisOnDemandCost({ ...base, bytesIn: 0, bytesOut: GiB, recordBytes: 1024 }).retrieval).toBeCloseTo(0.04, 10);
    expect(kinesisOnDemandCost({ ...base, bytesIn: 0, recordBytes: 1024, hours: 730 }).hourly).toBeCloseTo(29.2, 10);
  });

  it('MSK Serverless: $0.75 per cluster-hour, $0.0015 per partition-hour, $0.10 per GB in, $0.05 per GB out', () => {
    const idle = mskServerlessCost({ bytesIn: 0, bytesOut: 0, recordBytes: 1024, partitions: 1, hours: 730 });
    expect(idle.total).toBeCloseTo(730 * 0.7515, 8);
    const traffic = mskServerlessCost({ bytesIn: GiB, bytesOut: GiB, recordBytes: 1024, partitions: 16, hours: 0 });
    expect(traffic.total).toBeCloseTo(0.15, 10);
  });
});

describe('idle costs', () => {
  it('an idle long-polling consumer: 20 s waits all month, 80 head reads each, Lambda billed for the whole wait', () => {
    const { waitsPerMonth, cost } = idleConsumerMonthly({ readsPerWait: 80, waitSeconds: 20, handlerMsPerWait: 20_000 });
    expect(waitsPerMonth).toBe(131_400); // 730 h × 3,600 s ÷ 20 s
    expect(cost.dynamodb).toBeCloseTo((131_400 * 80 * 0.125) / 1e6, 10); // $1.314
    expect(cost.lambdaRequests).toBeCloseTo(131_400 * 0.2e-6, 10);
    expect(cost.lambdaDuration).toBeCloseTo(2_628_000 * PRICES.lambda.perGbSecondArm64, 6); // ≈ $35.04 at 1 GB
    expect(cost.gateway).toBeCloseTo(0.1314, 10);
    const small = idleConsumerMonthly({ readsPerWait: 80, waitSeconds: 20, handlerMsPerWait: 20_000, memoryMb: 128, endpoint: 'function-url' });
    expect(small.cost.lambdaDuration).toBeCloseTo(cost.lambdaDuration / 8, 8);
    expect(small.cost.gateway).toBe(0);
  });

  it('an idle topic pays storage only', () => {
    const empty = idleTopicMonthly({ partitions: 1, storedBytes: 0, indexItems: 0, indexItemBytes: 0, headItemBytes: 230, topicItemBytes: 128 });
    expect(empty.s3).toBe(0);
    expect(empty.dynamodb).toBeCloseTo(((128 + 230 + 200) / GiB) * 0.25, 15);
    const kept = idleTopicMonthly({ partitions: 1, storedBytes: GiB, indexItems: 1024, indexItemBytes: 216, headItemBytes: 230, topicItemBytes: 128 });
    expect(kept.s3).toBeCloseTo(0.023, 10);
  });
});

describe('item sizes by AWS rules', () => {
  it('numbers: one byte per two significant digits plus one', () => {
    expect(numberSize('0')).toBe(2);
    expect(numberSize('12345')).toBe(4);
    expect(numberSize('1000')).toBe(2); // trailing zeros trimmed
    expect(numberSize('-0.0012')).toBe(2);
  });

  it('an item: attribute names plus values, nested maps and lists with their overhead', () => {
    const item = { pk: { S: 'ab' }, n: { N: '12' }, b: { B: Buffer.from('xyz').toString('base64') }, ok: { BOOL: true }, m: { M: { k: { S: 'v' } } }, l: { L: [{ N: '1' }] } };
    // pk 2+2, n 1+2, b 1+3, ok 2+1, m 1+(3 + 1 + 1 + 1), l 1+(3 + 1 + 2)
    expect(itemSize(item)).toBe(4 + 3 + 4 + 3 + 7 + 7);
    expect(isWireItem(item)).toBe(true);
    expect(isWireItem({ pk: 'ab' })).toBe(false);
  });

  it("a head update's after-image: SET replaces the named attributes", () => {
    const before = { pk: { S: 'p' }, nextOffset: { N: '9' } };
    const after = applySet(before, {
      UpdateExpression: 'SET nextOffset = :next, lastAppendTime = :now',
      ExpressionAttributeValues: { ':next': { N: '12345' }, ':now': { N: '1764170000000' } },
    });
    expect(after).toEqual({ pk: { S: 'p' }, nextOffset: { N: '12345' }, lastAppendTime: { N: '1764170000000' } });
  });
});

describe('request size', () => {
  it('producePerGiB: the floor plus gateway steps, Lambda requests and duration per request', () => {
    const oneMiB = producePerGiB({ requestBytes: MiB, handlerMs: 30, endpoint: 'api-gateway' });
    expect(oneMiB.total).toBeCloseTo(0.0105, 4);
    // Framing pushes a 1 MiB payload past 2 × 512 KB: a third gateway request each.
    const framed = producePerGiB({ requestBytes: MiB, handlerMs: 30, endpoint: 'api-gateway', overheadBytes: 10_000 });
    expect(framed.gateway).toBeCloseTo(0.003072, 10);
    // 1 KiB requests: a million PUTs alone are $5.24 per GiB.
    expect(producePerGiB({ requestBytes: KiB, handlerMs: 5, endpoint: 'function-url' }).s3).toBeCloseTo(5.24288, 8);
  });
});
