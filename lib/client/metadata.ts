// Topic metadata the clients need: partition counts (a topic's partitions only ever grow), cached
// for metadataMaxAge as kafkajs does.
import type { HttpClient } from './http';

export interface TopicMetadata {
  name: string;
  partitionsCount: number;
}

export class Metadata {
  private readonly topics = new Map<string, { at: number; topic: Promise<TopicMetadata> }>();

  constructor(
    private readonly http: HttpClient,
    private readonly maxAgeMs = 300_000,
  ) {}

  /** The topic's metadata, from the cache unless older than maxAge (or `fresh`). */
  topic(name: string, fresh = false): Promise<TopicMetadata> {
    const hit = this.topics.get(name);
    if (hit && !fresh && Date.now() - hit.at < this.maxAgeMs) return hit.topic;
    const topic = this.http
      .json<{ topic_name: string; partitions_count: number }>({ method: 'GET', path: `v3/clusters/{cluster}/topics/${encodeURIComponent(name)}` })
      .then((t) => ({ name: t.topic_name, partitionsCount: t.partitions_count }));
    const entry = { at: Date.now(), topic };
    this.topics.set(name, entry);
    topic.catch(() => this.topics.get(name) === entry && this.topics.delete(name));
    return topic;
  }

  async partitionCount(name: string, fresh = false): Promise<number> {
    return (await this.topic(name, fresh)).partitionsCount;
  }

  async listTopics(): Promise<string[]> {
    const res = await this.http.json<{ data: Array<{ topic_name: string }> }>({ method: 'GET', path: 'v3/clusters/{cluster}/topics' });
    return res.data.map((t) => t.topic_name);
  }

  invalidate(name?: string): void {
    if (name === undefined) this.topics.clear();
    else this.topics.delete(name);
  }
}
