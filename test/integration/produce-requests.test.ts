import { describe, expect, it } from 'vitest';
import { createTopic } from '../../lib/broker/create-topic';
import { fetch } from '../../lib/broker/fetch';
import { produce } from '../../lib/broker/produce';
import { decodeRecordBatch, type BrookRecord } from '../../lib/log/record-batch';
import { getHead } from '../../lib/metadata/heads';
import { testBroker, uniqueTopic } from '../support/broker';

const rec = (v: string): BrookRecord => ({ key: null, value: Buffer.from(v), headers: [], timestamp: Date.now() });

async function readAll(broker: ReturnType<typeof testBroker>['broker'], topic: string, partition = 0) {
  const res = await fetch(broker, { topic, partition, offset: 0, maxWaitMs: 0 });
  return res.batches.flatMap((b) => decodeRecordBatch(b).records.map((r) => [r.offset, r.value!.toString()]));
}

describe('produce: request counts and faults', () => {
  it('writes one S3 object for a request holding records of 3 partitions', async () => {
    const { broker, counter } = testBroker();
    const topic = uniqueTopic('one-put');
    await createTopic(broker, { topicName: topic, partitionsCount: 3 });
    counter.reset();
    const results = await produce(broker, [0, 1, 2].map((partition) => ({ topic, partition, records: [rec(`a${partition}`), rec(`b${partition}`)] })));
    expect(results.map((r) => [r.partition, r.baseOffset, r.error])).toEqual([[0, 0, undefined], [1, 0, undefined], [2, 0, undefined]]);
    expect(counter.get('s3:PutObject')).toBe(1);
    await broker.background.settled(); // the hint updates follow the answer
    // The request profile of a produce, per partition (RFC 0003): 1 reservation, 1 publish (a
    // conditional PutItem), 1 update of the publishedThrough hint; no read but the topic item (cold cache).
    expect(counter.get('dynamodb:PutItem')).toBe(3);
    expect(counter.get('dynamodb:UpdateItem')).toBe(6);
    expect(counter.get('dynamodb:GetItem')).toBe(1);
  });

  it('the conditional protocol: 1 head read + 1 commit transaction per partition', async () => {
    const { broker, counter } = testBroker({ commitProtocol: 'conditional' });
    const topic = uniqueTopic('one-put-conditional');
    await createTopic(broker, { topicName: topic, partitionsCount: 3 });
    counter.reset();
    const results = await produce(broker, [0, 1, 2].map((partition) => ({ topic, partition, records: [rec(`a${partition}`)] })));
    expect(results.map((r) => r.baseOffset)).toEqual([0, 0, 0]);
    expect(counter.snapshot()).toEqual({ 's3:PutObject': 1, 'dynamodb:GetItem': 4, 'dynamodb:TransactWriteItems': 3 });
  });

  it('a failed PutObject is a retriable error and uses no offset', async () => {
    const { broker, faults, counter } = testBroker();
    const topic = uniqueTopic('put-fail');
    const t = await createTopic(broker, { topicName: topic, partitionsCount: 1 });
    faults.add({ service: 's3', command: 'PutObject', mode: 'fail-before', times: 1 });
    counter.reset();
    const err = await produce(broker, [{ topic, partition: 0, records: [rec('lost')] }]).catch((e) => e);
    expect(err.errorName).toBe('KAFKA_STORAGE_ERROR');
    expect(err.retriable).toBe(true);
    expect(counter.get('dynamodb:PutItem') + counter.get('dynamodb:TransactWriteItems')).toBe(0);
    expect((await getHead(broker, topic, t.topicId, 0)).nextOffset).toBe(0);
    const [ok] = await produce(broker, [{ topic, partition: 0, records: [rec('kept')] }]);
    expect(ok!.baseOffset).toBe(0);
    expect(await readAll(broker, topic)).toEqual([[0, 'kept']]);
  });

  it('a commit applied but whose reply was lost is acknowledged once, with its real offset', async () => {
    const { broker, faults } = testBroker();
    const topic = uniqueTopic('lost-reply');
    await createTopic(broker, { topicName: topic, partitionsCount: 1 });
    await produce(broker, [{ topic, partition: 0, records: [rec('first')] }]);
    faults.add({ service: 'dynamodb', command: 'PutItem', mode: 'fail-after', times: 2 });
    const [result] = await produce(broker, [{ topic, partition: 0, records: [rec('second'), rec('third')] }]);
    expect(faults.injected).toBe(2);
    expect(result!.error).toBeUndefined();
    expect(result!.baseOffset).toBe(1);
    expect(await readAll(broker, topic)).toEqual([[0, 'first'], [1, 'second'], [2, 'third']]);
  });

  it('a rival writer between reservation and publish conflicts with nothing', async () => {
    const { broker, faults, counter } = testBroker();
    const rival = testBroker().broker;
    const topic = uniqueTopic('no-conflict');
    await createTopic(broker, { topicName: topic, partitionsCount: 1 });
    faults.add({
      service: 'dynamodb',
      command: 'PutItem',
      mode: 'intercept',
      times: 1,
      intercept: async () => {
        await produce(rival, [{ topic, partition: 0, records: [rec('rival-1'), rec('rival-2')] }]);
      },
    });
    counter.reset();
    const [result] = await produce(broker, [{ topic, partition: 0, records: [rec('mine')] }]);
    expect(result!.baseOffset).toBe(0);
    expect(counter.get('dynamodb:PutItem')).toBe(1);
    expect(await readAll(broker, topic)).toEqual([[0, 'mine'], [1, 'rival-1'], [2, 'rival-2']]);
  });

  it('the conditional protocol: a head conflict is retried at the new offset without a second PutObject', async () => {
    const { broker, faults, counter } = testBroker({ commitProtocol: 'conditional' });
    const rival = testBroker({ commitProtocol: 'conditional' }).broker;
    const topic = uniqueTopic('conflict');
    await createTopic(broker, { topicName: topic, partitionsCount: 1 });
    // Just before our first commit, a rival writer moves the head.
    faults.add({
      service: 'dynamodb',
      command: 'TransactWriteItems',
      mode: 'intercept',
      times: 1,
      intercept: async () => {
        await produce(rival, [{ topic, partition: 0, records: [rec('rival-1'), rec('rival-2')] }]);
      },
    });
    counter.reset();
    const [result] = await produce(broker, [{ topic, partition: 0, records: [rec('mine')] }]);
    expect(result!.baseOffset).toBe(2);
    expect(counter.get('s3:PutObject')).toBe(1);
    expect(counter.get('dynamodb:TransactWriteItems')).toBe(2);
    expect(await readAll(broker, topic)).toEqual([[0, 'rival-1'], [1, 'rival-2'], [2, 'mine']]);
  });
});
