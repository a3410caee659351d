// Errors under kafkajs's names, so code written for kafkajs can catch them the same way:
// `err.type` is Kafka's error name ('MESSAGE_TOO_LARGE'), `err.code` its number, `err.retriable`
// Kafka's retriable flag.
import { KAFKA_ERRORS } from '../errors';

/** Kafka errors the server's table (lib/errors.ts) may not list, and the ones only a client sees. */
const MORE_ERRORS: Record<string, { code: number; retriable: boolean }> = {
  TOPIC_AUTHORIZATION_FAILED: { code: 29, retriable: false },
  CLUSTER_AUTHORIZATION_FAILED: { code: 31, retriable: false },
  UNSUPPORTED_COMPRESSION_TYPE: { code: 76, retriable: false },
  SASL_AUTHENTICATION_FAILED: { code: 58, retriable: false },
  UNKNOWN_PRODUCER_ID: { code: 59, retriable: false },
};
const ERRORS: Record<string, { code: number; retriable: boolean }> = { ...MORE_ERRORS, ...KAFKA_ERRORS };
const NAMES = new Map(Object.entries(ERRORS).map(([name, e]) => [e.code, name]));

export const errorNameOf = (code: number) => NAMES.get(code) ?? 'UNKNOWN_SERVER_ERROR';
export const errorCodeOf = (name: string) => ERRORS[name]?.code ?? -1;

export class KafkaJSError extends Error {
  override name = 'KafkaJSError';
  readonly retriable: boolean;
  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.retriable = options.retriable ?? true;
  }
}

export class KafkaJSNonRetriableError extends KafkaJSError {
  override name = 'KafkaJSNonRetriableError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, retriable: false });
  }
}

/** An error the server answered: Kafka's name and number, and the HTTP status when there is one. */
export class KafkaJSProtocolError extends KafkaJSError {
  override name = 'KafkaJSProtocolError';
  readonly type: string;
  readonly code: number;
  readonly status?: number;
  constructor(type: string, message: string, options: { retriable?: boolean; status?: number; code?: number } = {}) {
    super(message, { retriable: options.retriable ?? ERRORS[type]?.retriable ?? false });
    this.type = type;
    this.code = options.code ?? errorCodeOf(type);
    this.status = options.status;
  }
}

export class KafkaJSOffsetOutOfRange extends KafkaJSProtocolError {
  override name = 'KafkaJSOffsetOutOfRange';
  constructor(
    message: string,
    readonly topic: string,
    readonly partition: number,
  ) {
    super('OFFSET_OUT_OF_RANGE', message, { retriable: false });
  }
}

/** The request never got an answer: connection refused or reset, DNS, or the answer was lost. */
export class KafkaJSConnectionError extends KafkaJSError {
  override name = 'KafkaJSConnectionError';
}

export class KafkaJSRequestTimeoutError extends KafkaJSError {
  override name = 'KafkaJSRequestTimeoutError';
}

/** A retriable error that kept failing; `cause` (and kafkajs's `originalError`) is the last one. */
export class KafkaJSNumberOfRetriesExceeded extends KafkaJSNonRetriableError {
  override name = 'KafkaJSNumberOfRetriesExceeded';
  readonly originalError: unknown;
  constructor(
    cause: unknown,
    readonly retryCount: number,
    readonly retryTime: number,
  ) {
    super(`${(cause as Error)?.message ?? String(cause)} (gave up after ${retryCount} retries in ${retryTime} ms)`, { cause });
    this.originalError = cause;
  }
}

/**
 * Whether the SDK retries an error. Kafka's retriable flag, except that an error the server
 * answered with a 4xx other than 429 is the request's fault and would fail again, and an unknown
 * topic is not a metadata propagation delay here: Brook reads topics with consistent reads.
 */
export function shouldRetry(err: unknown): boolean {
  if (!(err instanceof KafkaJSError) || !err.retriable) return false;
  if (err instanceof KafkaJSProtocolError) {
    if (err.type === 'UNKNOWN_TOPIC_OR_PARTITION') return false;
    if (err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 429) return false;
  }
  return true;
}
