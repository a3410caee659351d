import { z } from '@hono/zod-openapi';
import type { BrookApp } from '../app';
import { initProducerId } from '../../broker/init-producer-id';
import { initTransactionalProducer } from '../../broker/txn-init';
import { BrookError } from '../../errors';
import { produce } from '../../broker/produce';
import { decodeFrames } from '../batch-frames';
import { errorResponse } from '../error-mapping';
import { ClusterParams } from '../schemas';
import { brookRoute } from './route';

export const BATCHES_CONTENT_TYPE = 'application/vnd.brook.batches';

/**
 * Brook's binary produce, the SDK's fast path: Kafka v2 record batches for many partitions in one
 * request, stored byte for byte. Answers per partition, like Kafka's ProduceResponse.
 */
export function registerBinaryProduceRoutes(app: BrookApp): void {
  app.openAPIRegistry.registerPath(
    brookRoute('produce', {
      method: 'post',
      path: '/v3/clusters/{cluster_id}/batches',
      summary: 'Produce Kafka v2 record batches for several partitions (binary frames; see docs/HTTP-API.md)',
      request: { params: ClusterParams, body: { content: { [BATCHES_CONTENT_TYPE]: { schema: z.string().openapi({ format: 'binary' }) } }, required: true } },
    }),
  );
  app.openapi(
    brookRoute('produce', {
      method: 'post',
      path: '/v3/clusters/{cluster_id}/producers',
      summary: "Kafka's InitProducerId: a producer id and epoch for an idempotent producer; with transactional_id, the id's producer at a bumped epoch (fencing older instances)",
      request: { params: ClusterParams },
    }),
    async (c) => {
      const body = await readInitBody(c.req.raw);
      const { producerId, producerEpoch } = body.transactional_id === undefined
        ? await initProducerId(c.var.broker)
        : await initTransactionalProducer(c.var.broker, body.transactional_id, body.transaction_timeout_ms);
      return c.json({ kind: 'BrookProducer', producer_id: producerId, producer_epoch: producerEpoch }, 200);
    },
  );

  app.post('/v3/clusters/:cluster_id/batches', async (c) => {
    const frames = decodeFrames(Buffer.from(await c.req.arrayBuffer()));
    const results = await produce(
      c.var.broker,
      frames.map((f) => ({ topic: f.topic, partition: f.partition, batches: f.batches })),
      { transactionalId: c.req.query('transactional_id') },
    );
    const data = results.map((r) => ({
      topic_name: r.topic,
      partition_id: r.partition,
      error_code: r.error ? r.error.errorCode : 0, // Kafka's NONE
      error: r.error ? errorResponse(r.error).body : null,
      base_offset: r.baseOffset,
      record_count: r.recordCount,
      log_append_time: r.logAppendTime,
      ...(r.duplicate ? { duplicate: true } : {}),
    }));
    return c.json({ kind: 'BrookProduceResponse', data }, 200);
  });
}

const InitBody = z.object({ transactional_id: z.string().optional(), transaction_timeout_ms: z.number().int().optional() }).strict();

/** The body is optional (`{}` or none) for an idempotent producer. */
async function readInitBody(req: Request): Promise<z.infer<typeof InitBody>> {
  const text = await req.text();
  if (text.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BrookError('INVALID_REQUEST', 'The body must be JSON: {} or {"transactional_id": "…", "transaction_timeout_ms": 60000}.');
  }
  const parsed = InitBody.safeParse(json);
  if (!parsed.success) throw new BrookError('INVALID_REQUEST', `Bad InitProducerId body: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
