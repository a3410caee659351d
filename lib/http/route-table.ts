import { createBroker } from '../broker/context';
import type { BrookFunction } from './routes/route';
import { createApp } from './app';

export interface RouteEntry {
  method: string; // GET, POST, ...
  path: string; // OpenAPI style: /v3/clusters/{cluster_id}/topics
  fn: BrookFunction;
}

/**
 * Every route the HTTP app serves with the Lambda function that serves it, read from the app's
 * own OpenAPI document: the CDK stack builds its API Gateway routes from this, so there is no
 * second list to keep in step.
 */
export function routeTable(): RouteEntry[] {
  const app = createApp(
    createBroker({ clusterId: 'x', metadataTable: 'x', batchesTable: 'x', bucket: 'x', region: 'us-east-1', endpoints: {}, commitProtocol: 'reserve' }),
  );
  const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'Brook', version: '0' } });
  const routes: RouteEntry[] = [{ method: 'GET', path: '/openapi.json', fn: 'admin' }];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, Record<string, unknown>>)) {
      const fn = op?.['x-brook-function'] as BrookFunction | undefined;
      if (fn) routes.push({ method: method.toUpperCase(), path, fn });
    }
  }
  return routes;
}
