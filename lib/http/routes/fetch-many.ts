import { z } from '@hono/zod-openapi';
import type { BrookApp } from '../app';
import { DEFAULT_MAX_WAIT_MS } from '../../broker/fetch';
import { fetchMany } from '../../broker/fetch-many';
import { encodeFetchResponse } from '../fetch-frames';
import { ClusterParams } from '../schemas';
import { brookRoute, jsonBody } from './route';
import { MAX_FETCH_BYTES, MAX_WAIT_LIMIT_MS } from './fetch';

export const FETCH_CONTENT_TYPE = 'application/vnd.brook.fetch';

const FetchManySchema = z
  .object({
    max_wait_ms: z.number().int().min(0).max(MAX_WAIT_LIMIT_MS).optional(),
    max_bytes: z.number().int().min(1).max(MAX_FETCH_BYTES).optional(),
    isolation_level: z.enum(['read_uncommitted', 'read_committed']).optional(),
    partitions: z
      .array(
        z.object({
          topic_name: z.string().min(1),
          partition_id: z.number().int().min(0),
          offset: z.number().int().min(0),
          max_bytes: z.number().int().min(1).max(MAX_FETCH_BYTES).optional(),
        }),
      )
      .min(1)
      .max(1000),
  })
  .openapi('FetchRequest');

/** Brook's multi-partition fetch (Kafka's Fetch): the SDK consumer's poll. See lib/http/fetch-frames.ts. */
export function registerFetchManyRoutes(app: BrookApp): void {
  app.openapi(
    brookRoute('fetch', {
      method: 'post',
      path: '/v3/clusters/{cluster_id}/fetch',
      summary: `Fetch Kafka v2 batches from many partitions at once; answers ${FETCH_CONTENT_TYPE} (docs/HTTP-API.md)`,
      request: { params: ClusterParams, ...jsonBody(FetchManySchema) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const results = await fetchMany(
        c.var.broker,
        body.partitions.map((p) => ({ topic: p.topic_name, partition: p.partition_id, offset: p.offset, maxBytes: p.max_bytes, isolationLevel: body.isolation_level })),
        { maxWaitMs: body.max_wait_ms ?? DEFAULT_MAX_WAIT_MS, maxBytes: body.max_bytes ?? MAX_FETCH_BYTES },
      );
      const frames = results.map((r) => ({
        topic_name: r.topic,
        partition_id: r.partition,
        error_code: r.error ? r.error.errorCode : 0,
        ...(r.error ? { error_name: r.error.errorName, message: r.error.message } : {}),
        high_watermark: r.highWatermark,
        log_start_offset: r.logStartOffset,
        ...(r.error ? {} : { next_offset: r.nextOffset }),
        ...(!r.error && r.lastStableOffset !== undefined ? { last_stable_offset: r.lastStableOffset } : {}),
        bytes: 0,
        batches: r.error ? Buffer.alloc(0) : Buffer.concat(r.batches),
      }));
      return c.body(new Uint8Array(encodeFetchResponse(frames)), 200, { 'Content-Type': FETCH_CONTENT_TYPE }) as never;
    },
  );
}
