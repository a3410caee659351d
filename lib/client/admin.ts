// kafkajs's admin client over Brook's REST v3 routes.
import { KafkaJSNonRetriableError, KafkaJSProtocolError } from './errors';
import type { HttpClient } from './http';
import type { Metadata } from './metadata';
import { GroupAdmin } from './consumer/group-admin';

export interface ITopicConfig {
  topic: string;
  /** Default 1. */
  numPartitions?: number;
  replicationFactor?: number;
  configEntries?: Array<{ name: string; value: string }>;
}

export interface PartitionMetadata {
  partitionErrorCode: number;
  partitionId: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface PartitionOffset {
  partition: number;
  offset: string;
}

/** Brook has no brokers: any server answers for every partition, shown as node 0. */
const partitionMetadata = (partitionId: number): PartitionMetadata => ({
  partitionErrorCode: 0,
  partitionId,
  leader: 0,
  replicas: [0],
  isr: [0],
  offlineReplicas: [],
});

const topicPath = (topic: string) => `v3/clusters/{cluster}/topics/${encodeURIComponent(topic)}`;

function checkTopicName(topic: unknown): asserts topic is string {
  if (!topic || typeof topic !== 'string') throw new KafkaJSNonRetriableError(`Invalid topic ${String(topic)}`);
}

export class Admin {
  private readonly groups: GroupAdmin;

  constructor(
    private readonly http: HttpClient,
    private readonly metadata: Metadata,
  ) {
    this.groups = new GroupAdmin(http);
  }

  async connect(): Promise<void> {
    await this.http.clusterId();
  }

  async disconnect(): Promise<void> {}

  /** True if every topic was created; false if some already existed (as kafkajs answers). */
  async createTopics({ topics, validateOnly }: { topics: ITopicConfig[]; validateOnly?: boolean; waitForLeaders?: boolean; timeout?: number }): Promise<boolean> {
    if (!Array.isArray(topics)) throw new KafkaJSNonRetriableError(`Invalid topics array ${String(topics)}`);
    topics.forEach((t) => checkTopicName(t?.topic));
    if (new Set(topics.map((t) => t.topic)).size < topics.length) {
      throw new KafkaJSNonRetriableError('Invalid topics array, it cannot have multiple entries for the same topic');
    }
    const outcomes = await Promise.allSettled(
      topics.map((t) =>
        this.http.json({
          method: 'POST',
          path: 'v3/clusters/{cluster}/topics',
          json: {
            topic_name: t.topic,
            partitions_count: t.numPartitions === undefined || t.numPartitions < 0 ? 1 : t.numPartitions,
            ...(t.replicationFactor !== undefined && t.replicationFactor > 0 ? { replication_factor: t.replicationFactor } : {}),
            configs: (t.configEntries ?? []).map(({ name, value }) => ({ name, value })),
            ...(validateOnly ? { validate_only: true } : {}),
          },
        }),
      ),
    );
    const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as Error] : []));
    const existed = errors.filter((e) => e instanceof KafkaJSProtocolError && e.type === 'TOPIC_ALREADY_EXISTS');
    if (errors.length > existed.length) throw errors.find((e) => !existed.includes(e));
    for (const t of topics) this.metadata.invalidate(t.topic);
    return existed.length === 0;
  }

  async deleteTopics({ topics }: { topics: string[]; timeout?: number }): Promise<void> {
    if (!Array.isArray(topics)) throw new KafkaJSNonRetriableError(`Invalid topics array ${String(topics)}`);
    topics.forEach(checkTopicName);
    await Promise.all(topics.map((t) => this.http.json({ method: 'DELETE', path: topicPath(t) })));
    for (const t of topics) this.metadata.invalidate(t);
  }

  /** Raises each topic's partition count to `count` (never lowers it). */
  async createPartitions({ topicPartitions, validateOnly }: { topicPartitions: Array<{ topic: string; count: number }>; validateOnly?: boolean; timeout?: number }): Promise<void> {
    if (!Array.isArray(topicPartitions) || topicPartitions.length === 0) throw new KafkaJSNonRetriableError('Empty topic partitions array');
    topicPartitions.forEach((t) => checkTopicName(t?.topic));
    if (validateOnly) return;
    await Promise.all(topicPartitions.map(({ topic, count }) => this.http.json({ method: 'PATCH', path: topicPath(topic), json: { partitions_count: count } })));
    for (const t of topicPartitions) this.metadata.invalidate(t.topic);
  }

  async listTopics(): Promise<string[]> {
    return this.metadata.listTopics();
  }

  /** Every topic when `topics` is not given. */
  async fetchTopicMetadata({ topics }: { topics?: string[] } = {}): Promise<{ topics: Array<{ name: string; partitions: PartitionMetadata[] }> }> {
    const names = topics ?? (await this.listTopics());
    const metas = await Promise.all(names.map((t) => this.metadata.topic(t, true)));
    return { topics: metas.map((m) => ({ name: m.name, partitions: Array.from({ length: m.partitionsCount }, (_, p) => partitionMetadata(p)) })) };
  }

  /** kafkajs's shape: per partition the high watermark (`offset` and `high`) and the log start (`low`). */
  async fetchTopicOffsets(topic: string): Promise<Array<PartitionOffset & { high: string; low: string }>> {
    checkTopicName(topic);
    const offsets = await this.partitionOffsets(topic);
    return offsets.map((o) => ({ partition: o.partition_id, offset: String(o.latest_offset), high: String(o.latest_offset), low: String(o.earliest_offset) }));
  }

  /** Kafka's offsetsForTimes; where no record is that recent, the high watermark (as kafkajs answers). */
  async fetchTopicOffsetsByTimestamp(topic: string, timestamp?: number): Promise<PartitionOffset[]> {
    checkTopicName(topic);
    const offsets = await this.partitionOffsets(topic, timestamp);
    return offsets.map((o) => ({
      partition: o.partition_id,
      offset: String(timestamp !== undefined && (o.timestamp_offset ?? -1) >= 0 ? o.timestamp_offset : o.latest_offset),
    }));
  }

  async describeCluster(): Promise<{ brokers: Array<{ nodeId: number; host: string; port: number }>; controller: number | null; clusterId: string }> {
    const url = new URL(this.http.options.url);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    return { brokers: [{ nodeId: 0, host: url.hostname, port }], controller: null, clusterId: await this.http.clusterId() };
  }

  // Consumer groups (lib/client/consumer/group-admin.ts), in kafkajs's shapes.
  listGroups = () => this.groups.listGroups();
  describeGroups = (groupIds: string[]) => this.groups.describeGroups(groupIds);
  fetchOffsets = (o: { groupId: string; topics?: string[]; resolveOffsets?: boolean }) => this.groups.fetchOffsets(o);
  resetOffsets = (o: { groupId: string; topic: string; earliest?: boolean }) => this.groups.resetOffsets(o);
  setOffsets = (o: { groupId: string; topic: string; partitions: Array<{ partition: number; offset: string | number }> }) => this.groups.setOffsets(o);
  deleteGroups = (groupIds: string[]) => this.groups.deleteGroups(groupIds);
  /** Brook: lag of every committed partition with Burrow's status, and the group's. */
  fetchGroupLag = (groupId: string) => this.groups.fetchGroupLag(groupId);

  private async partitionOffsets(topic: string, timestamp?: number) {
    const count = await this.metadata.partitionCount(topic, true);
    return Promise.all(
      Array.from({ length: count }, (_, p) =>
        this.http.json<{ partition_id: number; earliest_offset: number; latest_offset: number; timestamp_offset?: number }>({
          method: 'GET',
          path: `${topicPath(topic)}/partitions/${p}/offset`,
          query: { timestamp },
        }),
      ),
    );
  }
}
