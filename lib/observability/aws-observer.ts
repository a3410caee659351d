import type { AwsClients } from '../aws/clients';
import { clientStacks, commandName, type Service } from '../aws/middleware';
import { TOPICS_PK } from '../metadata/keys';
import type { Tally } from './tally';

/**
 * Brook's produce and fetch figures, read off the AWS SDK's requests rather than threaded
 * through the broker: a middleware on the broker's own S3 and DynamoDB clients sees
 *
 * - each partition commit (the PutItem or TransactWriteItems that puts an index entry holding
 *   bytes): records and bytes produced, or a conflict when a condition failed;
 * - each batch-index Query and each ranged GetObject of a segment: the index entries whose bytes
 *   were read are the records and bytes fetched (whole batches, as Kafka's BytesOut counts);
 * - each topic item read: the topic id → name map that puts topic names on per-topic metrics.
 *
 * It runs in the SDK's build step (once per call, before retries) and never fails a request.
 */
export interface ObserverOptions {
  metadataTable: string;
  batchesTable: string;
  /** Count fetched records (the functions that serve fetch routes); other readers (maintenance) do not. */
  attributeFetches: boolean;
}

interface IndexEntry {
  topicId: string;
  byteStart: number;
  byteLength: number;
  recordCount: number;
}

type Item = Record<string, unknown>;
type TransactItem = { Update?: { TableName?: string; Key?: Item; UpdateExpression?: string }; Put?: { TableName?: string; Item?: Item }; ConditionCheck?: { TableName?: string; Key?: Item } };

/** A string or number attribute, marshalled ({S}, {N}) on inputs or plain on document-client outputs. */
const str = (a: unknown): string | undefined =>
  typeof a === 'string' ? a : typeof (a as { S?: unknown })?.S === 'string' ? (a as { S: string }).S : undefined;
const num = (a: unknown): number | undefined => {
  if (typeof a === 'number') return a;
  const n = (a as { N?: unknown })?.N;
  return typeof n === 'string' ? Number(n) : undefined;
};
const topicIdOf = (batchPk: string) => batchPk.slice(0, batchPk.lastIndexOf('#'));
const MAX_NAMES = 10_000;

export class AwsObserver {
  /** topicId → topic name, learned from topic reads; kept across invocations of a warm container. */
  private readonly names = new Map<string, string>();
  /** objectKey → index entries read by this invocation, until their bytes are read. */
  private readonly entries = new Map<string, IndexEntry[]>();

  constructor(
    private readonly tally: Tally,
    private readonly options: ObserverOptions,
  ) {}

  attach(clients: AwsClients): this {
    for (const [service, stack] of clientStacks(clients)) {
      stack.add(
        (next, context) => async (args) => {
          const command = commandName(context);
          const input = (args as { input?: unknown }).input;
          let out: { output?: unknown };
          try {
            out = (await next(args)) as { output?: unknown };
          } catch (err) {
            this.safely(() => this.onError(service, command, input, err));
            throw err;
          }
          this.safely(() => this.onSuccess(service, command, input, out.output));
          return out as never;
        },
        { step: 'build', name: 'brookTelemetry' },
      );
    }
    return this;
  }

  /** The topic's name, or '' if this container has not read its topic item. */
  topicName(topicId: string): string {
    return this.names.get(topicId) ?? '';
  }

  /** Forget the index entries this invocation read (the topic names stay). */
  reset(): void {
    this.entries.clear();
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // Telemetry must never change what a request does.
    }
  }

  private onSuccess(service: Service, command: string, input: any, output: any): void {
    if (service === 's3') {
      if (command === 'GetObject' && this.options.attributeFetches) this.onRangeRead(input?.Key, input?.Range);
      return;
    }
    if (command === 'TransactWriteItems' || command === 'PutItem') {
      const commit = this.commitOf(command === 'PutItem' ? { TransactItems: [{ Put: input }] } : input);
      if (commit) this.tally.commit(this.topicName(commit.topicId), commit.recordCount, commit.byteLength);
      return;
    }
    const items: Item[] = command === 'GetItem' ? (output?.Item ? [output.Item] : []) : command === 'Query' ? (output?.Items ?? []) : [];
    if (input?.TableName === this.options.metadataTable) {
      for (const item of items) this.learnTopic(item);
    } else if (input?.TableName === this.options.batchesTable && command === 'Query' && this.options.attributeFetches) {
      for (const item of items) this.remember(item);
    }
  }

  private onError(service: Service, command: string, input: any, err: any): void {
    if (service !== 'dynamodb') return;
    const single = command === 'PutItem' && err?.name === 'ConditionalCheckFailedException';
    if (!single && (command !== 'TransactWriteItems' || err?.name !== 'TransactionCanceledException')) return;
    const commit = this.commitOf(single ? { TransactItems: [{ Put: input }] } : input);
    const reasons: Array<{ Code?: string }> = single ? [{ Code: 'ConditionalCheckFailed' }] : (err.CancellationReasons ?? []);
    if (commit && reasons.some((r) => r?.Code === 'ConditionalCheckFailed')) this.tally.conflict(this.topicName(commit.topicId));
  }

  /**
   * A commit: the Put of a new index entry holding bytes (a publish, RFC 0003; a transaction
   * marker; or the conditional protocol's commit beside its head update). Merges and compaction
   * rewrite entries with Deletes beside their Put; placeholders hold no bytes.
   */
  private commitOf(input: { TransactItems?: TransactItem[] } | undefined): { topicId: string; recordCount: number; byteLength: number } | undefined {
    const items = input?.TransactItems ?? [];
    const put = items.find((i) => i.Put?.TableName === this.options.batchesTable)?.Put?.Item;
    const pk = str(put?.pk);
    if (!put || !pk || !str(put.objectKey) || put.placeholder !== undefined || items.some((i) => (i as { Delete?: unknown }).Delete)) return undefined;
    return { topicId: topicIdOf(pk), recordCount: num(put.recordCount) ?? 0, byteLength: num(put.byteLength) ?? 0 };
  }

  private learnTopic(item: Item): void {
    if (str(item.pk) !== TOPICS_PK) return;
    const name = str(item.sk);
    const id = str(item.topicId);
    if (!name || !id) return;
    if (this.names.size >= MAX_NAMES && !this.names.has(id)) this.names.clear();
    this.names.set(id, name);
  }

  private remember(item: Item): void {
    const pk = str(item.pk);
    const objectKey = str(item.objectKey);
    const byteStart = num(item.byteStart);
    const byteLength = num(item.byteLength);
    if (!pk || !objectKey || byteStart === undefined || byteLength === undefined) return;
    const list = this.entries.get(objectKey) ?? [];
    if (!list.some((e) => e.byteStart === byteStart)) list.push({ topicId: topicIdOf(pk), byteStart, byteLength, recordCount: num(item.recordCount) ?? 0 });
    this.entries.set(objectKey, list);
  }

  /** A ranged GET of a segment: the remembered entries inside the range were fetched. */
  private onRangeRead(key: unknown, range: unknown): void {
    const list = typeof key === 'string' ? this.entries.get(key) : undefined;
    const m = typeof range === 'string' ? /^bytes=(\d+)-(\d+)$/.exec(range) : null;
    if (!list || !m) return;
    const [start, end] = [Number(m[1]), Number(m[2])];
    const inside = list.filter((e) => e.byteStart >= start && e.byteStart + e.byteLength - 1 <= end);
    for (const e of inside) this.tally.fetched(this.topicName(e.topicId), e.recordCount, e.byteLength);
    const rest = list.filter((e) => !inside.includes(e));
    if (rest.length > 0) this.entries.set(key as string, rest);
    else this.entries.delete(key as string);
  }
}
