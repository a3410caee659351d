/**
 * DynamoDB item sizes by AWS's published rules, computed from items as they travel on the wire
 * (marshalled: {"S": "…"}, {"N": "12"}, …). Capacity is then priced from these sizes, because
 * DynamoDB Local's own ConsumedCapacity figures under-count transactional writes.
 *
 * Rules (DynamoDB developer guide, "Item sizes and formats"): an attribute costs its name's UTF-8
 * length plus its value; strings their UTF-8 length; binary its raw length; numbers about 1 byte
 * per two significant digits plus 1; BOOL and NULL 1 byte; lists and maps 3 bytes plus 1 byte per
 * element plus the elements (and, in maps, the keys).
 */
export type WireValue = Record<string, unknown>;
export type WireItem = Record<string, WireValue>;

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');
/** Binary is base64 text in a request body and a Uint8Array in a deserialized answer. */
const binarySize = (b: unknown) => (typeof b === 'string' ? Buffer.from(b, 'base64').length : (b as Uint8Array).length);

export function numberSize(text: string): number {
  const digits = text.replace(/^[-+]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

export function valueSize(v: WireValue): number {
  if ('S' in v) return utf8(String(v.S));
  if ('N' in v) return numberSize(String(v.N));
  if ('B' in v) return binarySize(v.B);
  if ('BOOL' in v || 'NULL' in v) return 1;
  if ('SS' in v) return (v.SS as string[]).reduce((n, s) => n + utf8(s), 0);
  if ('NS' in v) return (v.NS as string[]).reduce((n, s) => n + numberSize(s), 0);
  if ('BS' in v) return (v.BS as unknown[]).reduce((n: number, b) => n + binarySize(b), 0);
  if ('L' in v) return 3 + (v.L as WireValue[]).reduce((n, e) => n + 1 + valueSize(e), 0);
  if ('M' in v) return 3 + Object.entries(v.M as WireItem).reduce((n, [k, e]) => n + 1 + utf8(k) + valueSize(e), 0);
  return 0;
}

const TAGS = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'SS', 'NS', 'BS', 'L', 'M']);

/**
 * Is this item in wire form? The DocumentClient unmarshalls answers before our middleware sees
 * them, while requests are always seen marshalled; a wire item's values are all one-tag objects.
 */
export function isWireItem(item: Record<string, unknown>): item is WireItem {
  return Object.values(item).every((v) => v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && Object.keys(v).length === 1 && TAGS.has(Object.keys(v)[0]!));
}

export function itemSize(item: WireItem | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((n, [name, v]) => n + utf8(name) + valueSize(v), 0);
}

/**
 * The item after an UpdateItem whose expression is a plain `SET a = :x, #b = :y` (Brook's only
 * form), applied to the last image seen of it. In anything fancier (`a = a + :x`) the first
 * operand stands in for the new value: an approximation, exact for Brook's updates.
 */
export function applySet(before: WireItem, update: { UpdateExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: WireItem }): WireItem {
  const after: WireItem = { ...before };
  const expr = update.UpdateExpression ?? '';
  const set = /\bSET\s+(.*?)(?=\b(?:REMOVE|ADD|DELETE)\b|$)/is.exec(expr)?.[1] ?? '';
  for (const clause of set.split(',')) {
    const m = /^\s*([#\w.]+)\s*=\s*(.+?)\s*$/s.exec(clause);
    if (!m) continue;
    const name = m[1]!.startsWith('#') ? (update.ExpressionAttributeNames?.[m[1]!] ?? m[1]!) : m[1]!;
    const operand = /(:\w+)/.exec(m[2]!)?.[1];
    const value = operand ? update.ExpressionAttributeValues?.[operand] : undefined;
    if (value) after[name] = value;
  }
  return after;
}
