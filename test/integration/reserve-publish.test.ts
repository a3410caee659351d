import { describe, expect, it } from 'vitest';
import { createTopic } from '../../lib/broker/create-topic';
import { fetch } from '../../lib/broker/fetch';
import { produce } from '../../lib/broker/produce';
import { decodeRecordBatch, encodeRecordBatch, type BrookRecord } from '../../lib/log/record-batch';
import { getHead } from '../../lib/metadata/heads';
import { testBroker, uniqueTopic, type TestBroker } from '../support/broker';

/** The reserve-then-publish protocol's failure cases (docs/rfcs/0003-hot-partitions.md). */
const rec = (v: string): BrookRecord => ({ key: null, value: Buffer.from(v), headers: [], timestamp: Date.now() });
const SEAL_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readFrom(t: TestBroker, topic: string, offset: number) {
  const res = await fetch(t.broker, { topic, partition: 0, offset, maxWaitMs: 0 });
  const records = res.batches.flatMap((b) => decodeRecordBatch(b).records).filter((r) => r.offset >= offset);
  return { hw: res.highWatermark, next: res.nextOffset, records: records.map((r) => [r.offset, r.value!.toString()]) };
}

async function setup(prefix: string) {
  const t = testBroker({ sealAfterMs: SEAL_MS });
  const topic = uniqueTopic(prefix);
  const { topicId } = await createTopic(t.broker, { topicName: topic, partitionsCount: 1 });
  return { t, topic, topicId };
}

describe('reserve then publish', () => {
  it('a reader stops at an unpublished range, then a slow writer is sealed out and readers step over its offsets', async () => {
    const { t, topic, topicId } = await setup('slow-writer');
    const rival = testBroker({ sealAfterMs: SEAL_MS });
    const reader = testBroker({ sealAfterMs: SEAL_MS });
    let seen: Awaited<ReturnType<typeof readFrom>> | undefined;
    // Between our reservation (offset 0) and our publish: a rival publishes offset 1, a reader reads
    // at once (the gap at 0 is young: it must stop there), then again after the seal time.
    t.faults.add({
      service: 'dynamodb',
      command: 'PutItem',
      mode: 'intercept',
      times: 1,
      intercept: async () => {
        const [r] = await produce(rival.broker, [{ topic, partition: 0, records: [rec('rival')] }]);
        expect(r!.baseOffset).toBe(1);
        const young = await readFrom(reader, topic, 0);
        expect(young).toEqual({ hw: 0, next: 0, records: [] }); // no poll skip: nothing past the gap
        await sleep(SEAL_MS + 50);
        seen = await readFrom(reader, topic, 0);
      },
    });
    const [mine] = await produce(t.broker, [{ topic, partition: 0, records: [rec('slow')] }]);
    expect(mine!.error?.errorName).toBe('REQUEST_TIMED_OUT');
    expect(mine!.error?.retriable).toBe(true);
    expect(seen).toEqual({ hw: 2, next: 2, records: [[1, 'rival']] });
    // The retry gets a new range; offset 0 stays given up for good.
    const [retry] = await produce(t.broker, [{ topic, partition: 0, records: [rec('slow')] }]);
    expect(retry!.baseOffset).toBe(2);
    expect((await readFrom(reader, topic, 0)).records).toEqual([[1, 'rival'], [2, 'slow']]);
    expect((await getHead(reader.broker, topic, topicId, 0)).nextOffset).toBe(3);
  });

  it('a reservation whose reply was lost leaks its range: readers wait for the seal time, then step over it', async () => {
    const { t, topic, topicId } = await setup('lost-reservation');
    t.faults.add({ service: 'dynamodb', command: 'UpdateItem', mode: 'fail-after', times: 1 });
    const [lost] = await produce(t.broker, [{ topic, partition: 0, records: [rec('x'), rec('y')] }]);
    expect(lost!.error?.errorName).toBe('KAFKA_STORAGE_ERROR');
    const [ok] = await produce(t.broker, [{ topic, partition: 0, records: [rec('z')] }]);
    expect(ok!.baseOffset).toBe(2);
    const head = await getHead(t.broker, topic, topicId, 0);
    expect([head.nextOffset, head.reservedEnd]).toEqual([0, 3]);
    await sleep(SEAL_MS + 50);
    expect(await readFrom(t, topic, 0)).toEqual({ hw: 3, next: 3, records: [[2, 'z']] });
  });

  it('an idempotent retry answers the original offset and gives its own range up at once', async () => {
    const { t, topic, topicId } = await setup('dup-placeholder');
    const batch = encodeRecordBatch([rec('once')], { producerId: 77, producerEpoch: 0, baseSequence: 0 });
    // The same batch sent twice at once (a retry racing its original): the retry publishes first.
    const retry = testBroker({ sealAfterMs: SEAL_MS });
    let second: Awaited<ReturnType<typeof produce>> = [];
    t.faults.add({ service: 'dynamodb', command: 'TransactWriteItems', mode: 'intercept', times: 1, intercept: async () => void (second = await produce(retry.broker, [{ topic, partition: 0, batches: batch }])) });
    const [first] = await produce(t.broker, [{ topic, partition: 0, batches: batch }]);
    expect(second[0]!.baseOffset).toBe(1);
    expect(first).toMatchObject({ baseOffset: 1, duplicate: true });
    const [next] = await produce(t.broker, [{ topic, partition: 0, records: [rec('after')] }]);
    const head = await getHead(t.broker, topic, topicId, 0);
    expect(head.nextOffset).toBe(head.reservedEnd); // nothing left waiting for a seal
    const read = await readFrom(t, topic, 0);
    expect(next!.baseOffset).toBe(2);
    expect(read.records).toEqual([[1, 'once'], [2, 'after']]);
  });
});
