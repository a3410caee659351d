// Kafka's ConsumerGroupHeartbeat over HTTP (POST …/consumer-groups/{g}/heartbeat, docs/GROUPS.md)
// and the timer that sends it: every heartbeat interval, or at once when the member asks (after a
// revocation or an assignment, to tell the server without waiting).
import { KafkaJSNonRetriableError } from '../errors';
import type { HttpClient } from '../http';
import type { GroupOptions, TopicPartition } from './options';

export interface HeartbeatAnswer {
  memberId: string;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: TopicPartition[];
}

/** The subscription as the server takes it: topic names, or one regex matched against whole names. */
export function subscriptionFields(topics: Array<string | RegExp>): { subscribed_topic_names: string[] } | { subscribed_topic_regex: string } {
  if (topics.every((t) => typeof t === 'string')) return { subscribed_topic_names: [...new Set(topics as string[])] };
  const parts = topics.map((t) => {
    if (typeof t === 'string') return t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    if (t.flags.includes('i')) throw new KafkaJSNonRetriableError(`Cannot subscribe a group to ${String(t)}: the server matches without the 'i' flag`);
    return `[\\s\\S]*(?:${t.source})[\\s\\S]*`; // RegExp.test() finds a match anywhere; the server matches whole names
  });
  return { subscribed_topic_regex: parts.map((p) => `(?:${p})`).join('|') };
}

export async function sendHeartbeat(http: HttpClient, o: GroupOptions, body: Record<string, unknown>): Promise<HeartbeatAnswer> {
  const { body: raw } = await http.send({
    method: 'POST',
    path: `v3/clusters/{cluster}/consumer-groups/${encodeURIComponent(o.groupId)}/heartbeat`,
    json: { ...body, ...(o.instanceId !== undefined ? { instance_id: o.instanceId } : {}) },
  });
  const a = JSON.parse(raw.toString('utf8')) as { member_id: string; member_epoch: number; heartbeat_interval_ms: number; assignment: Array<{ topic_name: string; partitions: number[] }> };
  return {
    memberId: a.member_id,
    memberEpoch: a.member_epoch,
    heartbeatIntervalMs: a.heartbeat_interval_ms,
    assignment: a.assignment.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic_name, partition }))),
  };
}

export const ownedField = (owned: TopicPartition[]) => {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of owned) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  return [...byTopic].map(([topic_name, partitions]) => ({ topic_name, partitions: partitions.sort((a, b) => a - b) }));
};

/**
 * Runs `beat` (which never throws, and returns the delay until the next one) on a timer, one at a
 * time. `now()` asks for a beat as soon as possible and resolves once a beat that started after
 * the call has finished.
 */
export class HeartbeatTimer {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  private waiters: Array<() => void> = [];

  constructor(private readonly beat: () => Promise<number>) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  now(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      if (this.running) this.again = true;
      else this.schedule(0);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.waiters.splice(0).forEach((w) => w());
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (!this.stopped) this.timer = setTimeout(() => void this.run(), ms);
  }

  private async run(): Promise<void> {
    if (this.running || this.stopped) return;
    const waiters = this.waiters.splice(0);
    let delay = 1_000;
    this.running = this.beat().then(
      (d) => void (delay = d),
      () => {}, // beat() handles its errors; only a throwing event listener gets here
    );
    await this.running;
    this.running = undefined;
    waiters.forEach((w) => w());
    const again = this.again || this.waiters.length > 0;
    this.again = false;
    this.schedule(again ? 0 : delay);
  }
}
