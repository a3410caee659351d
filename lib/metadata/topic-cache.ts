import type { AwsClients } from '../aws/clients';
import type { BrookConfig } from '../config';
import type { TopicItem } from './types';
import { findTopic } from './topics';
import { BrookError } from '../errors';

/**
 * Topic items cached for a few seconds in a warm process, so the produce and fetch paths do not
 * read the topic item on every request. A stale entry is safe: commits are conditioned on the
 * partition head, which a deleted topic no longer has, and a partition number beyond a cached
 * count triggers a fresh read before it is refused.
 */
export class TopicCache {
  private readonly entries = new Map<string, { topic: TopicItem; at: number }>();

  constructor(
    private readonly config: BrookConfig,
    private readonly clients: AwsClients,
    private readonly ttlMs = 5_000,
  ) {}

  async get(name: string, options: { fresh?: boolean } = {}): Promise<TopicItem> {
    const hit = this.entries.get(name);
    if (hit && !options.fresh && Date.now() - hit.at < this.ttlMs) return hit.topic;
    const topic = await findTopic({ config: this.config, clients: this.clients }, name);
    if (!topic) {
      this.entries.delete(name);
      throw new BrookError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${name}' does not exist.`);
    }
    this.entries.set(name, { topic, at: Date.now() });
    return topic;
  }

  /** The topic, re-read if `partition` is beyond the cached partition count. */
  async forPartition(name: string, partition: number): Promise<TopicItem> {
    let topic = await this.get(name);
    if (partition >= topic.partitionsCount) topic = await this.get(name, { fresh: true });
    if (!Number.isInteger(partition) || partition < 0 || partition >= topic.partitionsCount) {
      throw new BrookError(
        'UNKNOWN_TOPIC_OR_PARTITION',
        `Partition ${partition} of topic '${name}' does not exist; the topic has partitions 0 to ${topic.partitionsCount - 1}.`,
      );
    }
    return topic;
  }

  invalidate(name: string): void {
    this.entries.delete(name);
  }
}
