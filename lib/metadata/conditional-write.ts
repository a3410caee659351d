import { createHash } from 'node:crypto';
import { PutCommand, TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { BrookError } from '../errors';

/** Why one item of a cancelled transaction failed, with the item as it is now (ALL_OLD). */
export interface CancellationReason {
  code: string;
  item?: Record<string, unknown>;
}

export interface ConditionalTransaction<S, R> {
  /** What is being written, for error messages ("commit to orders-0"). */
  what: string;
  /**
   * Build the transaction for the state believed current, with a client request token derived
   * from everything that makes this attempt unique: a resend of the same attempt after an unknown
   * outcome then reuses the token and DynamoDB applies it at most once.
   */
  build(state: S): { input: Omit<TransactWriteCommandInput, 'ClientRequestToken'>; token: string };
  /** A condition failed: return the state that won (from the ALL_OLD items) or throw a domain error. */
  onConflict(reasons: CancellationReason[], state: S): S | Promise<S>;
  /** After a conflict: is there nothing left to write (e.g. the batch turned out to be a duplicate)? */
  isDone?(state: S): boolean;
  /**
   * A transaction of one Put may go as a plain conditional PutItem (half the write units). There
   * is no request token then: a resend after an unknown outcome that finds its own earlier write
   * fails its condition, and onConflict must recognise that write as this one (by ALL_OLD).
   */
  singlePut?: boolean;
}

export interface RetryPolicy {
  maxConflicts: number;
  maxResends: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxConflicts: 200, maxResends: 6, baseDelayMs: 4, maxDelayMs: 250 };

const NOT_APPLIED_RETRY = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionInProgressException',
  'TransactionConflictException',
]);
const DEFINITIVE_FAILURE = new Set([
  'ValidationException',
  'ResourceNotFoundException',
  'IdempotentParameterMismatchException',
  'AccessDeniedException',
  'UnrecognizedClientException',
]);

type Outcome =
  | { kind: 'conflict'; reasons: CancellationReason[] }
  | { kind: 'retry-same' } // certainly not applied (throttle, transaction conflict): resend as is
  | { kind: 'unknown' } // may have been applied: resend with the same token
  | { kind: 'fatal' };

export function classify(err: unknown): Outcome {
  const e = err as { name?: string; Item?: Record<string, unknown>; CancellationReasons?: Array<{ Code?: string; Item?: Record<string, never> }> };
  // A single conditional write (singlePut): the same as a one-item transaction's cancellation.
  if (e?.name === 'ConditionalCheckFailedException') return { kind: 'conflict', reasons: [{ code: 'ConditionalCheckFailed', item: e.Item ? plainItem(e.Item) : undefined }] };
  if (e?.name === 'TransactionCanceledException') {
    const reasons = (e.CancellationReasons ?? []).map((r) => ({
      code: r.Code ?? 'None',
      item: r.Item ? unmarshall(r.Item) : undefined,
    }));
    if (reasons.some((r) => r.code === 'ConditionalCheckFailed')) return { kind: 'conflict', reasons };
    return { kind: 'retry-same' };
  }
  if (e?.name && NOT_APPLIED_RETRY.has(e.name)) return { kind: 'retry-same' };
  if (e?.name && DEFINITIVE_FAILURE.has(e.name)) return { kind: 'fatal' };
  return { kind: 'unknown' };
}

/** An ALL_OLD item of a ConditionalCheckFailedException: in wire form ({S: …}) from the SDK, whatever the client. */
function plainItem(item: Record<string, unknown>): Record<string, unknown> {
  try {
    return unmarshall(item as never);
  } catch {
    return item;
  }
}

/** A ClientRequestToken (≤ 36 chars) derived from everything that makes one attempt unique. */
export const requestToken = (...parts: unknown[]) => createHash('sha256').update(parts.map(String).join('|')).digest('hex').slice(0, 36);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Wait before retry `attempt` (jittered exponential, capped): the loop's, for writes that are not conditional transactions. */
export const pause = (attempt: number, p: RetryPolicy = DEFAULT_RETRY_POLICY) => sleep(backoff(p, attempt));
const backoff = (p: RetryPolicy, attempt: number) =>
  Math.random() * Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.min(attempt, 10));

/**
 * The one conditional-write loop: write on condition; on a condition failure take the winner's
 * state and rebuild; on an unknown outcome (timeout, lost reply, 5xx) resend the very same request
 * and token, so a transaction that was applied is acknowledged, not applied twice.
 */
export async function transactOnCondition<S>(
  ddb: DynamoDBDocumentClient,
  initial: S,
  spec: ConditionalTransaction<S, unknown>,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<{ state: S; conflicts: number }> {
  let state = initial;
  let conflicts = 0;
  for (;;) {
    const { input, token } = spec.build(state);
    const items = input.TransactItems ?? [];
    const command =
      spec.singlePut && items.length === 1 && items[0]!.Put
        ? new PutCommand(items[0]!.Put)
        : new TransactWriteCommand({ ...input, ClientRequestToken: token });
    let resends = 0;
    for (;;) {
      try {
        await (command instanceof PutCommand ? ddb.send(command) : ddb.send(command));
        return { state, conflicts };
      } catch (err) {
        const outcome = classify(err);
        if (outcome.kind === 'fatal') throw err;
        if (outcome.kind === 'conflict') {
          if (++conflicts > policy.maxConflicts) {
            throw new BrookError('REQUEST_TIMED_OUT', `${spec.what}: gave up after ${conflicts} conflicting writes; retry`);
          }
          state = await spec.onConflict(outcome.reasons, state);
          if (spec.isDone?.(state)) return { state, conflicts };
          await sleep(backoff(policy, conflicts));
          break;
        }
        if (++resends > policy.maxResends) {
          throw new BrookError('KAFKA_STORAGE_ERROR', `${spec.what}: DynamoDB did not answer (${(err as Error).name}); retry`, { cause: err });
        }
        await sleep(backoff(policy, resends));
      }
    }
  }
}
