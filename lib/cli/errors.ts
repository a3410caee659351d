// Every failure becomes one line on stderr with Kafka's error name: `Error: NAME: message`.
// Duck-typed, so printing an error never loads the SDK.
import { CliError } from './io';

type AnyError = { name?: string; message?: string; type?: string; errorName?: string; code?: string; cause?: unknown };

/** The innermost cause's code and message: fetch failed → connect ECONNREFUSED 127.0.0.1:8082. */
function rootCause(e: AnyError): AnyError {
  let c = e;
  while (c.cause && typeof c.cause === 'object') c = c.cause as AnyError;
  return c;
}

export function errorLine(err: unknown, url?: string): string {
  let e = (err ?? {}) as AnyError;
  if (e.name === 'KafkaJSNumberOfRetriesExceeded' && e.cause) e = e.cause as AnyError; // say what failed, not that retries ran out
  const oneLine = (s: string | undefined) => (s ?? String(err)).replace(/\s*\n\s*/g, ' ');
  const named = (name: string, message: string | undefined) => `Error: ${name}: ${oneLine(message)}`;
  if (e instanceof CliError) return named(e.errorName, e.message);
  if (typeof e.type === 'string') return named(e.type, e.message); // KafkaJSProtocolError: the server's Kafka error
  if (typeof e.errorName === 'string') return named(e.errorName, e.message); // BrookError (maintenance runs in-process)
  if (e.name === 'KafkaJSConnectionError') {
    const root = rootCause(e);
    return named('NETWORK_EXCEPTION', `Could not reach Brook at ${url ?? 'the server'}: ${root.code ?? root.message}${url?.includes('localhost:8082') ? ' (is `npm start` running?)' : ''}`);
  }
  if (e.name === 'KafkaJSRequestTimeoutError') return named('REQUEST_TIMED_OUT', e.message);
  if (e.name && !['Error', 'KafkaJSError', 'KafkaJSNonRetriableError', 'TypeError', 'RangeError'].includes(e.name)) return named(e.name, e.message); // AWS SDK errors
  return `Error: ${oneLine(e.message)}`;
}
