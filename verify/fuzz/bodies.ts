/**
 * JSON bodies of the data routes (produce records, records:batch, multi-partition fetch), valid
 * or certainly invalid, as Parts. Valid bodies only ever reach the server next to some other
 * invalid part of the same request (see arbitraries.ts). Admin bodies: admin-bodies.ts.
 */
import fc from 'fast-check';
import { MAX_FETCH_BYTES, MAX_WAIT_LIMIT_MS } from '../../lib/http/routes/fetch';
import type { FuzzTopic } from './arbitraries';
import {
  bad,
  badBase64,
  deeplyNested,
  emptyBody,
  good,
  hugeInt,
  legalString,
  malformedJson,
  negativeInt,
  nonInteger,
  notAnObject,
  otherType,
  rawNumber,
  show,
  toJson,
  validBase64,
  type Part,
} from './values';

export type Json = Record<string, unknown>;
/** A field name, its invalid value and why it is invalid. */
export type BadField = [string, unknown, string];
/** Apply invalid fields to a valid object; a later field of the same name replaces an earlier one. */
export const withFields = (base: Json, fields: BadField[]) => {
  const byName = new Map(fields.map((f) => [f[0], f] as const));
  return {
    value: { ...base, ...Object.fromEntries([...byName.values()].map(([k, v]) => [k, v])) },
    bad: [...byName.values()].map(([, , why]) => why).join(', '),
  };
};
export const badField = (name: string, arb: fc.Arbitrary<unknown>, why = (v: unknown) => `${name} ${show(v)}`): fc.Arbitrary<BadField> => arb.map((v) => [name, v, why(v)]);

// ---- records (POST .../records, and the entries of records:batch) ----

const validIso = fc.date({ min: new Date(0), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
const validData = fc.oneof(
  fc.record({ type: fc.constant('STRING'), data: fc.string({ maxLength: 20 }) }),
  fc.record({ type: fc.constant('BINARY'), data: validBase64 }),
  fc.record({ type: fc.constant('JSON'), data: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ data: fc.jsonValue({ maxDepth: 2 }) }),
  fc.constant(null),
);
const validHeaders = fc.array(fc.record({ name: legalString(0, 10), value: fc.option(validBase64) }), { maxLength: 2 });

export const validRecord = (t?: FuzzTopic): fc.Arbitrary<Json> =>
  fc.record(
    {
      partition_id: fc.oneof(fc.integer({ min: 0, max: (t?.partitions ?? 1) - 1 }), fc.constant(null)),
      key: validData,
      value: validData,
      headers: validHeaders,
      timestamp: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), validIso, fc.constant(null)),
    },
    { requiredKeys: [] },
  );

const badType = fc.oneof(fc.constantFrom('binary', 'json', 'string', 'Json', 'AVRO', 'PROTOBUF', 'JSONSCHEMA', '', ' JSON', 'JSON ', 'BYTES'), otherType(['string', 'null']));
const badData = (field: string): fc.Arbitrary<BadField> =>
  fc.oneof(
    badField(field, badBase64.map((data) => ({ type: 'BINARY', data })), (v) => `${field}.data is not base64: ${show((v as Json).data)}`),
    badField(field, otherType(['string', 'null']).map((data) => ({ type: 'BINARY', data })), (v) => `${field}.data ${show((v as Json).data)} for BINARY`),
    badField(field, otherType(['string', 'null']).map((data) => ({ type: 'STRING', data })), (v) => `${field}.data ${show((v as Json).data)} for STRING`),
    badField(field, fc.tuple(badType, fc.jsonValue({ maxDepth: 1 })).map(([type, data]) => ({ type, data })), (v) => `${field}.type ${show((v as Json).type)}`),
    badField(field, otherType(['null', 'object'])),
  );
const badHeaderEntry = fc.oneof(
  otherType(['object']),
  validBase64.map((value) => ({ value })),
  fc.tuple(otherType(['string']), validBase64).map(([name, value]) => ({ name, value })),
  otherType(['string', 'null']).map((value) => ({ name: 'h', value })),
  badBase64.map((value) => ({ name: 'h', value })),
);
const badTimestamp = fc.oneof(
  negativeInt,
  nonInteger,
  fc.constantFrom(2 ** 53, 1e20, 1e300),
  rawNumber,
  fc.constantFrom('yesterday', '', 'now', '2024-13-01T00:00:00Z', '2024-01-01T25:00:00Z', '1700000000000', '2024-01-01', '1969-12-31T23:59:59Z', '0', 'T', 'Z', '2024-01-01T00:00:00+25:00'),
  otherType(['string', 'number', 'null']),
);

/** One field of a record made invalid. */
const hostileField = (t?: FuzzTopic): fc.Arbitrary<BadField> => {
  const count = t?.partitions ?? 1;
  return fc.oneof(
    badField('partition_id', fc.oneof(negativeInt, nonInteger, fc.integer({ min: count, max: count + 100 }), hugeInt, otherType(['null', 'number']), rawNumber)),
    badData('key'),
    badData('value'),
    badField('headers', fc.oneof(otherType(['array', 'null']), fc.tuple(validHeaders, badHeaderEntry).map(([hs, h]) => [...hs, h]))),
    badField('timestamp', badTimestamp),
  );
};

/** A record with one or two invalid fields. */
export const hostileRecord = (t?: FuzzTopic): fc.Arbitrary<Part<Json>> =>
  fc.tuple(validRecord(t), fc.array(hostileField(t), { minLength: 1, maxLength: 2 })).map(([r, fields]) => withFields(r, fields));

/** A JSON value nested past any parser's limit, then an invalid field checked after it (headers are decoded after key and value). */
const deepRecord = fc.tuple(deeplyNested, badBase64).map(([deep, b]) => ({ value: { type: 'JSON', data: deep }, headers: [{ name: 'h', value: b }] }));

/** A record bigger than the topic's max.message.bytes (only for topics with a small limit). */
const tooLarge = (t?: FuzzTopic): Array<fc.Arbitrary<Part<Json>>> =>
  t && t.maxMessageBytes <= 65_536
    ? [bad(fc.integer({ min: 1, max: 2_000 }).map((n) => ({ value: { type: 'STRING', data: 'x'.repeat(t.maxMessageBytes + n) } })), `record larger than max.message.bytes ${t.maxMessageBytes}`)]
    : [];

/** Place `one` among `others` at a generated position. */
const among = <T>(others: fc.Arbitrary<T[]>, one: fc.Arbitrary<T>) =>
  fc.tuple(others, one, fc.nat()).map(([xs, x, at]) => {
    const i = at % (xs.length + 1);
    return [...xs.slice(0, i), x, ...xs.slice(i)];
  });

/** Body of POST .../records: one JSON object or several concatenated. */
export function recordsBody(t?: FuzzTopic): fc.Arbitrary<Part<string>> {
  const sep = fc.constantFrom('', '\n', ' ', '\r\n');
  const join = (rs: unknown[], s: string) => rs.map(toJson).join(s);
  const validText = validRecord(t).map(toJson);
  return fc.oneof(
    { weight: 3, arbitrary: good(fc.tuple(fc.array(validRecord(t), { minLength: 1, maxLength: 3 }), sep).map(([rs, s]) => join(rs, s))) },
    { weight: 8, arbitrary: fc.tuple(among(fc.array(validRecord(t), { maxLength: 2 }).map((rs) => rs.map((value) => ({ value }) as Part<Json>)), fc.oneof(hostileRecord(t), ...tooLarge(t))), sep).map(([ps, s]) => ({ value: join(ps.map((p) => p.value), s), bad: ps.find((p) => p.bad)!.bad })) },
    { weight: 3, arbitrary: malformedJson(validText) },
    { weight: 1, arbitrary: notAnObject },
    { weight: 1, arbitrary: emptyBody },
    { weight: 1, arbitrary: bad(deepRecord.map(toJson), 'value nested 5,000+ deep, then a header that is not base64') },
  );
}

/** Body of POST .../records:batch. */
export function batchBody(t?: FuzzTopic): fc.Arbitrary<Part<string>> {
  const entries = (rs: Json[]) => rs.map((r, i) => ({ id: `e${i}`, ...r }));
  const validText = fc.array(validRecord(t), { minLength: 1, maxLength: 3 }).map((rs) => toJson({ entries: entries(rs) }));
  const json = <T>(p: fc.Arbitrary<Part<T>>) => p.map((x) => ({ value: toJson(x.value), bad: x.bad }));
  const badId = fc.oneof(fc.constant(undefined), fc.constant(''), legalString(81, 200), otherType(['string']));
  return fc.oneof(
    { weight: 3, arbitrary: good(validText) },
    { weight: 6, arbitrary: json(fc.tuple(fc.array(validRecord(t), { maxLength: 2 }), hostileRecord(t), fc.nat()).map(([rs, h, at]) => { const all = entries(rs); all.splice(at % (all.length + 1), 0, { id: 'bad', ...h.value }); return { value: { entries: all }, bad: h.bad }; })) },
    { weight: 2, arbitrary: json(fc.tuple(fc.array(validRecord(t), { maxLength: 2 }), validRecord(t), badId).map(([rs, r, id]) => ({ value: { entries: [...entries(rs), { ...r, id }] }, bad: `entry id ${show(id)}` }))) },
    { weight: 2, arbitrary: json(fc.array(validRecord(t), { minLength: 2, maxLength: 3 }).map((rs) => ({ value: { entries: rs.map((r) => ({ ...r, id: 'same' })) }, bad: 'duplicate entry ids' }))) },
    { weight: 1, arbitrary: json(bad(fc.constant({ entries: [] }), 'no entries')) },
    { weight: 1, arbitrary: json(bad(fc.oneof(fc.constant({}), otherType(['array']).map((e) => ({ entries: e }))), (b) => `entries ${show((b as Json).entries)}`)) },
    { weight: 1, arbitrary: json(bad(fc.tuple(fc.array(validRecord(t), { maxLength: 2 }), otherType(['object'])).map(([rs, e]) => ({ entries: [...entries(rs), e] })), 'an entry that is not an object')) },
    { weight: 1, arbitrary: json(bad(fc.tuple(validRecord(t), deepRecord).map(([r, d]) => ({ entries: [{ id: 'a', ...r }, { id: 'b', ...d }] })), 'value nested 5,000+ deep, then a header that is not base64')) },
    { weight: 3, arbitrary: malformedJson(validText) },
    { weight: 1, arbitrary: notAnObject },
    { weight: 1, arbitrary: emptyBody },
  );
}


// ---- POST /v3/clusters/{cluster_id}/fetch ----

/**
 * Multi-partition fetch. An unknown topic or an offset out of range is answered per partition
 * inside a 200 (as Kafka's Fetch does), so only shapes and limits make this body invalid.
 */
export function fetchManyBody(topics: FuzzTopic[]): fc.Arbitrary<Part<string>> {
  const entry = fc.record(
    { topic_name: fc.oneof(fc.constantFrom(...topics.map((t) => t.name)), legalString(1, 20)), partition_id: fc.nat(3), offset: fc.nat(10), max_bytes: fc.integer({ min: 1, max: MAX_FETCH_BYTES }) },
    { requiredKeys: ['topic_name', 'partition_id', 'offset'] },
  );
  const valid = fc.record(
    { partitions: fc.array(entry, { minLength: 1, maxLength: 3 }), max_wait_ms: fc.integer({ min: 0, max: 50 }), max_bytes: fc.integer({ min: 1, max: MAX_FETCH_BYTES }) },
    { requiredKeys: ['partitions'] },
  );
  const badSize = fc.oneof(fc.constant(0), negativeInt, fc.integer({ min: MAX_FETCH_BYTES + 1, max: 2 ** 31 }), nonInteger, otherType(['number', 'null']), rawNumber);
  const entryField: fc.Arbitrary<BadField> = fc.oneof(
    badField('topic_name', fc.oneof(fc.constant(''), fc.constant(undefined), otherType(['string']))),
    badField('partition_id', fc.oneof(negativeInt, nonInteger, fc.constant(undefined), otherType(['number']), rawNumber)),
    badField('offset', fc.oneof(negativeInt, nonInteger, fc.constant(undefined), otherType(['number']), rawNumber)),
    badField('max_bytes', badSize),
  );
  const topField: fc.Arbitrary<BadField> = fc.oneof(
    badField('max_wait_ms', fc.oneof(fc.integer({ min: MAX_WAIT_LIMIT_MS + 1, max: 2 ** 31 }), negativeInt, nonInteger, otherType(['number', 'null']), rawNumber)),
    badField('max_bytes', badSize),
    badField('partitions', fc.oneof(fc.constant([]), fc.constant(undefined), otherType(['array']))),
    badField('partitions', fc.array(entry, { minLength: 1001, maxLength: 1001 }), () => 'partitions: 1,001 entries (limit 1,000)'),
  );
  const hostile = fc.oneof(
    fc.tuple(valid, topField).map(([v, f]) => withFields(v, [f])),
    fc.tuple(valid, entry, fc.array(entryField, { minLength: 1, maxLength: 2 })).map(([v, e, fs]) => {
      const bad = withFields(e, fs);
      return { value: { ...v, partitions: [...v.partitions, bad.value] }, bad: `partition entry: ${bad.bad}` };
    }),
    fc.tuple(valid, otherType(['object'])).map(([v, e]) => ({ value: { ...v, partitions: [...v.partitions, e] }, bad: `partition entry ${show(e)}` })),
  );
  return fc.oneof(
    { weight: 2, arbitrary: good(valid.map(toJson)) },
    { weight: 8, arbitrary: hostile.map((h) => ({ value: toJson(h.value), bad: h.bad })) },
    { weight: 2, arbitrary: malformedJson(valid.map(toJson)) },
    { weight: 1, arbitrary: notAnObject },
    { weight: 1, arbitrary: emptyBody },
  );
}
