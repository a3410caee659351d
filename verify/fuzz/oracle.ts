/**
 * The fuzzer's rules. Every request it sends is invalid, so every answer must be a 4xx with the
 * documented error body, and nothing may be written: no S3 or DynamoDB write request, no change
 * to the fixture topics' partition heads or to the topic list. Pure checks, plus the one read
 * (snapshotState) that the state comparison needs.
 */
import type { Broker } from '../../lib/broker/context';
import { KAFKA_ERRORS } from '../../lib/errors';
import { getHeads } from '../../lib/metadata/heads';
import { listTopics } from '../../lib/metadata/topics';
import type { PartitionHead } from '../../lib/metadata/types';

/** What came back for one request. */
export type Outcome = { kind: 'answer'; status: number; body: string } | { kind: 'threw'; error: unknown } | { kind: 'timeout'; ms: number };

export type ViolationKind = 'exception' | 'timeout' | 'server error' | 'accepted' | 'bad error body' | 'write' | 'state change' | 'fuzzer error';

export interface Problem {
  kind: ViolationKind;
  detail: string;
}

/** The problem with an answer to an invalid request, or undefined if it is a proper rejection. */
export function checkAnswer(o: Outcome): Problem | undefined {
  if (o.kind === 'threw') return { kind: 'exception', detail: `app.request threw: ${String((o.error as Error)?.stack ?? o.error).slice(0, 600)}` };
  if (o.kind === 'timeout') return { kind: 'timeout', detail: `no answer within ${o.ms} ms` };
  if (o.status >= 500) return { kind: 'server error', detail: `HTTP ${o.status}` };
  if (o.status < 400) return { kind: 'accepted', detail: `HTTP ${o.status} for an invalid request` };
  const why = errorBodyProblem(o.status, o.body);
  return why ? { kind: 'bad error body', detail: `HTTP ${o.status}: ${why}` } : undefined;
}

/** REST Proxy v3 error body plus Kafka's error name: {error_code, message, error_name, kafka_error_code, retriable}. */
function errorBodyProblem(status: number, text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'the body is not JSON';
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'the body is not a JSON object';
  const b = body as Record<string, unknown>;
  const name = b.error_name;
  if (typeof name !== 'string' || !Object.hasOwn(KAFKA_ERRORS, name)) return `error_name ${JSON.stringify(name)} is not a Kafka error name`;
  const code = b.error_code;
  // error_code is the HTTP status, or the status × 100 plus a subcode (40403 for a 404).
  if (typeof code !== 'number' || !Number.isInteger(code) || (code !== status && Math.floor(code / 100) !== status)) {
    return `error_code ${JSON.stringify(code)} does not match status ${status}`;
  }
  if (typeof b.message !== 'string' || b.message.length === 0) return 'message is missing or empty';
  if (b.kafka_error_code !== KAFKA_ERRORS[name as keyof typeof KAFKA_ERRORS].code) return `kafka_error_code ${JSON.stringify(b.kafka_error_code)} is not ${name}'s`;
  if (typeof b.retriable !== 'boolean') return 'retriable is not a boolean';
  return undefined;
}

/** Commands that only read. Anything else the counter sees (PutObject, TransactWriteItems, PutItem, ...) is a write. */
const READS = new Set(['GetObject', 'HeadObject', 'HeadBucket', 'ListObjects', 'ListObjectsV2', 'GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems', 'DescribeTable', 'ListTables']);
export const isWrite = (counted: string) => !READS.has(counted.slice(counted.indexOf(':') + 1));

/** Write requests (by "service:Command") that grew from one RequestCounter snapshot to the next. */
export function writesBetween(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const grown: Record<string, number> = {};
  for (const [name, n] of Object.entries(after)) if (isWrite(name) && n > (before[name] ?? 0)) grown[name] = n - (before[name] ?? 0);
  return grown;
}

export interface TopicState {
  name: string;
  topicId: string;
  partitionsCount: number;
  configs: Record<string, string>;
}
export interface StateSnapshot {
  topics: TopicState[];
  /** Heads of each fixture topic, a few partitions past its count so that new partitions show. */
  heads: Record<string, PartitionHead[]>;
}

export async function snapshotState(broker: Broker, fixtures: string[], inScope: (name: string) => boolean = () => true): Promise<StateSnapshot> {
  const topics = (await listTopics(broker))
    .filter((t) => inScope(t.topicName))
    .map((t) => ({ name: t.topicName, topicId: t.topicId, partitionsCount: t.partitionsCount, configs: t.configs }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const heads: Record<string, PartitionHead[]> = {};
  for (const name of fixtures) {
    const t = topics.find((x) => x.name === name);
    heads[name] = t ? await getHeads(broker, t.topicId, Array.from({ length: t.partitionsCount + 4 }, (_, p) => p)) : [];
  }
  return { topics, heads };
}

/** Differences between two snapshots, one line each; empty if nothing changed. */
export function diffState(before: StateSnapshot, after: StateSnapshot): string[] {
  const out: string[] = [];
  const names = new Set([...before.topics, ...after.topics].map((t) => t.name));
  for (const name of [...names].sort()) {
    const a = before.topics.find((t) => t.name === name);
    const b = after.topics.find((t) => t.name === name);
    if (!a) out.push(`topic ${name} was created`);
    else if (!b) out.push(`topic ${name} was deleted`);
    else if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`topic ${name} changed: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
  }
  for (const name of Object.keys({ ...before.heads, ...after.heads })) {
    const a = before.heads[name] ?? [];
    const b = after.heads[name] ?? [];
    const partitions = new Set([...a, ...b].map((h) => h.partition));
    for (const p of [...partitions].sort((x, y) => x - y)) {
      const ha = a.find((h) => h.partition === p);
      const hb = b.find((h) => h.partition === p);
      if (JSON.stringify(ha) !== JSON.stringify(hb)) out.push(`head of ${name}-${p}: ${JSON.stringify(ha ?? null)} -> ${JSON.stringify(hb ?? null)}`);
    }
  }
  return out;
}
