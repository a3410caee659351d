import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, testBroker, uniqueTopic } from '../support/broker';

const C = '/v3/clusters/brook-local';
const WRITES = ['dynamodb:TransactWriteItems', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 's3:PutObject'];

describe('consumer group bad input: a clear 4xx, and nothing written', () => {
  const t = testBroker();
  const topic = uniqueTopic('gbad');
  const g = `bad-${randomUUID().slice(0, 8)}`;
  let member = { id: '', epoch: 0 };

  beforeAll(async () => {
    await call(t.app, 'POST', `${C}/topics`, { topic_name: topic, partitions_count: 2 });
    await call(t.app, 'POST', `${C}/topics/${topic}/records`, { partition_id: 0, value: { data: 1 } });
    const joined = await call(t.app, 'POST', `${C}/consumer-groups/${g}/heartbeat`, { member_epoch: 0, subscribed_topic_names: [topic] });
    expect(joined.status).toBe(200);
    member = { id: joined.json.member_id, epoch: joined.json.member_epoch };
  });

  const HB = () => `${C}/consumer-groups/${g}/heartbeat`;
  const COMMIT = () => `${C}/consumer-groups/${g}/offsets:commit`;
  const RESET = () => `${C}/consumer-groups/${g}/offsets:reset`;
  const join = (extra: Record<string, unknown>) => ({ member_epoch: 0, subscribed_topic_names: [topic], ...extra });
  const commit = (offsets: unknown[], extra: Record<string, unknown> = {}) => ({ member_id: member.id, member_epoch: member.epoch, offsets, ...extra });

  const cases: Array<[string, () => [string, string, unknown], number, string]> = [
    ['malformed JSON', () => ['POST', HB(), '{"member_epoch": '], 400, 'INVALID_REQUEST'],
    ['member_epoch missing', () => ['POST', HB(), { subscribed_topic_names: [topic] }], 400, 'INVALID_REQUEST'],
    ['member_epoch not a number', () => ['POST', HB(), join({ member_epoch: 'zero' })], 400, 'INVALID_REQUEST'],
    ['member_epoch -3', () => ['POST', HB(), join({ member_id: 'x', member_epoch: -3 })], 400, 'INVALID_REQUEST'],
    ['a misspelt field', () => ['POST', HB(), join({ memberEpoch: 0 })], 400, 'INVALID_REQUEST'],
    ['heartbeat without member_id', () => ['POST', HB(), { member_epoch: 3 }], 400, 'INVALID_REQUEST'],
    ['member_id with a space', () => ['POST', HB(), join({ member_id: 'a b' })], 400, 'INVALID_REQUEST'],
    ['join without a subscription', () => ['POST', HB(), { member_epoch: 0 }], 400, 'INVALID_REQUEST'],
    ['both topic names and a regex', () => ['POST', HB(), join({ subscribed_topic_regex: '.*' })], 400, 'INVALID_REQUEST'],
    ['invalid regex', () => ['POST', HB(), { member_epoch: 0, subscribed_topic_regex: '([a-' }], 400, 'INVALID_REGULAR_EXPRESSION'],
    ['invalid topic name in the subscription', () => ['POST', HB(), join({ subscribed_topic_names: ['bad/name'] })], 422, 'INVALID_TOPIC_EXCEPTION'],
    ['unknown assignor', () => ['POST', HB(), join({ server_assignor: 'roundrobin' })], 400, 'UNSUPPORTED_ASSIGNOR'],
    ['session timeout below the minimum', () => ['POST', HB(), join({ session_timeout_ms: 10 })], 400, 'INVALID_SESSION_TIMEOUT'],
    ['rebalance timeout 0', () => ['POST', HB(), join({ rebalance_timeout_ms: 0 })], 400, 'INVALID_REQUEST'],
    ['negative owned partition', () => ['POST', HB(), join({ owned_partitions: [{ topic_name: topic, partitions: [-1] }] })], 400, 'INVALID_REQUEST'],
    ['static leave without instance_id', () => ['POST', HB(), { member_id: 'x', member_epoch: -2 }], 400, 'INVALID_REQUEST'],
    ['group id too long', () => ['POST', `${C}/consumer-groups/${'g'.repeat(256)}/heartbeat`, join({})], 400, 'INVALID_GROUP_ID'],
    ['unknown member', () => ['POST', HB(), { member_id: 'nobody', member_epoch: 1 }], 409, 'UNKNOWN_MEMBER_ID'],
    ['fenced epoch', () => ['POST', HB(), { member_id: member.id, member_epoch: member.epoch + 7 }], 409, 'FENCED_MEMBER_EPOCH'],
    ['heartbeat to an unknown group', () => ['POST', `${C}/consumer-groups/nope-${randomUUID()}/heartbeat`, { member_id: 'x', member_epoch: 1 }], 404, 'GROUP_ID_NOT_FOUND'],
    ['commit: no offsets', () => ['POST', COMMIT(), commit([])], 400, 'INVALID_REQUEST'],
    ['commit: negative offset', () => ['POST', COMMIT(), commit([{ topic_name: topic, partition_id: 0, offset: -1 }])], 400, 'INVALID_REQUEST'],
    ['commit: a partition twice', () => ['POST', COMMIT(), commit([0, 0].map((p) => ({ topic_name: topic, partition_id: p, offset: 0 })))], 400, 'INVALID_REQUEST'],
    ['commit: metadata too large', () => ['POST', COMMIT(), commit([{ topic_name: topic, partition_id: 0, offset: 0, metadata: 'm'.repeat(5000) }])], 400, 'OFFSET_METADATA_TOO_LARGE'],
    ['commit: unknown topic', () => ['POST', COMMIT(), commit([{ topic_name: 'no-such-topic-g', partition_id: 0, offset: 0 }])], 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['commit: unknown partition', () => ['POST', COMMIT(), commit([{ topic_name: topic, partition_id: 5, offset: 0 }])], 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['commit: past the log end', () => ['POST', COMMIT(), commit([{ topic_name: topic, partition_id: 0, offset: 2 }])], 416, 'OFFSET_OUT_OF_RANGE'],
    ['commit: member_id without epoch', () => ['POST', COMMIT(), { member_id: member.id, offsets: [{ topic_name: topic, partition_id: 0, offset: 0 }] }], 400, 'INVALID_REQUEST'],
    ['commit: stale epoch', () => ['POST', COMMIT(), commit([{ topic_name: topic, partition_id: 0, offset: 0 }], { member_epoch: member.epoch + 1 })], 409, 'STALE_MEMBER_EPOCH'],
    ['commit: without a member while the group has one', () => ['POST', COMMIT(), { offsets: [{ topic_name: topic, partition_id: 0, offset: 0 }] }], 409, 'UNKNOWN_MEMBER_ID'],
    ['reset: no strategy', () => ['POST', RESET(), { topics: [{ topic_name: topic }] }], 400, 'INVALID_REQUEST'],
    ['reset: two strategies', () => ['POST', RESET(), { topics: [{ topic_name: topic }], to_earliest: true, to_offset: 3 }], 400, 'INVALID_REQUEST'],
    ['reset: neither topics nor all_topics', () => ['POST', RESET(), { to_earliest: true }], 400, 'INVALID_REQUEST'],
    ['reset: bad datetime', () => ['POST', RESET(), { topics: [{ topic_name: topic }], to_datetime: 'yesterday' }], 400, 'INVALID_REQUEST'],
    ['reset: while the group has a member', () => ['POST', RESET(), { topics: [{ topic_name: topic }], to_earliest: true, execute: true }], 409, 'NON_EMPTY_GROUP'],
    ['offsets: bad topics parameter', () => ['GET', `${C}/consumer-groups/${g}/offsets?topics=a,,b`, undefined], 400, 'INVALID_REQUEST'],
    ['offsets: unknown topic', () => ['GET', `${C}/consumer-groups/${g}/offsets?topics=no-such-topic-g`, undefined], 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['describe an unknown group', () => ['GET', `${C}/consumer-groups/nope-${randomUUID()}`, undefined], 404, 'GROUP_ID_NOT_FOUND'],
    ['an unknown consumer', () => ['GET', `${C}/consumer-groups/${g}/consumers/nobody`, undefined], 404, 'UNKNOWN_MEMBER_ID'],
    ['delete a group with a member', () => ['DELETE', `${C}/consumer-groups/${g}`, undefined], 409, 'NON_EMPTY_GROUP'],
    ['delete an unknown group', () => ['DELETE', `${C}/consumer-groups/nope-${randomUUID()}`, undefined], 404, 'GROUP_ID_NOT_FOUND'],
    ['unknown cluster', () => ['GET', `/v3/clusters/other/consumer-groups`, undefined], 404, 'UNKNOWN_CLUSTER'],
  ];

  it.each(cases)('%s', async (_name, req, status, errorName) => {
    const [method, path, body] = req();
    t.counter.reset();
    const res = await call(t.app, method, path, body);
    expect(res.status, res.text).toBe(status);
    expect(res.json.error_name).toBe(errorName);
    expect(res.json.message.length).toBeGreaterThan(10);
    for (const w of WRITES) expect(t.counter.get(w), `${w} for ${_name}`).toBe(0);
  });
});
