import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { TrieRouter } from 'hono/router/trie-router';
import { HTTPException } from 'hono/http-exception';
import type { Broker } from '../broker/context';
import { BrookError } from '../errors';
import { errorResponse } from './error-mapping';
import { Resources } from './resources';
import { registerAdminRoutes } from './routes/admin';
import { registerTopicConfigRoutes } from './routes/topic-configs';
import { registerMaintenanceRoutes } from './routes/maintenance';
import { registerProduceRoutes } from './routes/produce';
import { registerBinaryProduceRoutes } from './routes/produce-binary';
import { registerFetchRoutes } from './routes/fetch';
import { registerFetchManyRoutes } from './routes/fetch-many';
import { registerGroupRoutes } from './routes/groups';
import { registerGroupProtocolRoutes } from './routes/groups-protocol';
import { registerTransactionRoutes } from './routes/transactions';
import { formatIssues } from './validation';

export interface BrookEnv {
  Variables: { broker: Broker; resources: Resources };
}
export type BrookApp = OpenAPIHono<BrookEnv>;

/** Largest request body accepted; Lambda's buffered payload stops at 6 MB. */
export const MAX_REQUEST_BYTES = Number(process.env.BROOK_MAX_REQUEST_BYTES ?? 6 * 1024 * 1024);

/**
 * The HTTP API, the same object in Lambda (functions/) and in the local server. Routes are
 * declared once with their schemas; each carries `x-brook-function`, the Lambda that serves it,
 * so the OpenAPI document is also the route table the CDK stack reads.
 */
export function createApp(broker: Broker): BrookApp {
  const app: BrookApp = new OpenAPIHono<BrookEnv>({
    // Pinned: with Hono's default router, "records:batch" may read as "records" plus a parameter
    // named batch, and lookalike paths would reach it. TrieRouter matches the colon literally.
    router: new TrieRouter(),
    defaultHook: (result) => {
      if (!result.success) throw new BrookError('INVALID_REQUEST', formatIssues(result.error));
    },
  });

  app.use('*', async (c, next) => {
    c.set('broker', broker);
    c.set('resources', new Resources(new URL(c.req.url).origin, broker.config.clusterId));
    await next();
  });
  app.use(
    '/v3/*',
    bodyLimit({
      maxSize: MAX_REQUEST_BYTES,
      onError: () => {
        throw new HTTPException(413, { message: `The request body is larger than ${MAX_REQUEST_BYTES} bytes; split it into smaller requests.` });
      },
    }),
  );
  const checkCluster = async (c: { req: { param(name: string): string | undefined } }, next: () => Promise<void>) => {
    const id = c.req.param('cluster_id');
    if (id !== undefined && id !== broker.config.clusterId) {
      throw new BrookError('UNKNOWN_CLUSTER', `Cluster '${id}' not found; this endpoint serves cluster '${broker.config.clusterId}'.`);
    }
    await next();
  };
  app.use('/v3/clusters/:cluster_id', checkCluster);
  app.use('/v3/clusters/:cluster_id/*', checkCluster);

  registerAdminRoutes(app);
  registerTopicConfigRoutes(app);
  registerMaintenanceRoutes(app);
  registerProduceRoutes(app);
  registerBinaryProduceRoutes(app);
  registerFetchRoutes(app);
  registerFetchManyRoutes(app);
  registerGroupRoutes(app);
  registerGroupProtocolRoutes(app);
  registerTransactionRoutes(app);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Brook', version: '0.1.0', description: 'A Kafka-style event log on S3 and DynamoDB, in the shape of the Confluent REST Proxy v3.' },
  });
  app.notFound(() => {
    throw new BrookError('NOT_FOUND', 'No such route; see /openapi.json for the routes Brook serves.');
  });
  app.onError((err, c) => {
    const { status, body } = errorResponse(err);
    if (status >= 500) console.error(JSON.stringify({ level: 'error', path: c.req.path, error: body, cause: String((err as Error).stack ?? err) }));
    return c.json(body, status);
  });
  return app;
}
