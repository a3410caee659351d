// hono/aws-lambda is marked deprecated in favour of @hono/aws-lambda, but that package is not
// published on npm (404 on 2026-11-26): switch when it is.
import { handle, streamHandle } from 'hono/aws-lambda';
import { createBroker, type Broker } from '../broker/context';
import { configFromEnv } from '../config';
import { createApp } from '../http/app';
import { DETAILED_METRICS_ENV } from '../observability/names';
import { Telemetry } from '../observability/telemetry';
import { RESPONSE_STREAMING_ENV } from './env';
import { withTelemetry } from './observe';

/** The HTTP functions: one per role behind the HTTP API, or `api` (every route) behind a function URL. */
export type HttpFunctionName = 'produce' | 'fetch' | 'admin' | 'groups' | 'api';

export interface LambdaHandlerOptions {
  broker?: Broker;
  telemetry?: Telemetry;
  env?: NodeJS.ProcessEnv;
}

/** The broker and telemetry of one function, created once per warm container. */
export function lambdaRuntime(fn: string, options: LambdaHandlerOptions = {}) {
  const env = options.env ?? process.env;
  const config = configFromEnv(env);
  const broker = options.broker ?? createBroker(config);
  const telemetry =
    options.telemetry ??
    new Telemetry({
      fn,
      clusterId: config.clusterId,
      metadataTable: config.metadataTable,
      batchesTable: config.batchesTable,
      detailed: env[DETAILED_METRICS_ENV] === 'true',
    });
  telemetry.attach(broker.clients);
  return { broker, telemetry };
}

/**
 * A Lambda handler over the HTTP app. Every function serves the same app; API Gateway routes
 * only its own routes to it (x-brook-function in /openapi.json), so each function's role needs
 * only its own permissions. Behind a function URL in streaming mode the answer is streamed
 * (no base64, no 6 MB buffered-response limit); otherwise it is buffered, as API Gateway wants.
 */
export function lambdaHandler(fn: HttpFunctionName, options: LambdaHandlerOptions = {}) {
  const { broker, telemetry } = lambdaRuntime(fn, options);
  const app = withTelemetry(createApp(broker), telemetry);
  const env = options.env ?? process.env;
  return env[RESPONSE_STREAMING_ENV] === 'true' ? streamHandle(app) : handle(app);
}
