import type { BrookApp } from '../app';
import { createTopic } from '../../broker/create-topic';
import { createPartitions } from '../../broker/create-partitions';
import { deleteTopic } from '../../broker/delete-topic';
import { getTopic, listTopics } from '../../metadata/topics';
import { ClusterParams, CreateTopicSchema, PartitionParams, TopicParams, UpdateTopicSchema } from '../schemas';
import { brookRoute, jsonBody, okJson } from './route';

/** Clusters, topics, partitions and topic configs (Kafka's admin APIs), in REST Proxy v3 shapes. */
export function registerAdminRoutes(app: BrookApp): void {
  app.openapi(brookRoute('admin', { method: 'get', path: '/v3/clusters', summary: 'List clusters' }), (c) => {
    return c.json(c.var.resources.clusters(), 200);
  });

  app.openapi(brookRoute('admin', { method: 'get', path: '/v3/clusters/{cluster_id}', request: { params: ClusterParams } }), (c) =>
    c.json(c.var.resources.cluster(), 200),
  );

  app.openapi(brookRoute('admin', { method: 'get', path: '/v3/clusters/{cluster_id}/topics', request: { params: ClusterParams } }), async (c) => {
    const topics = await listTopics(c.var.broker);
    return c.json(c.var.resources.list('KafkaTopicList', '/topics', topics.map((t) => c.var.resources.topic(t))), 200);
  });

  app.openapi(
    brookRoute('admin', {
      method: 'post',
      path: '/v3/clusters/{cluster_id}/topics',
      request: { params: ClusterParams, ...jsonBody(CreateTopicSchema) },
      responses: okJson('Created', 201),
    }),
    async (c) => {
      const body = c.req.valid('json');
      const configs: Record<string, string> = {};
      for (const { name, value } of body.configs ?? []) if (value !== null) configs[name] = String(value);
      const topic = await createTopic(c.var.broker, {
        topicName: body.topic_name,
        partitionsCount: body.partitions_count,
        replicationFactor: body.replication_factor,
        configs,
        validateOnly: body.validate_only,
      });
      const resource = c.var.resources.topic(topic);
      if (body.validate_only) return c.json(resource, 200 as 201);
      c.header('Location', resource.metadata.self);
      return c.json(resource, 201);
    },
  );

  const topicPath = '/v3/clusters/{cluster_id}/topics/{topic_name}';
  app.openapi(brookRoute('admin', { method: 'get', path: topicPath, request: { params: TopicParams } }), async (c) =>
    c.json(c.var.resources.topic(await getTopic(c.var.broker, c.req.valid('param').topic_name)), 200),
  );

  app.openapi(
    brookRoute('admin', { method: 'patch', path: topicPath, summary: 'Add partitions', request: { params: TopicParams, ...jsonBody(UpdateTopicSchema) } }),
    async (c) => {
      const topic = await createPartitions(c.var.broker, c.req.valid('param').topic_name, c.req.valid('json').partitions_count);
      return c.json(c.var.resources.topic(topic), 200);
    },
  );

  app.openapi(
    brookRoute('admin', { method: 'delete', path: topicPath, request: { params: TopicParams }, responses: { 204: { description: 'Deleted' } } }),
    async (c) => {
      await deleteTopic(c.var.broker, c.req.valid('param').topic_name);
      return c.body(null, 204);
    },
  );

  app.openapi(brookRoute('admin', { method: 'get', path: `${topicPath}/partitions`, request: { params: TopicParams } }), async (c) => {
    const topic = await getTopic(c.var.broker, c.req.valid('param').topic_name);
    const data = Array.from({ length: topic.partitionsCount }, (_, p) => c.var.resources.partition(topic.topicName, p));
    return c.json(c.var.resources.list('KafkaPartitionList', `/topics/${topic.topicName}/partitions`, data), 200);
  });

  app.openapi(brookRoute('admin', { method: 'get', path: `${topicPath}/partitions/{partition_id}`, request: { params: PartitionParams } }), async (c) => {
    const { topic_name, partition_id } = c.req.valid('param');
    await c.var.broker.topics.forPartition(topic_name, partition_id);
    return c.json(c.var.resources.partition(topic_name, partition_id), 200);
  });
}
