import { describe, expect, it, beforeAll } from 'vitest';
import { encodeRecordBatch } from '../../lib/log/record-batch';
import { crc32c } from '../../lib/log/crc32c';
import { encodeFrames } from '../../lib/http/batch-frames';
import { getHeads } from '../../lib/metadata/heads';
import { MAX_REQUEST_BYTES } from '../../lib/http/app';
import { call, testBroker, uniqueTopic } from '../support/broker';

const C = '/v3/clusters/brook-local';
const WRITES = ['s3:PutObject', 'dynamodb:TransactWriteItems', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

describe('bad input: a clear 4xx, and nothing written', () => {
  const t = testBroker();
  const topic = uniqueTopic('bad');
  let topicId = '';

  beforeAll(async () => {
    const res = await call(t.app, 'POST', `${C}/topics`, { topic_name: topic, partitions_count: 2, configs: [{ name: 'max.message.bytes', value: '2000' }] });
    expect(res.status).toBe(201);
    topicId = res.json.topic_id;
    await call(t.app, 'POST', `${C}/topics/${topic}/records`, { value: { type: 'STRING', data: 'seed' }, partition_id: 0 });
  });

  const validBatch = () => encodeRecordBatch([{ key: null, value: Buffer.from('x'), headers: [], timestamp: 1 }]);
  const corruptBatch = () => {
    const b = validBatch();
    b[b.length - 1]! ^= 0xff;
    return b;
  };

  // A batch whose header and CRC are consistent but whose records section is cut short.
  const resealedTruncated = () => {
    const b = Buffer.from(validBatch().subarray(0, validBatch().length - 3));
    b.writeInt32BE(b.length - 12, 8);
    b.writeUInt32BE(crc32c(b.subarray(21)), 17);
    return b;
  };

  const cases: Array<[string, () => [string, string, unknown, Record<string, string>?], number, string]> = [
    ['malformed JSON', () => ['POST', `${C}/topics/${topic}/records`, '{"value": {'], 400, 'INVALID_REQUEST'],
    ['truncated JSON in create topic', () => ['POST', `${C}/topics`, '{"topic_name": "x"'], 400, 'INVALID_REQUEST'],
    ['wrong type for partitions_count', () => ['POST', `${C}/topics`, { topic_name: uniqueTopic(), partitions_count: 'three' }], 400, 'INVALID_REQUEST'],
    ['wrong type for partition_id', () => ['POST', `${C}/topics/${topic}/records`, { partition_id: 'zero', value: { data: 1 } }], 400, 'INVALID_REQUEST'],
    ['bad base64 value', () => ['POST', `${C}/topics/${topic}/records`, { value: { type: 'BINARY', data: '!!not base64!!' } }], 400, 'INVALID_REQUEST'],
    ['bad base64 header', () => ['POST', `${C}/topics/${topic}/records`, { value: { data: 1 }, headers: [{ name: 'h', value: '***' }] }], 400, 'INVALID_REQUEST'],
    ['unknown data type', () => ['POST', `${C}/topics/${topic}/records`, { value: { type: 'AVRO', data: 1 } }], 400, 'INVALID_REQUEST'],
    ['invalid topic name', () => ['POST', `${C}/topics`, { topic_name: 'bad/name', partitions_count: 1 }], 422, 'INVALID_TOPIC_EXCEPTION'],
    ['topic name too long', () => ['POST', `${C}/topics`, { topic_name: 'a'.repeat(250) }], 422, 'INVALID_TOPIC_EXCEPTION'],
    ['topic name ".."', () => ['POST', `${C}/topics`, { topic_name: '..' }], 422, 'INVALID_TOPIC_EXCEPTION'],
    ['existing topic', () => ['POST', `${C}/topics`, { topic_name: topic, partitions_count: 1 }], 400, 'TOPIC_ALREADY_EXISTS'],
    ['partitions_count 0', () => ['POST', `${C}/topics`, { topic_name: uniqueTopic(), partitions_count: 0 }], 400, 'INVALID_PARTITIONS'],
    ['partitions_count too many', () => ['POST', `${C}/topics`, { topic_name: uniqueTopic(), partitions_count: 100000 }], 400, 'INVALID_PARTITIONS'],
    ['unknown topic config', () => ['POST', `${C}/topics`, { topic_name: uniqueTopic(), configs: [{ name: 'retention.mss', value: '1' }] }], 400, 'INVALID_CONFIG'],
    ['fewer partitions than today', () => ['PATCH', `${C}/topics/${topic}`, { partitions_count: 1 }], 400, 'INVALID_PARTITIONS'],
    ['unknown topic on produce', () => ['POST', `${C}/topics/no-such-topic-x/records`, { value: { data: 1 } }], 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['unknown partition on produce', () => ['POST', `${C}/topics/${topic}/records`, { partition_id: 7, value: { data: 1 } }], 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['negative partition', () => ['POST', `${C}/topics/${topic}/records`, { partition_id: -1, value: { data: 1 } }], 400, 'INVALID_REQUEST'],
    ['record over max.message.bytes', () => ['POST', `${C}/topics/${topic}/records`, { value: { type: 'STRING', data: 'x'.repeat(3000) } }], 413, 'MESSAGE_TOO_LARGE'],
    ['one bad record in a batch writes none', () => ['POST', `${C}/topics/${topic}/records:batch`, { entries: [{ id: 'a', value: { data: 1 } }, { id: 'b', value: { type: 'BINARY', data: '@' } }] }], 400, 'INVALID_REQUEST'],
    ['empty batch', () => ['POST', `${C}/topics/${topic}/records:batch`, { entries: [] }], 422, 'INVALID_REQUEST'],
    ['duplicate batch ids', () => ['POST', `${C}/topics/${topic}/records:batch`, { entries: [{ id: 'a' }, { id: 'a' }] }], 422, 'INVALID_REQUEST'],
    ['empty body', () => ['POST', `${C}/topics/${topic}/records`, ''], 400, 'INVALID_REQUEST'],
    ['request over the body limit', () => ['POST', `${C}/topics/${topic}/records`, JSON.stringify({ value: { type: 'STRING', data: 'x'.repeat(MAX_REQUEST_BYTES) } })], 413, 'RECORD_LIST_TOO_LARGE'],
    ['corrupt CRC in a binary batch', () => ['POST', `${C}/batches`, encodeFrames([{ topic, partition: 0, batches: corruptBatch() }]), { 'content-type': 'application/vnd.brook.batches' }], 400, 'CORRUPT_MESSAGE'],
    ['truncated binary batch', () => ['POST', `${C}/batches`, encodeFrames([{ topic, partition: 0, batches: validBatch().subarray(0, 40) }]), { 'content-type': 'application/vnd.brook.batches' }], 400, 'CORRUPT_MESSAGE'],
    ['truncated frame', () => ['POST', `${C}/batches`, encodeFrames([{ topic, partition: 0, batches: validBatch() }]).subarray(0, 20), { 'content-type': 'application/vnd.brook.batches' }], 400, 'CORRUPT_MESSAGE'],
    ['binary batch for an unknown partition', () => ['POST', `${C}/batches`, encodeFrames([{ topic, partition: 0, batches: validBatch() }, { topic, partition: 9, batches: validBatch() }]), { 'content-type': 'application/vnd.brook.batches' }], 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['negative fetch offset', () => ['GET', `${C}/topics/${topic}/partitions/0/records?offset=-1`, undefined], 400, 'INVALID_REQUEST'],
    ['fetch offset past the log end', () => ['GET', `${C}/topics/${topic}/partitions/0/records?offset=5&max_wait_ms=0`, undefined], 416, 'OFFSET_OUT_OF_RANGE'],
    ['fetch offset not a number', () => ['GET', `${C}/topics/${topic}/partitions/0/records?offset=abc`, undefined], 400, 'INVALID_REQUEST'],
    ['fetch from an unknown partition', () => ['GET', `${C}/topics/${topic}/partitions/5/records?offset=0`, undefined], 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['max_wait_ms over the limit', () => ['GET', `${C}/topics/${topic}/partitions/0/records?offset=0&max_wait_ms=999999`, undefined], 400, 'INVALID_REQUEST'],
    ['unknown cluster', () => ['GET', '/v3/clusters/other/topics', undefined], 404, 'UNKNOWN_CLUSTER'],
    ['unknown route', () => ['GET', '/v3/nowhere', undefined], 404, 'NOT_FOUND'],
    ['unknown topic on get', () => ['GET', `${C}/topics/nope-${topic}`, undefined], 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    // Regressions found by `npm run fuzz -- --seed 1041134627`:
    ['fuzz seed 1041134627: a 1,100-character topic name in the path', () => ['GET', `${C}/topics/${'a'.repeat(1100)}`, undefined], 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['fuzz seed 1041134627: producing to a 1,100-character topic name', () => ['POST', `${C}/topics/${'a'.repeat(1100)}/records`, { value: { data: 1 } }], 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['fuzz seed 1041134627: deleting an unknown topic', () => ['DELETE', `${C}/topics/no-such-${topic}`, undefined], 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['fuzz seed 1041134627: JSON nested 5,000 deep', () => ['POST', `${C}/topics/${topic}/records`, `{"value":{"data":${'['.repeat(5000)}${']'.repeat(5000)}}}`], 400, 'INVALID_REQUEST'],
    ['fuzz seed 1041134627: a resealed batch whose records are cut short', () => ['POST', `${C}/batches`, encodeFrames([{ topic, partition: 0, batches: resealedTruncated() }]), { 'content-type': 'application/vnd.brook.batches' }], 400, 'CORRUPT_MESSAGE'],
    ['fuzz seed 1041134627: a path that only looks like configs:alter', () => ['POST', `${C}/topics/${topic}/configs2DChV490`, { data: [{ name: 'retention.ms', value: '1' }] }], 404, 'NOT_FOUND'],
    ['fuzz seed 1041134627: a path that only looks like records:batch', () => ['POST', `${C}/topics/${topic}/recordsX`, { entries: [{ id: 'a', value: { data: 1 } }] }], 404, 'NOT_FOUND'],
    ['fuzz seed 1041134627: partition id 0o0', () => ['POST', `${C}/topics/${topic}/partitions/0o0/records:delete`, { offset: 1 }], 400, 'INVALID_REQUEST'],
    ['fuzz seed 1041134627: partition id 0x0', () => ['GET', `${C}/topics/${topic}/partitions/0x0/records?offset=0`, undefined], 400, 'INVALID_REQUEST'],
    ['fuzz seed 1041134627: one config given twice', () => ['POST', `${C}/topics/${topic}/configs:alter`, { data: [{ name: 'retention.ms', value: 'abc' }, { name: 'retention.ms', value: '60000' }] }], 400, 'INVALID_REQUEST'],
  ];

  it.each(cases)('%s', async (_name, request, status, errorName) => {
    const [method, path, body, headers] = request();
    const before = await getHeads(t.broker, topicId, [0, 1]);
    t.counter.reset();
    const res = await call(t.app, method, path, body, headers);
    expect(res.status).toBe(status);
    expect(res.json.error_name).toBe(errorName);
    expect(res.json.error_code).toBeGreaterThanOrEqual(400);
    expect(typeof res.json.message).toBe('string');
    expect(res.json.message.length).toBeGreaterThan(10);
    for (const w of WRITES) expect(t.counter.get(w), `${w} during a rejected request`).toBe(0);
    expect(await getHeads(t.broker, topicId, [0, 1])).toEqual(before);
  });
});
