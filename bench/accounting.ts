/**
 * Request accounting by AWS SDK middleware on the server's own clients: every S3 request by
 * command, every DynamoDB request with the capacity it reports (ReturnConsumedCapacity is added to
 * each request) and the capacity AWS would bill by its rules (item sizes seen on the wire), plus
 * every HTTP request the bench server answers (sizes, handler time). Each request is charged to the
 * workload that caused it, named by an AsyncLocalStorage scope, so workloads that overlap in time
 * (the idle long-poll) are still counted apart.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AwsClients } from '../lib/aws/clients';
import { clientStacks, commandName } from '../lib/aws/middleware';
import { apiGatewayUnits, billedMs, emptyUsage, readUnits, writeUnits, type Usage } from './cost';
import { marshall } from '@aws-sdk/util-dynamodb';
import { applySet, isWireItem, itemSize as wireItemSize, type WireItem } from './item-size';

/** Items from the DocumentClient arrive unmarshalled: size them in wire form all the same. */
function toWire(item: Record<string, unknown> | undefined): WireItem | undefined {
  if (!item) return undefined;
  return isWireItem(item) ? item : (marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true }) as unknown as WireItem);
}
const itemSize = (item: Record<string, unknown> | undefined) => wireItemSize(toWire(item));

export interface DynamoStats {
  requests: number;
  /** Attempts that failed (a cancelled transaction still counts: see billing below). */
  failed: number;
  /** Failed attempts by the error's name (TransactionCanceledException, ConditionalCheckFailedException, …). */
  errors: Record<string, number>;
  /**
   * Attempts refused on a condition: a ConditionalCheckFailedException, or a cancelled transaction
   * with at least one ConditionalCheckFailed reason (counted once however many items failed).
   */
  conditionFailed: number;
  /** Reasons given by cancelled transactions, by code (ConditionalCheckFailed, TransactionConflict, …; "None" left out). */
  cancellationReasons: Record<string, number>;
  /** What DynamoDB (Local) said it consumed. */
  reportedUnits: number;
  /** What AWS bills by its rules for the same requests. */
  billedRru: number;
  billedWru: number;
}

export interface ScopeStats {
  s3: Record<string, number>;
  s3Failed: number;
  dynamodb: Record<string, DynamoStats>;
  http: { requests: number; requestBytes: number; responseBytes: number; handlerMs: number; billedMs: number; gatewayUnits: number };
  /** Items written by table: how many and their summed size (storage, and the idle-topic figure). */
  written: Record<string, { items: number; bytes: number }>;
}

const emptyStats = (): ScopeStats => ({
  s3: {},
  s3Failed: 0,
  dynamodb: {},
  http: { requests: 0, requestBytes: 0, responseBytes: 0, handlerMs: 0, billedMs: 0, gatewayUnits: 0 },
  written: {},
});

/** Commands that accept ReturnConsumedCapacity. */
const CAPACITY_COMMANDS = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan',
  'BatchGetItem', 'BatchWriteItem', 'TransactWriteItems', 'TransactGetItems',
]);

const SINGLE_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

/** S3's price tiers: PUT/COPY/POST/LIST at one rate, DELETE free, everything else at the GET rate. */
const S3_PUT_TIER = new Set(['PutObject', 'CopyObject', 'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload']);
const S3_LIST_TIER = new Set(['ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListBuckets', 'ListMultipartUploads', 'ListParts']);
const S3_DELETE_TIER = new Set(['DeleteObject', 'DeleteObjects', 'AbortMultipartUpload']);

type Input = Record<string, any>;

export class Accounting {
  readonly scopes = new Map<string, ScopeStats>();
  private readonly als = new AsyncLocalStorage<string>();
  /** The last image seen of each item (table + key), to size UpdateItem's after-image. */
  private readonly images = new Map<string, WireItem>();

  run<T>(scope: string, fn: () => T): T {
    return this.als.run(scope, fn);
  }

  current(): string {
    return this.als.getStore() ?? 'unscoped';
  }

  stats(scope: string): ScopeStats {
    let s = this.scopes.get(scope);
    if (!s) this.scopes.set(scope, (s = emptyStats()));
    return s;
  }

  recordHttp(scope: string, r: { requestBytes: number; responseBytes: number; handlerMs: number }): void {
    const h = this.stats(scope).http;
    h.requests++;
    h.requestBytes += r.requestBytes;
    h.responseBytes += r.responseBytes;
    h.handlerMs += r.handlerMs;
    h.billedMs += billedMs(r.handlerMs);
    h.gatewayUnits += apiGatewayUnits(r.requestBytes, r.responseBytes);
  }

  attach(clients: AwsClients): this {
    for (const [service, stack] of clientStacks(clients)) {
      if (service === 'dynamodb') {
        // Before signing: ask DynamoDB to report capacity, and keep the parsed input for billing.
        stack.add(
          (next, context) => async (args: any) => {
            const name = commandName(context);
            const req = args.request;
            const body = typeof req?.body === 'string' ? req.body : req?.body instanceof Uint8Array ? new TextDecoder().decode(req.body) : undefined;
            if (CAPACITY_COMMANDS.has(name) && body !== undefined) {
              this.safely(() => {
                const input = JSON.parse(body) as Input;
                input.ReturnConsumedCapacity = 'TOTAL';
                const text = JSON.stringify(input);
                // Keep the body's type: the SDK's JSON codec hands over bytes.
                req.body = typeof req.body === 'string' ? text : new TextEncoder().encode(text);
                for (const h of Object.keys(req.headers)) if (h.toLowerCase() === 'content-length') req.headers[h] = String(Buffer.byteLength(text));
                (context as any).benchInput = input;
              });
            }
            return next(args);
          },
          { step: 'build', name: 'benchReturnConsumedCapacity', priority: 'low' },
        );
      }
      // Inside the SDK's retry loop: every attempt is a billed request.
      stack.add(
        (next, context) => async (args: any) => {
          const stats = this.stats(this.current());
          const name = commandName(context);
          if (service === 's3') {
            stats.s3[name] = (stats.s3[name] ?? 0) + 1;
            try {
              return await next(args);
            } catch (err) {
              stats.s3Failed++;
              throw err;
            }
          }
          const d = (stats.dynamodb[name] ??= { requests: 0, failed: 0, errors: {}, conditionFailed: 0, cancellationReasons: {}, reportedUnits: 0, billedRru: 0, billedWru: 0 });
          d.requests++;
          const input = (context as any).benchInput as Input | undefined;
          try {
            const result: any = await next(args);
            const out = result?.output ?? {};
            d.reportedUnits += reported(out.ConsumedCapacity);
            if (input) this.safely(() => this.bill(stats, d, name, input, out, true));
            return result;
          } catch (err) {
            d.failed++;
            this.safely(() => countFailure(d, err));
            // A cancelled transaction is billed as if it had been applied: the pessimistic reading.
            // A single-item write refused on its condition still consumes write units on AWS
            // (sized here as if applied, at least 1).
            const refused = (err as { name?: string })?.name === 'ConditionalCheckFailedException' && SINGLE_WRITES.has(name);
            if (input && (name === 'TransactWriteItems' || refused)) this.safely(() => this.bill(stats, d, name, input, {}, false));
            throw err;
          }
        },
        { step: 'finalizeRequest', name: 'benchAccounting', priority: 'low' },
      );
    }
    return this;
  }

  /** Accounting faults are counted and reported, never passed on to the server's request. */
  readonly faults: string[] = [];
  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (this.faults.length < 20) this.faults.push(String((err as Error).stack ?? err));
    }
  }

  /** Capacity by AWS's rules for one DynamoDB request; `applied` updates the item images. */
  private bill(stats: ScopeStats, d: DynamoStats, name: string, input: Input, out: Input, applied: boolean): void {
    const consistent = input.ConsistentRead === true;
    switch (name) {
      case 'GetItem':
        d.billedRru += readUnits(itemSize(out.Item), { consistent });
        if (out.Item) this.images.set(imageKey(input.TableName, input.Key), toWire(out.Item)!);
        break;
      case 'BatchGetItem':
        for (const [table, items] of Object.entries((out.Responses ?? {}) as Record<string, WireItem[]>)) {
          const c = input.RequestItems?.[table]?.ConsistentRead === true;
          for (const item of items) d.billedRru += readUnits(itemSize(item), { consistent: c });
        }
        break;
      case 'Query':
      case 'Scan':
        // Billed on the items read, summed and then rounded (a filter would not reduce it: none is counted here).
        d.billedRru += readUnits(((out.Items ?? []) as WireItem[]).reduce((n, i) => n + itemSize(i), 0), { consistent });
        break;
      case 'TransactGetItems':
        for (const r of (out.Responses ?? []) as Array<{ Item?: WireItem }>) d.billedRru += readUnits(itemSize(r.Item), { transactional: true });
        break;
      case 'PutItem':
      case 'UpdateItem':
      case 'DeleteItem':
        d.billedWru += this.write(stats, { [name.replace('Item', '')]: { ...input } }, false, applied);
        break;
      case 'BatchWriteItem':
        for (const [table, reqs] of Object.entries((input.RequestItems ?? {}) as Record<string, Input[]>)) {
          for (const r of reqs) {
            if (r.PutRequest) d.billedWru += this.write(stats, { Put: { TableName: table, ...r.PutRequest } }, false, applied);
            if (r.DeleteRequest) d.billedWru += this.write(stats, { Delete: { TableName: table, ...r.DeleteRequest } }, false, applied);
          }
        }
        break;
      case 'TransactWriteItems':
        for (const action of (input.TransactItems ?? []) as Input[]) d.billedWru += this.write(stats, action, true, applied);
        break;
    }
  }

  /** Write units of one Put / Update / Delete / ConditionCheck action. */
  private write(stats: ScopeStats, action: Input, transactional: boolean, applied: boolean): number {
    const [kind, op] = Object.entries(action)[0] as [string, Input];
    const table = op.TableName as string;
    if (kind === 'Put') {
      const size = itemSize(op.Item);
      if (applied) {
        const w = (stats.written[table] ??= { items: 0, bytes: 0 });
        w.items++;
        w.bytes += size;
      }
      return writeUnits(size, { transactional });
    }
    const key = imageKey(table, op.Key);
    const before = this.images.get(key) ?? (op.Key as WireItem);
    if (kind === 'Update') {
      const after = applySet(before, op);
      if (applied) this.images.set(key, after);
      return writeUnits(Math.max(itemSize(before), itemSize(after)), { transactional });
    }
    if (kind === 'Delete' && applied) this.images.delete(key);
    return writeUnits(itemSize(before), { transactional });
  }

  /** What the given scopes used, in the cost model's terms. */
  usage(scopes: string | string[]): Usage {
    const u = emptyUsage();
    for (const scope of [scopes].flat()) {
      const s = this.scopes.get(scope);
      if (!s) continue;
      for (const [name, n] of Object.entries(s.s3)) {
        if (S3_PUT_TIER.has(name)) u.s3Put += n;
        else if (S3_LIST_TIER.has(name)) u.s3List += n;
        else if (S3_DELETE_TIER.has(name)) u.s3Delete += n;
        else u.s3Get += n;
      }
      for (const d of Object.values(s.dynamodb)) {
        u.rru += d.billedRru;
        u.wru += d.billedWru;
      }
      u.httpRequests += s.http.requests;
      u.apiGatewayUnits += s.http.gatewayUnits;
      u.lambdaBilledMs += s.http.billedMs;
    }
    return u;
  }

  /** Request counts of the given scopes, by "s3:PutObject" / "dynamodb:GetItem" name. */
  counts(scopes: string | string[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const scope of [scopes].flat()) {
      const s = this.scopes.get(scope);
      if (!s) continue;
      for (const [name, n] of Object.entries(s.s3)) out[`s3:${name}`] = (out[`s3:${name}`] ?? 0) + n;
      for (const [name, d] of Object.entries(s.dynamodb)) out[`dynamodb:${name}`] = (out[`dynamodb:${name}`] ?? 0) + d.requests;
    }
    return Object.fromEntries(Object.entries(out).sort());
  }
}

/** What a failed DynamoDB attempt was: by error name, condition failures, cancellation reasons. */
export function countFailure(d: Pick<DynamoStats, 'errors' | 'conditionFailed' | 'cancellationReasons'>, err: unknown): void {
  const e = err as { name?: string; CancellationReasons?: Array<{ Code?: string }> } | undefined;
  const name = e?.name ?? 'Error';
  d.errors[name] = (d.errors[name] ?? 0) + 1;
  const codes = (e?.CancellationReasons ?? []).map((r) => r.Code ?? 'None').filter((c) => c !== 'None');
  for (const code of codes) d.cancellationReasons[code] = (d.cancellationReasons[code] ?? 0) + 1;
  if (name === 'ConditionalCheckFailedException' || codes.includes('ConditionalCheckFailed')) d.conditionFailed++;
}

const imageKey = (table: string, key: WireItem | undefined) => `${table}\u0000${JSON.stringify(key ?? {})}`;

function reported(cc: unknown): number {
  if (!cc) return 0;
  const list = Array.isArray(cc) ? cc : [cc];
  return list.reduce((n: number, c: { CapacityUnits?: number }) => n + (c.CapacityUnits ?? 0), 0);
}
