import { handle } from 'hono/aws-lambda';
import { createBroker } from '../broker/context';
import { configFromEnv } from '../config';
import { createApp } from '../http/app';

/**
 * A Lambda handler over the HTTP app. Every function serves the same app; API Gateway routes
 * only its own routes to it (x-brook-function in /openapi.json), so each function's role needs
 * only its own permissions. Clients are created once per warm container.
 */
export function lambdaHandler() {
  return handle(createApp(createBroker(configFromEnv())));
}
