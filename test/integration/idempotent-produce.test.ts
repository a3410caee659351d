import { describe, expect, it } from 'vitest';
import { encodeRecordBatch, decodeRecordBatch } from '../../lib/log/record-batch';
import { encodeFrames } from '../../lib/http/batch-frames';
import { call, testBroker, uniqueTopic } from '../support/broker';

const C = '/v3/clusters/brook-local';
const BATCHES = { 'content-type': 'application/vnd.brook.batches' };

const batch = (values: string[], producerId: number, producerEpoch: number, baseSequence: number) =>
  encodeRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v), headers: [], timestamp: Date.now() })), { producerId, producerEpoch, baseSequence });

describe('idempotent producer: sequence checks on the commit', () => {
  const t = testBroker();

  async function setup(partitions = 1) {
    const topic = uniqueTopic('idem');
    await call(t.app, 'POST', `${C}/topics`, { topic_name: topic, partitions_count: partitions });
    const init = await call(t.app, 'POST', `${C}/producers`, {});
    expect(init.status).toBe(200);
    return { topic, pid: init.json.producer_id as number, epoch: init.json.producer_epoch as number };
  }
  const send = (topic: string, b: Buffer, partition = 0) =>
    call(t.app, 'POST', `${C}/batches`, new Uint8Array(encodeFrames([{ topic, partition, batches: b }])), BATCHES);
  const values = async (topic: string) => {
    const res = await call(t.app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=0&value_format=STRING`);
    return res.json.data.map((r: any) => `${r.offset}:${r.value.data}`);
  };

  it('hands out distinct producer ids', async () => {
    const a = await call(t.app, 'POST', `${C}/producers`, {});
    const b = await call(t.app, 'POST', `${C}/producers`, {});
    expect(a.json.producer_id).not.toBe(b.json.producer_id);
    expect(a.json.producer_epoch).toBe(0);
  });

  it('answers a resent batch with its original offset and writes nothing', async () => {
    const { topic, pid, epoch } = await setup();
    const first = batch(['a', 'b'], pid, epoch, 0);
    expect((await send(topic, first)).json.data[0]).toMatchObject({ error_code: 0, base_offset: 0 });
    expect((await send(topic, batch(['c'], pid, epoch, 2))).json.data[0]).toMatchObject({ error_code: 0, base_offset: 2 });
    t.counter.reset();
    const again = await send(topic, first);
    expect(again.json.data[0]).toMatchObject({ error_code: 0, base_offset: 0, duplicate: true });
    expect(t.counter.get('s3:PutObject')).toBe(0);
    expect(t.counter.get('dynamodb:TransactWriteItems')).toBe(0);
    expect(await values(topic)).toEqual(['0:a', '1:b', '2:c']);
  });

  it('refuses a sequence gap, an unknown producer and a fenced epoch, writing nothing', async () => {
    const { topic, pid, epoch } = await setup();
    await send(topic, batch(['a'], pid, epoch, 0));
    t.counter.reset();
    expect((await send(topic, batch(['gap'], pid, epoch, 5))).json.data[0]).toMatchObject({ error_code: 45, base_offset: -1 });
    expect((await send(topic, batch(['who'], pid + 1000, 0, 3))).json.data[0]).toMatchObject({ error_code: 59 });
    expect(t.counter.get('s3:PutObject')).toBe(0);
    // A newer epoch starts again at sequence 0 and fences the older one.
    expect((await send(topic, batch(['new'], pid, epoch + 1, 0))).json.data[0]).toMatchObject({ error_code: 0, base_offset: 1 });
    expect((await send(topic, batch(['old'], pid, epoch, 1))).json.data[0]).toMatchObject({ error_code: 47 });
    expect(await values(topic)).toEqual(['0:a', '1:new']);
  });

  it('a commit whose reply was lost, then a client retry of the whole request, leaves one copy', async () => {
    const { topic, pid, epoch } = await setup();
    // Every resend of the commit loses its reply too: the server gives up with a retriable 503
    // although the commit was applied; the client's retry must be recognised as a duplicate.
    t.faults.add({ service: 'dynamodb', command: 'TransactWriteItems', mode: 'fail-after', times: 7 });
    const b = batch(['once'], pid, epoch, 0);
    const first = await send(topic, b);
    expect(first.json.data[0].error_code).toBe(56); // KAFKA_STORAGE_ERROR, retriable
    t.faults.clear();
    const retry = await send(topic, b);
    expect(retry.json.data[0]).toMatchObject({ error_code: 0, base_offset: 0, duplicate: true });
    expect(await values(topic)).toEqual(['0:once']);
  });

  it('recognises a retry of any of the last five batches, not only the last', async () => {
    const { topic, pid, epoch } = await setup();
    const sent = [0, 1, 2, 3].map((i) => batch([`v${i}`], pid, epoch, i));
    for (const b of sent) await send(topic, b);
    expect((await send(topic, sent[1]!)).json.data[0]).toMatchObject({ base_offset: 1, duplicate: true });
    expect(await values(topic)).toEqual(['0:v0', '1:v1', '2:v2', '3:v3']);
  });

  it('keeps the stored bytes as the producer sent them, producer fields included', async () => {
    const { topic, pid, epoch } = await setup();
    await send(topic, batch(['x', 'y'], pid, epoch, 0));
    const raw = await call(t.app, 'GET', `${C}/topics/${topic}/partitions/0/records?offset=0`, undefined, { accept: 'application/vnd.kafka.record-batches' });
    const { header } = decodeRecordBatch(raw.bytes);
    expect(header).toMatchObject({ producerId: pid, producerEpoch: epoch, baseSequence: 0, baseOffset: 0 });
  });
});
