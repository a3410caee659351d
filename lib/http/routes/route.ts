import { createRoute } from '@hono/zod-openapi';
import { AnyResource, ErrorSchema } from '../schemas';

export type BrookFunction = 'admin' | 'produce' | 'fetch' | 'groups';

type RouteSpec = Parameters<typeof createRoute>[0];

const errors = {
  400: { description: 'Bad request', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
  503: { description: 'Storage unavailable; retry', content: { 'application/json': { schema: ErrorSchema } } },
};

/** createRoute plus the Lambda function that serves the route and Brook's common error answers. */
export function brookRoute<R extends Omit<RouteSpec, 'responses'> & { responses?: RouteSpec['responses'] }>(
  fn: BrookFunction,
  spec: R,
) {
  return createRoute({
    ...spec,
    'x-brook-function': fn,
    responses: spec.responses ?? { 200: { description: 'OK', content: { 'application/json': { schema: AnyResource } } }, ...errors },
  } as R & { responses: RouteSpec['responses'] });
}

export const jsonBody = <S>(schema: S) => ({ body: { content: { 'application/json': { schema } }, required: true } });
export const okJson = (description = 'OK', status = 200) => ({
  [status]: { description, content: { 'application/json': { schema: AnyResource } } },
  ...errors,
});
