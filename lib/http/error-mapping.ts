import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { storageOutage } from '../aws/aws-errors';
import { BrookError, KAFKA_ERRORS, type KafkaErrorName } from '../errors';

/**
 * The one place where errors become HTTP answers: the REST Proxy v3 body
 * `{error_code, message}` (error_code = HTTP status, or status × 100 + a subcode) plus the Kafka
 * error name and number and whether retrying can help.
 */
const HTTP: Partial<Record<KafkaErrorName, [ContentfulStatusCode, number]>> = {
  OFFSET_OUT_OF_RANGE: [416, 41601],
  CORRUPT_MESSAGE: [400, 40002],
  UNKNOWN_TOPIC_OR_PARTITION: [404, 40403],
  INVALID_FETCH_SIZE: [400, 40002],
  MESSAGE_TOO_LARGE: [413, 41301],
  RECORD_LIST_TOO_LARGE: [413, 41301],
  INVALID_TOPIC_EXCEPTION: [422, 42206],
  INVALID_TIMESTAMP: [400, 40002],
  TOPIC_ALREADY_EXISTS: [400, 40002],
  INVALID_PARTITIONS: [400, 40002],
  INVALID_REPLICATION_FACTOR: [400, 40002],
  INVALID_CONFIG: [400, 40002],
  INVALID_REQUEST: [400, 400],
  OUT_OF_ORDER_SEQUENCE_NUMBER: [400, 40002],
  INVALID_PRODUCER_EPOCH: [400, 40002],
  UNKNOWN_PRODUCER_ID: [400, 40002],
  DUPLICATE_SEQUENCE_NUMBER: [400, 40002],
  UNKNOWN_CLUSTER: [404, 404],
  NOT_FOUND: [404, 404],
  INVALID_RECORD: [400, 40002],
  THROTTLING_QUOTA_EXCEEDED: [429, 42901],
  KAFKA_STORAGE_ERROR: [503, 50302],
  REQUEST_TIMED_OUT: [503, 50302],
  NETWORK_EXCEPTION: [503, 50302],
  COORDINATOR_NOT_AVAILABLE: [503, 50302],
  FENCED_LEADER_EPOCH: [503, 50302],
  // Consumer groups (docs/GROUPS.md): a malformed group request is 400; a request that the
  // group's current state refuses (fenced, unknown member, group not empty) is 409, and the
  // client recovers as Kafka's does (rejoin, refresh its epoch, wait for members to leave).
  INVALID_GROUP_ID: [400, 40002],
  INVALID_SESSION_TIMEOUT: [400, 40002],
  INVALID_COMMIT_OFFSET_SIZE: [400, 40002],
  OFFSET_METADATA_TOO_LARGE: [400, 40002],
  UNSUPPORTED_ASSIGNOR: [400, 40002],
  INVALID_REGULAR_EXPRESSION: [400, 40002],
  GROUP_ID_NOT_FOUND: [404, 404],
  ILLEGAL_GENERATION: [409, 40901],
  UNKNOWN_MEMBER_ID: [409, 40901],
  REBALANCE_IN_PROGRESS: [409, 40901],
  NON_EMPTY_GROUP: [409, 40901],
  GROUP_MAX_SIZE_REACHED: [409, 40901],
  FENCED_INSTANCE_ID: [409, 40901],
  UNRELEASED_INSTANCE_ID: [409, 40901],
  FENCED_MEMBER_EPOCH: [409, 40901],
  STALE_MEMBER_EPOCH: [409, 40901],
  // Transactions (docs/rfcs/0002-transactions.md): malformed or impossible requests are 400/404;
  // a request the transaction's state refuses (fenced, wrong state) is 409, as for groups.
  INVALID_TRANSACTION_TIMEOUT: [400, 40002],
  INVALID_PRODUCER_ID_MAPPING: [400, 40002],
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: [403, 40301],
  TRANSACTIONAL_ID_NOT_FOUND: [404, 404],
  INVALID_TXN_STATE: [409, 40901],
  PRODUCER_FENCED: [409, 40901],
  TRANSACTION_COORDINATOR_FENCED: [409, 40901],
  CONCURRENT_TRANSACTIONS: [409, 40901],
};

export interface ErrorBody {
  error_code: number;
  message: string;
  error_name: KafkaErrorName;
  kafka_error_code: number;
  retriable: boolean;
}


/** Anything thrown becomes a BrookError: a client mistake keeps its name, anything else is an outage or a bug. */
export function toBrookError(err: unknown): BrookError {
  if (err instanceof BrookError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413) return new BrookError('RECORD_LIST_TOO_LARGE', err.message || 'The request body is too large.');
    if (err.status === 404) return new BrookError('NOT_FOUND', err.message);
    if (err.status < 500) return new BrookError('INVALID_REQUEST', err.message || 'The request is malformed.');
  }
  const outage = storageOutage(err);
  if (outage) return outage;
  return new BrookError('UNKNOWN_SERVER_ERROR', `Internal error: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

export function errorResponse(err: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  const e = toBrookError(err);
  if (e.v3ErrorCode !== undefined) {
    const status = Math.floor(e.v3ErrorCode / 100) as ContentfulStatusCode;
    return { status, body: { error_code: e.v3ErrorCode, message: e.message, error_name: e.errorName, kafka_error_code: e.errorCode, retriable: e.retriable } };
  }
  const [status, code] = HTTP[e.errorName] ?? [500, 50002];
  return {
    status,
    body: { error_code: code, message: e.message, error_name: e.errorName, kafka_error_code: KAFKA_ERRORS[e.errorName].code, retriable: e.retriable },
  };
}
