import { BrookError } from '../errors';

/** AWS answers that mean "slow down": retriable with backoff. */
const THROTTLES = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'SlowDown', 'ServiceUnavailable', 'TooManyRequestsException']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH']);

interface AwsLikeError {
  name?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/**
 * An S3 or DynamoDB failure that says nothing about the request being wrong: a throttle, a
 * 5xx, a timeout or a dropped connection. Such a failure is an outage of the storage, answered
 * as a retriable Kafka error — never as "don't retry", and never as the client's fault.
 * Anything else (a 4xx from AWS, a TypeError) is a bug and stays one.
 */
export function storageOutage(err: unknown): BrookError | undefined {
  const e = err as AwsLikeError | undefined;
  if (!e || typeof e !== 'object') return undefined;
  if (e.name && THROTTLES.has(e.name)) {
    return new BrookError('THROTTLING_QUOTA_EXCEEDED', `Storage is throttling requests (${e.name}); retry with backoff.`, { cause: err });
  }
  const status = e.$metadata?.httpStatusCode ?? 0;
  const transient = e.$fault === 'server' || status >= 500 || e.name === 'TimeoutError' || (e.code !== undefined && NETWORK_CODES.has(e.code));
  if (!transient) return undefined;
  return new BrookError('KAFKA_STORAGE_ERROR', `Storage is unavailable (${e.name ?? e.code}); retry the request.`, { cause: err });
}
