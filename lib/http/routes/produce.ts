import type { BrookApp } from '../app';
import { produce } from '../../broker/produce';
import { BrookError } from '../../errors';
import { errorResponse } from '../error-mapping';
import { parseJsonObjects } from '../json-stream';
import { deliveryReport, planProduce } from '../produce-plan';
import { ProduceBatchSchema, ProduceRecordSchema, TopicParams } from '../schemas';
import { parseWith } from '../validation';
import { brookRoute, jsonBody, okJson } from './route';

const recordsPath = '/v3/clusters/{cluster_id}/topics/{topic_name}/records';

/** REST Proxy v3 produce: one record, a stream of concatenated records, or records:batch. */
export function registerProduceRoutes(app: BrookApp): void {
  // Declared for the OpenAPI document; served by a plain handler because a streamed body of
  // concatenated JSON objects is not one JSON document.
  const single = brookRoute('produce', {
    method: 'post',
    path: recordsPath,
    summary: 'Produce one record, or several as concatenated JSON objects (one delivery report each)',
    request: { params: TopicParams, ...jsonBody(ProduceRecordSchema) },
  });
  app.openAPIRegistry.registerPath(single);
  app.post('/v3/clusters/:cluster_id/topics/:topic_name/records', async (c) => {
    const topicName = c.req.param('topic_name');
    const bodies = parseJsonObjects(await c.req.text()).map((v, i, all) =>
      parseWith(ProduceRecordSchema, v, all.length > 1 ? `record ${i}: ` : ''),
    );
    const { parts, placements } = await planProduce(c.var.broker, topicName, bodies);
    const results = await produce(c.var.broker, parts);
    const clusterId = c.var.broker.config.clusterId;
    if (placements.length === 1) {
      const out = deliveryReport(clusterId, topicName, placements[0]!, results);
      if (out.error) throw out.error;
      return c.json(out.report, 200);
    }
    const lines = placements.map((p) => {
      const out = deliveryReport(clusterId, topicName, p, results);
      return JSON.stringify(out.report ?? errorResponse(out.error).body);
    });
    return c.body(lines.join('\n') + '\n', 200, { 'Content-Type': 'application/json' });
  });

  app.openapi(
    brookRoute('produce', {
      method: 'post',
      path: `${recordsPath}:batch`,
      summary: 'Produce a batch of records as one S3 object',
      request: { params: TopicParams, ...jsonBody(ProduceBatchSchema) },
      responses: okJson('Multi-status', 207),
    }),
    async (c) => {
      const topicName = c.req.valid('param').topic_name;
      const { entries } = c.req.valid('json');
      if (entries.length === 0) throw new BrookError('INVALID_REQUEST', 'entries is empty; send at least one record.', { v3ErrorCode: 42208 });
      const ids = new Set(entries.map((e) => e.id));
      if (ids.size !== entries.length) throw new BrookError('INVALID_REQUEST', 'Each entry needs a distinct id.', { v3ErrorCode: 42208 });
      const { parts, placements } = await planProduce(c.var.broker, topicName, entries);
      const results = await produce(c.var.broker, parts);
      const successes: unknown[] = [];
      const failures: unknown[] = [];
      placements.forEach((p, i) => {
        const out = deliveryReport(c.var.broker.config.clusterId, topicName, p, results);
        if (out.report) successes.push({ id: entries[i]!.id, ...out.report });
        else failures.push({ id: entries[i]!.id, ...errorResponse(out.error).body });
      });
      return c.json({ successes, failures }, 207);
    },
  );
}
