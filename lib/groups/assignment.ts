import type { Assignment } from './types';

/** Set operations on assignments (topic → sorted partitions), returning normalized copies. */

export function normalize(a: Assignment): Assignment {
  const out: Assignment = {};
  for (const topic of Object.keys(a).sort()) {
    const parts = [...new Set(a[topic])].sort((x, y) => x - y);
    if (parts.length > 0) out[topic] = parts;
  }
  return out;
}

const filter = (a: Assignment, keep: (topic: string, p: number) => boolean): Assignment => {
  const out: Assignment = {};
  for (const [topic, parts] of Object.entries(a)) out[topic] = parts.filter((p) => keep(topic, p));
  return normalize(out);
};

export const has = (a: Assignment, topic: string, p: number) => a[topic]?.includes(p) ?? false;
export const intersect = (a: Assignment, b: Assignment) => filter(a, (t, p) => has(b, t, p));
export const minus = (a: Assignment, b: Assignment) => filter(a, (t, p) => !has(b, t, p));
export const keepWhere = filter;

export function union(a: Assignment, b: Assignment): Assignment {
  const out: Assignment = { ...a };
  for (const [topic, parts] of Object.entries(b)) out[topic] = [...(out[topic] ?? []), ...parts];
  return normalize(out);
}

export const isEmpty = (a: Assignment) => Object.values(a).every((parts) => parts.length === 0);
export const count = (a: Assignment) => Object.values(a).reduce((n, parts) => n + parts.length, 0);
export const isSubset = (a: Assignment, b: Assignment) => isEmpty(minus(a, b));
export const intersects = (a: Assignment, b: Assignment) => !isEmpty(intersect(a, b));

/** [{topic, partitions}] — the wire shape of Kafka's heartbeat assignment. */
export const toList = (a: Assignment) => Object.entries(normalize(a)).map(([topic, partitions]) => ({ topic, partitions }));
export function fromList(list: Array<{ topic: string; partitions: number[] }>): Assignment {
  const out: Assignment = {};
  for (const { topic, partitions } of list) out[topic] = [...(out[topic] ?? []), ...partitions];
  return normalize(out);
}

/** Every (topic, partition) pair, sorted. */
export const pairs = (a: Assignment): Array<[string, number]> =>
  Object.entries(normalize(a)).flatMap(([topic, parts]) => parts.map((p) => [topic, p] as [string, number]));

/** JSON with sorted keys: equal states give equal strings, whatever order DynamoDB returned the maps in. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
