/**
 * Building blocks of hostile requests: request parts tagged with why they are invalid, and the
 * valid or invalid values of the fields Brook reads (topic names, numbers, base64, JSON text).
 * "Invalid" here follows the API's documented rules (Kafka's, the REST Proxy's), not Brook's code,
 * and only values that are invalid under every reasonable reading are tagged bad.
 */
import fc from 'fast-check';

/** One component of a request (a path segment, a field, a body) and, if it is invalid, why. */
export interface Part<T> {
  value: T;
  bad?: string;
}

export const good = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<Part<T>> => arb.map((value) => ({ value }));
export const bad = <T>(arb: fc.Arbitrary<T>, why: string | ((v: T) => string)): fc.Arbitrary<Part<T>> =>
  arb.map((value) => ({ value, bad: typeof why === 'string' ? why : why(value) }));

/** The reasons of the invalid parts, or undefined if every part is valid (then the request is not hostile). */
export const badReasons = (parts: Array<Part<unknown>>): string | undefined => {
  const reasons = parts.flatMap((p) => (p.bad ? [p.bad] : []));
  return reasons.length ? reasons.join('; ') : undefined;
};

/** Text put into JSON as is (NaN, 1e309, 01 ...): JSON.stringify cannot produce these. */
export class Raw {
  constructor(readonly text: string) {}
}

/** JSON text of a value that may hold Raw tokens; undefined fields are left out. */
export function toJson(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : toJson(x))).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const fields = Object.entries(v).filter(([, x]) => x !== undefined);
    return `{${fields.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`use Raw for ${v}: JSON.stringify would turn it into null`);
  return JSON.stringify(v);
}

export const show = (v: unknown): string => {
  const s = v instanceof Raw ? v.text : v === undefined ? 'missing' : JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...(${s.length} chars)` : s;
};

// ---- topic names (Kafka: [a-zA-Z0-9._-], 1 to 249 characters, not "." or "..") ----

const LEGAL = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-';
export const legalChar = fc.constantFrom(...LEGAL.split(''));
export const legalString = (minLength: number, maxLength: number) => fc.string({ unit: legalChar, minLength, maxLength });

const ILLEGAL = [' ', '/', '\\', '?', '#', '%', ':', '@', '!', '*', '+', ',', ';', '=', '&', '$', "'", '"', '<', '>', '{', '}', '[', ']', '|', '^', '`', '~', '\t', '\n', '\u0000', '\u007f', 'é', 'ß', '漢', '🙂', '\u200b', '\ufeff', '\u202e'];

/** A legal name not used by any fixture; with `prefix`, always starting with it (shared emulators). */
export function unknownTopicName(taken: string[], prefix: string, shared: boolean): fc.Arbitrary<string> {
  const prefixed = legalString(1, 40).map((s) => `${prefix}nx-${s}`);
  const any = fc.oneof(legalString(1, 40), legalString(240 - prefix.length, 249 - prefix.length).map((s) => prefix + s), fc.constantFrom('-', '_', '...', '.a', 'a..', '_confluent', '__consumer_offsets'));
  return (shared ? prefixed : fc.oneof(prefixed, any)).filter((n) => n.length <= 249 && n !== '.' && n !== '..' && !taken.includes(n));
}

/** Names that break Kafka's rules and can sit in a URL path ("." and ".." cannot: URLs resolve them). */
export const illegalPathName: fc.Arbitrary<Part<string>> = fc.oneof(
  bad(fc.tuple(legalString(0, 20), fc.constantFrom(...ILLEGAL), legalString(0, 20)).map(([a, c, b]) => a + c + b), (n) => `illegal character in topic name ${show(n)}`),
  bad(fc.tuple(fc.integer({ min: 250, max: 3000 }), legalChar).map(([n, c]) => c.repeat(n)), (n) => `topic name of ${n.length} characters (limit 249)`),
  bad(fc.tuple(fc.integer({ min: 84, max: 900 }), fc.constantFrom('漢', '🙂', 'é')).map(([n, c]) => c.repeat(n)), (n) => `non-ASCII topic name of ${n.length} characters`),
);

/** Invalid names for a JSON body, where "", "." and ".." can be sent too. */
export const illegalBodyName: fc.Arbitrary<Part<string>> = fc.oneof(
  illegalPathName,
  bad(fc.constantFrom('', '.', '..'), (n) => `topic name ${show(n)}`),
  bad(fc.constant('a\ud800b'), 'topic name with a lone surrogate'),
);

// ---- cluster ids ----

export const wrongClusterId = (clusterId: string): fc.Arbitrary<Part<string>> =>
  bad(
    fc
      .oneof(
        legalString(1, 30),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
        fc.constantFrom(clusterId.toUpperCase(), `${clusterId} `, ` ${clusterId}`, `${clusterId}\u0000`, `${clusterId}.`, `${clusterId}-`, clusterId.slice(0, -1), 'lkc-abc123', '0', '-1', 'null', 'undefined', '%', '*', '_'),
      )
      .filter((id) => id !== clusterId && id !== '.' && id !== '..' && id.length > 0),
    (id) => `unknown cluster ${show(id)}`,
  );

// ---- numbers ----

/** Tokens that are not JSON numbers (or parse to Infinity): a strict parser refuses them or the field's type does. */
export const rawNumber = fc.constantFrom('NaN', 'Infinity', '-Infinity', 'undefined', '01', '+1', '.5', '1.', '0x10', '1e309', '-1e309', '--1', '1e', '- 1').map((t) => new Raw(t));
export const nonInteger = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).filter((x) => !Number.isInteger(x)),
  fc.constantFrom(0.5, -0.5, 1.5, 1e-7, 2.000001),
);
export const negativeInt = fc.oneof(fc.integer({ min: -1_000_000, max: -1 }), fc.constantFrom(-1, -2, -(2 ** 31), -(2 ** 53) + 1, -1e21));
export const hugeInt = fc.constantFrom(2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 63, 1e21, 1e300);
/** JSON values of other types; `except` names the types the field accepts (e.g. null for nullable fields). */
export const otherType = (except: Array<'string' | 'boolean' | 'null' | 'array' | 'object' | 'number'> = []) =>
  fc.oneof(
    ...(
      [
        ['string', fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('1', '0', '', 'true', 'null'))],
        ['boolean', fc.boolean()],
        ['null', fc.constant(null)],
        ['array', fc.oneof(fc.constant([]), fc.array(fc.integer(), { minLength: 1, maxLength: 3 }))],
        ['object', fc.oneof(fc.constant({}), fc.constant({ value: 1 }))],
        ['number', fc.integer()],
      ] as const
    )
      .filter(([type]) => !except.includes(type))
      .map(([, arb]) => arb as fc.Arbitrary<unknown>),
  );

// ---- base64 ----

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const b64Char = fc.constantFrom(...B64.split(''));
export const validBase64 = fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b).toString('base64'));
/** Never base64 under any decoder that checks: a character outside the alphabet, a length of 4k+1, or data after padding. */
export const badBase64: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.string({ unit: b64Char, maxLength: 12 }), fc.constantFrom('!', '*', '@', ' ', '-', '_', '.', '\n', 'é', '%', '#', '$', '\u0000', ':'), fc.string({ unit: b64Char, maxLength: 12 })).map(([a, c, b]) => a + c + b),
  fc.nat(6).chain((k) => fc.string({ unit: b64Char, minLength: 4 * k + 1, maxLength: 4 * k + 1 })),
  fc.tuple(fc.constantFrom('QQ==', 'QUI=', '='), fc.string({ unit: b64Char, minLength: 4, maxLength: 8 })).map(([a, b]) => a + b),
  fc.constantFrom('=', '==', '===', '===='),
);

// ---- JSON text ----

/** Bodies that are not JSON at all, or not one complete JSON object. */
export function malformedJson(validText: fc.Arbitrary<string>): fc.Arbitrary<Part<string>> {
  return fc.oneof(
    bad(validText.chain((t) => fc.nat(Math.max(0, t.length - 1)).map((k) => t.slice(0, k))), (t) => `JSON truncated to ${t.length} characters`),
    bad(
      fc.constantFrom('{', '}', '{"', '{"a":}', '{"a" 1}', "{'a':1}", '{a:1}', '{"a":1,}', '{"a":[1,]}', '{"a":1}}', '{"a":1} x', '{"a":01}', '{"a":NaN}', '{"a":.5}', '{"a":"\\x"}', '{"a":"open}', '{"a":1/*c*/}', '{"a":"\u0001"}', 'tru', 'nul', '\u0000', '{"a":-}', '{"a":1e}'),
      (t) => `malformed JSON ${show(t)}`,
    ),
    bad(validText.map((t) => `x${t}`), 'garbage before the JSON'),
    bad(validText.map((t) => `${t},`), 'trailing comma after the JSON'),
    bad(validText.map((t) => `${t.slice(0, -1)}]`), 'object closed with ]'),
  );
}

/** JSON that parses but is not an object. */
export const notAnObject = bad(fc.constantFrom('[]', '[{}]', '1', '-1', '"x"', '""', 'null', 'true', 'false', '[{"value":{"data":1}}]', '1e309'), (t) => `JSON ${show(t)} is not an object`);
export const emptyBody = bad(fc.constantFrom('', ' ', '\n', '\r\n\t '), 'empty body');

/** A value nested deeper than any JSON parser's limit (Jackson's default is 1,000): for recursion bugs. */
export const deeplyNested = fc.integer({ min: 5_000, max: 50_000 }).map((n) => new Raw('['.repeat(n) + ']'.repeat(n)));

// ---- query strings and paths ----

export const query = (pairs: Array<[string, string]>) =>
  pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;

/** A path segment, percent-encoded; lone surrogates (which encodeURIComponent refuses) become U+FFFD. */
export const segment = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

/** Decimal strings beyond Number.MAX_SAFE_INTEGER (offsets and sizes must be safe integers). */
export const hugeDigits = fc.oneof(fc.constantFrom('9007199254740993', '18446744073709551616', '99999999999999999999'), fc.integer({ min: 21, max: 400 }).map((n) => '9'.repeat(n)));
