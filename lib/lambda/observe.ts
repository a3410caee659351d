import { Hono } from 'hono';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import type { Telemetry } from '../observability/telemetry';

/** What hono/aws-lambda passes as the app's env: `handle` names the context lambdaContext, `streamHandle` context. */
export interface LambdaBindings {
  event?: LambdaEvent;
  lambdaContext?: LambdaContext;
  context?: LambdaContext;
}

type V2Context = {
  requestId?: string;
  authorizer?: { iam?: { userArn?: string }; jwt?: { claims?: Record<string, unknown> } };
};

/**
 * The HTTP app inside a thin outer app that does the per-request telemetry, so the app itself
 * (shared with the local server) knows nothing of Lambda: the logger gets the Lambda and API
 * request ids and the caller, the metrics the invocation counted are published when the
 * response is ready, and each request is logged (DEBUG; ERROR for a 5xx).
 */
export function withTelemetry(app: { fetch: (req: Request, env?: unknown) => Response | Promise<Response> }, telemetry: Telemetry): Hono<{ Bindings: LambdaBindings }> {
  const outer = new Hono<{ Bindings: LambdaBindings }>();
  const { logger } = telemetry;
  outer.use('*', async (c, next) => {
    const started = Date.now();
    const env = c.env ?? {};
    const lambdaContext = env.lambdaContext ?? env.context;
    if (lambdaContext) logger.addContext(lambdaContext as never);
    const event = env.event as { routeKey?: string; requestContext?: V2Context } | undefined;
    const requestContext = event?.requestContext;
    const caller = requestContext?.authorizer?.iam?.userArn ?? requestContext?.authorizer?.jwt?.claims?.sub;
    logger.setCorrelationId(requestContext?.requestId ?? lambdaContext?.awsRequestId ?? '');
    logger.appendKeys({ route: event?.routeKey, caller: caller === undefined ? undefined : String(caller) });
    try {
      await next();
    } finally {
      const status = c.res?.status ?? 500;
      const fields = { method: c.req.method, path: c.req.path, status, durationMs: Date.now() - started, ...telemetry.summary() };
      if (status >= 500) logger.error('request failed', fields);
      else logger.debug('request', fields);
      telemetry.flush();
      logger.resetKeys();
    }
  });
  outer.all('*', (c) => app.fetch(c.req.raw, c.env));
  return outer;
}
