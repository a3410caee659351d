/**
 * JSON bodies of the admin routes (create topic, add partitions, alter configs, delete records),
 * valid or certainly invalid, as Parts; see bodies.ts for how they are used.
 */
import fc from 'fast-check';
import { TOPIC_CONFIGS } from '../../lib/metadata/topic-configs';
import type { FuzzTopic } from './arbitraries';
import { badField, withFields, type BadField } from './bodies';
import {
  bad,
  deeplyNested,
  emptyBody,
  good,
  hugeInt,
  illegalBodyName,
  legalString,
  malformedJson,
  negativeInt,
  nonInteger,
  notAnObject,
  otherType,
  rawNumber,
  show,
  toJson,
  unknownTopicName,
  type Part,
} from './values';

// ---- topic configs ----

/** Invalid values for each known config, by Kafka's rules for it. */
const BAD_CONFIG_VALUES: Record<string, unknown[]> = {
  'cleanup.policy': ['remove', 'DELETE', '', 'compact,,delete', 5, true],
  'retention.ms': ['-2', 'abc', '1.5', '', '1e3', true, 1.5, '99999999999999999999'],
  'retention.bytes': ['-2', 'x', '0.5'],
  'max.message.bytes': ['-1', 'abc', '1.5', ''],
  'message.timestamp.type': ['createtime', 'LogAppend', '', 5],
  'min.compaction.lag.ms': ['-1', 'soon'],
  'delete.retention.ms': ['-1', '1d'],
  'segment.ms': ['0', '-1', 'week'],
  'min.insync.replicas': ['0', '-1', 'all'],
};
const VALID_CONFIGS: Array<{ name: string; value: unknown }> = [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'retention.ms', value: '-1' },
  { name: 'retention.ms', value: 60000 },
  { name: 'max.message.bytes', value: '1000' },
  { name: 'message.timestamp.type', value: 'LogAppendTime' },
  { name: 'segment.ms', value: '1' },
  { name: 'min.insync.replicas', value: '2' },
  { name: 'no.such.config', value: null },
];
const badConfigEntry: fc.Arbitrary<[unknown, string]> = fc.oneof(
  fc.constantFrom(...Object.entries(BAD_CONFIG_VALUES).flatMap(([name, vs]) => vs.map((value) => ({ name, value })))).map((c): [unknown, string] => [c, `config ${c.name}=${show(c.value)}`]),
  fc.tuple(fc.oneof(fc.constantFrom('', ' ', 'retention.mss', 'RETENTION.MS', 'cleanup.policy ', 'x.y.z'), legalString(1, 20).map((s) => `brook.fuzz.${s}`)), fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean()))
    .filter(([name]) => !(name in TOPIC_CONFIGS))
    .map(([name, value]): [unknown, string] => [{ name, value }, `unknown config ${show(name)}`]),
  otherType(['object']).map((c): [unknown, string] => [c, `config entry ${show(c)}`]),
  fc.tuple(otherType(['string']), fc.string({ maxLength: 4 })).map(([name, value]): [unknown, string] => [{ name, value }, `config name ${show(name)}`]),
  fc.constantFrom(...Object.keys(TOPIC_CONFIGS)).chain((name) => fc.oneof(fc.constant([]), fc.constant({ v: 1 })).map((value): [unknown, string] => [{ name, value }, `config ${name} value ${show(value)}`])),
);

export function createTopicBody(taken: string[], prefix: string, shared: boolean): fc.Arbitrary<Part<string>> {
  const valid = fc.record(
    {
      topic_name: unknownTopicName(taken, prefix, shared),
      partitions_count: fc.integer({ min: 1, max: 8 }),
      replication_factor: fc.constantFrom(-1, 1, 2, 3),
      configs: fc.subarray(VALID_CONFIGS, { maxLength: 3 }),
      validate_only: fc.boolean(),
    },
    { requiredKeys: ['topic_name'] },
  );
  const field: fc.Arbitrary<BadField> = fc.oneof(
    { weight: 4, arbitrary: fc.oneof(illegalBodyName, bad(fc.constantFrom(...taken), (n) => `topic ${n} already exists`)).map((p): BadField => ['topic_name', p.value, p.bad!]) },
    { weight: 1, arbitrary: badField('topic_name', fc.oneof(fc.constant(undefined), otherType(['string']))) },
    { weight: 3, arbitrary: badField('partitions_count', fc.oneof(fc.constant(0), negativeInt, fc.integer({ min: 1001, max: 1_000_000 }), hugeInt, nonInteger, otherType(['number', 'null']), rawNumber)) },
    { weight: 2, arbitrary: badField('replication_factor', fc.oneof(fc.constant(0), fc.integer({ min: -1000, max: -2 }), fc.integer({ min: 4, max: 1000 }), hugeInt, nonInteger, otherType(['number', 'null']), rawNumber)) },
    { weight: 3, arbitrary: fc.tuple(fc.subarray(VALID_CONFIGS, { maxLength: 2 }), badConfigEntry).map(([cs, [c, why]]): BadField => ['configs', [...cs, c], why]) },
    { weight: 1, arbitrary: badField('configs', otherType(['array', 'null'])) },
    { weight: 1, arbitrary: badField('validate_only', otherType(['boolean', 'null'])) },
  );
  const hostile = fc.tuple(valid, fc.array(field, { minLength: 1, maxLength: 2 })).map(([body, fields]) => {
    const { value, bad: why } = withFields(body, fields);
    return { value: toJson(value), bad: why };
  });
  return fc.oneof(
    { weight: 2, arbitrary: good(valid.map(toJson)) },
    { weight: 10, arbitrary: hostile },
    { weight: 2, arbitrary: malformedJson(valid.map(toJson)) },
    { weight: 1, arbitrary: notAnObject },
    { weight: 1, arbitrary: emptyBody },
    { weight: 1, arbitrary: bad(deeplyNested.map(toJson), 'deeply nested JSON array') },
  );
}

/** Body of PATCH .../topics/{topic_name}: a partition count a topic cannot be given. */
export function patchBody(t?: FuzzTopic): fc.Arbitrary<Part<string>> {
  const current = t?.partitions;
  const valid = current === undefined ? fc.integer({ min: 1, max: 1000 }) : fc.integer({ min: current, max: 1000 });
  const shrinks = current !== undefined && current > 1 ? [fc.integer({ min: 1, max: current - 1 })] : [];
  const badCount = fc.oneof(fc.constant(0), negativeInt, fc.integer({ min: 1001, max: 1_000_000 }), hugeInt, nonInteger, otherType(['number']), rawNumber, ...shrinks);
  return fc.oneof(
    { weight: 2, arbitrary: good(valid.map((n) => toJson({ partitions_count: n }))) },
    { weight: 6, arbitrary: bad(badCount.map((n) => toJson({ partitions_count: n })), (b) => `partitions_count in ${show(b)}${current ? ` (topic has ${current})` : ''}`) },
    { weight: 1, arbitrary: bad(fc.constantFrom('{}', '{"partitions":3}', '{"partitions_count":null}'), (b) => `no partitions_count in ${b}`) },
    { weight: 2, arbitrary: malformedJson(valid.map((n) => toJson({ partitions_count: n }))) },
    { weight: 1, arbitrary: notAnObject },
    { weight: 1, arbitrary: emptyBody },
  );
}

/** Body of POST .../configs:alter (Kafka's IncrementalAlterConfigs). */
export function alterConfigsBody(): fc.Arbitrary<Part<string>> {
  const change = fc.oneof(
    fc.constantFrom(...VALID_CONFIGS.filter((c) => c.value !== null)).map((c) => ({ ...c, operation: 'SET' as string | undefined })),
    fc.constantFrom(...Object.keys(TOPIC_CONFIGS)).map((name) => ({ name, operation: 'DELETE' as string | undefined, value: undefined as unknown })),
  );
  const valid = fc.record({ data: fc.array(change, { minLength: 1, maxLength: 3 }), validate_only: fc.boolean() }, { requiredKeys: ['data'] });
  const badChange: fc.Arbitrary<[unknown, string]> = fc.oneof(
    badConfigEntry.map(([c, why]): [unknown, string] => [c, why]),
    fc.constantFrom(...Object.keys(TOPIC_CONFIGS)).map((name): [unknown, string] => [{ name, operation: 'SET' }, `SET ${name} without a value`]),
    fc.tuple(fc.constantFrom(...Object.keys(TOPIC_CONFIGS)), fc.constantFrom('set', 'delete', 'REMOVE', 'APPEND ', '', 5, null)).map(([name, operation]): [unknown, string] => [{ name, value: '1000', operation }, `operation ${show(operation)}`]),
    fc.tuple(legalString(1, 12), fc.constantFrom('SET', 'DELETE')).map(([s, operation]): [unknown, string] => [{ name: `brook.fuzz.${s}`, value: '1', operation }, `${operation} of unknown config brook.fuzz.${s}`]),
  );
  const hostile = fc.oneof(
    fc.tuple(valid, badChange, fc.nat()).map(([v, [c, why], at]) => {
      const data: unknown[] = [...v.data];
      data.splice(at % (data.length + 1), 0, c);
      // Kafka refuses a request naming one config twice ("duplicate config keys"), whatever the order.
      const twice = v.data.some((d) => d.name === (c as { name?: unknown } | null)?.name);
      return { value: { ...v, data }, bad: twice ? `${why}, and the same config named again` : why };
    }),
    fc.tuple(valid, fc.oneof(badField('data', fc.oneof(fc.constant([]), fc.constant(undefined), otherType(['array']))), badField('validate_only', otherType(['boolean', 'null'])))).map(([v, f]) => withFields(v, [f])),
  );
  return fc.oneof(
    { weight: 2, arbitrary: good(valid.map(toJson)) },
    { weight: 8, arbitrary: hostile.map((h) => ({ value: toJson(h.value), bad: h.bad })) },
    { weight: 2, arbitrary: malformedJson(valid.map(toJson)) },
    { weight: 1, arbitrary: notAnObject },
    { weight: 1, arbitrary: emptyBody },
  );
}

/** Body of POST .../records:delete (Kafka's DeleteRecords): offsets below -1 or past the log end. */
export function deleteRecordsBody(t?: FuzzTopic, partition?: number): fc.Arbitrary<Part<string>> {
  const next = t && partition !== undefined ? t.nextOffsets[partition] : undefined;
  const valid = next === undefined ? fc.integer({ min: -1, max: 10 }) : fc.integer({ min: -1, max: next });
  const pastEnd = next === undefined ? [] : [fc.integer({ min: next + 1, max: next + 1000 })];
  const badOffset = fc.oneof(fc.integer({ min: -1_000_000, max: -2 }), fc.constant(-(2 ** 53)), nonInteger, otherType(['number']), rawNumber, fc.constant(2 ** 53), ...pastEnd);
  return fc.oneof(
    { weight: 2, arbitrary: good(valid.map((offset) => toJson({ offset }))) },
    { weight: 6, arbitrary: bad(badOffset.map((offset) => toJson({ offset })), (b) => `records:delete body ${show(b)}${next === undefined ? '' : ` (log end ${next})`}`) },
    { weight: 1, arbitrary: bad(fc.constantFrom('{}', '{"offsets":1}', '{"before_offset":1}'), (b) => `no offset in ${b}`) },
    { weight: 2, arbitrary: malformedJson(valid.map((offset) => toJson({ offset }))) },
    { weight: 1, arbitrary: notAnObject },
    { weight: 1, arbitrary: emptyBody },
  );
}
