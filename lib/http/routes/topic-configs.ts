import { z } from '@hono/zod-openapi';
import type { BrookApp } from '../app';
import { alterTopicConfigs } from '../../broker/alter-topic-configs';
import { TOPIC_CONFIGS } from '../../metadata/topic-configs';
import { getTopic } from '../../metadata/topics';
import { TopicParams } from '../schemas';
import { brookRoute, jsonBody } from './route';

const topicPath = '/v3/clusters/{cluster_id}/topics/{topic_name}';

const AlterConfigsSchema = z
  .object({
    data: z
      .array(z.object({ name: z.string().min(1), value: z.union([z.string(), z.number(), z.boolean()]).nullable().optional(), operation: z.enum(['SET', 'DELETE']).optional() }))
      .min(1),
    validate_only: z.boolean().optional(),
  })
  .openapi('AlterConfigBatchRequest');

/** Topic configs in REST Proxy v3 shapes: read all (defaults included) and alter in a batch. */
export function registerTopicConfigRoutes(app: BrookApp): void {
  app.openapi(brookRoute('admin', { method: 'get', path: `${topicPath}/configs`, request: { params: TopicParams } }), async (c) => {
    const topic = await getTopic(c.var.broker, c.req.valid('param').topic_name);
    const data = Object.entries(TOPIC_CONFIGS).map(([name, def]) => {
      const set = topic.configs[name];
      return {
        ...c.var.resources.topicConfigIdentity(topic.topicName, name),
        value: set ?? def.default,
        is_default: set === undefined,
        is_read_only: false,
        is_sensitive: false,
        source: set === undefined ? 'DEFAULT_CONFIG' : 'DYNAMIC_TOPIC_CONFIG',
        synonyms: [],
      };
    });
    return c.json(c.var.resources.list('KafkaTopicConfigList', `/topics/${topic.topicName}/configs`, data), 200);
  });

  app.openapi(
    brookRoute('admin', {
      method: 'post',
      path: `${topicPath}/configs:alter`,
      summary: 'Set or delete several topic configs at once (validated together)',
      request: { params: TopicParams, ...jsonBody(AlterConfigsSchema) },
      responses: { 204: { description: 'Altered' } },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const changes = body.data.map((d) => ({ name: d.name, value: d.value === null || d.value === undefined ? d.value : String(d.value), operation: d.operation }));
      await alterTopicConfigs(c.var.broker, c.req.valid('param').topic_name, changes, body.validate_only);
      return c.body(null, 204);
    },
  );
}
