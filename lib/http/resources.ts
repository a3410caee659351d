import type { TopicItem } from '../metadata/types';

/** REST Proxy v3 resources: each has `kind`, `metadata.self` and `related` links. */
export class Resources {
  constructor(
    protected readonly base: string,
    readonly clusterId: string,
  ) {}

  protected url(path = '') {
    return `${this.base}/v3/clusters/${this.clusterId}${path}`;
  }
  protected crn(path = '') {
    return `crn:///kafka=${this.clusterId}${path}`;
  }
  protected rel(path: string) {
    return { related: this.url(path) };
  }

  cluster() {
    return {
      kind: 'KafkaCluster',
      metadata: { self: this.url(), resource_name: this.crn() },
      cluster_id: this.clusterId,
      controller: null,
      acls: this.rel('/acls'),
      brokers: this.rel('/brokers'),
      broker_configs: this.rel('/broker-configs'),
      consumer_groups: this.rel('/consumer-groups'),
      topics: this.rel('/topics'),
      partition_reassignments: this.rel('/topics/-/partitions/-/reassignment'),
    };
  }

  topic(t: TopicItem) {
    const p = `/topics/${t.topicName}`;
    return {
      kind: 'KafkaTopic',
      metadata: { self: this.url(p), resource_name: this.crn(`/topic=${t.topicName}`) },
      cluster_id: this.clusterId,
      topic_name: t.topicName,
      topic_id: t.topicId,
      is_internal: false,
      replication_factor: 3,
      partitions_count: t.partitionsCount,
      partitions: this.rel(`${p}/partitions`),
      configs: this.rel(`${p}/configs`),
      partition_reassignments: this.rel(`${p}/partitions/-/reassignment`),
      authorized_operations: [],
    };
  }

  partition(topicName: string, partition: number) {
    const p = `/topics/${topicName}/partitions/${partition}`;
    return {
      kind: 'KafkaPartition',
      metadata: { self: this.url(p), resource_name: this.crn(`/topic=${topicName}/partition=${partition}`) },
      cluster_id: this.clusterId,
      topic_name: topicName,
      partition_id: partition,
      leader: null,
      replicas: this.rel(`${p}/replicas`),
      reassignment: this.rel(`${p}/reassignment`),
    };
  }

  clusters() {
    return { kind: 'KafkaClusterList', metadata: { self: `${this.base}/v3/clusters`, next: null }, data: [this.cluster()] };
  }

  topicConfigIdentity(topicName: string, name: string) {
    const p = `/topics/${topicName}/configs/${name}`;
    return {
      kind: 'KafkaTopicConfig',
      metadata: { self: this.url(p), resource_name: this.crn(`/topic=${topicName}/config=${name}`) },
      cluster_id: this.clusterId,
      topic_name: topicName,
      name,
    };
  }

  list(kind: string, path: string, data: unknown[]) {
    return { kind, metadata: { self: this.url(path), next: null }, data };
  }
}
