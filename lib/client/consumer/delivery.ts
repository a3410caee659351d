// Handing one partition's fetched records to the application (eachMessage or eachBatch) and
// moving the partition's position past what was handled.
import type { PartitionFetch } from './fetcher';
import { toBatch, toMessages, type Batch, type KafkaMessage } from './messages';
import type { PartitionState } from './subscription';

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat(): Promise<void>;
  /** Pauses this partition after the current message; returns the function that resumes it. */
  pause(): () => void;
}

export type UncommittedOffsets = { topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> };

export interface EachBatchPayload {
  batch: Batch;
  /** This offset was processed: the position (and what a commit records) becomes offset + 1. */
  resolveOffset(offset: string): void;
  /** Restarts the poll timer (maxPollInterval) of this call; heartbeats themselves run in the background. */
  heartbeat(): Promise<void>;
  /** With `offsets`, commits them; else commits every resolved position if autoCommitInterval or autoCommitThreshold is reached. */
  commitOffsetsIfNecessary(offsets?: UncommittedOffsets): Promise<void>;
  uncommittedOffsets(): UncommittedOffsets;
  isRunning(): boolean;
  /** The partition was seeked, or is being revoked or was lost: stop processing this batch. */
  isStale(): boolean;
  pause(): () => void;
}

export interface ConsumerRunConfig {
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  /** With a groupId: commit positions every autoCommitInterval, on revocation and on stop (default true). */
  autoCommit?: boolean;
  /** Default 5 000 ms; null: only by autoCommitThreshold (and on revocation and stop). */
  autoCommitInterval?: number | null;
  /** Commit once this many offsets were processed since the last commit. Default null (off). */
  autoCommitThreshold?: number | null;
  /** After eachBatch returns, the whole batch counts as handled (default true). */
  eachBatchAutoResolve?: boolean;
  partitionsConsumedConcurrently?: number;
}

export interface DeliveryContext {
  isRunning(): boolean;
  pause(): () => void;
  /** Runs one handler call (under the group's poll timer); `touch` restarts the timer. */
  track<T>(fn: (touch: () => void) => Promise<T>): Promise<T>;
  commitOffsetsIfNecessary(offsets?: UncommittedOffsets): Promise<void>;
  uncommittedOffsets(): UncommittedOffsets;
}

/** An error thrown by eachMessage / eachBatch: the records are delivered again, up to retry.retries times. */
export class HandlerError extends Error {
  constructor(cause: unknown) {
    super((cause as Error)?.message ?? String(cause), { cause });
  }
}

/**
 * Delivers `r` unless the partition was seeked (its epoch moved), paused or the consumer
 * stopped; the position advances message by message, or by what eachBatch resolved.
 */
export async function deliver(
  r: PartitionFetch,
  s: PartitionState,
  epoch: number,
  config: ConsumerRunConfig,
  ctx: DeliveryContext,
): Promise<void> {
  const stale = () => s.epoch !== epoch || s.revoking === true;
  if (stale() || s.paused) return;
  const messages = toMessages(r.batches, r.offset);
  const next = r.nextOffset;
  if (config.eachBatch) {
    let resolved: number | undefined;
    try {
      await ctx.track((touch) =>
        config.eachBatch!({
          batch: toBatch(r.topic, r.partition, r.highWatermark, messages),
          resolveOffset: (o) => {
            resolved = Number(o);
            if (s.epoch === epoch) s.position = resolved + 1; // so a commit inside the batch includes it
          },
          heartbeat: async () => touch(),
          commitOffsetsIfNecessary: ctx.commitOffsetsIfNecessary,
          uncommittedOffsets: ctx.uncommittedOffsets,
          isRunning: ctx.isRunning,
          isStale: stale,
          pause: ctx.pause,
        }),
      );
    } catch (err) {
      if (s.epoch === epoch && resolved !== undefined) s.position = resolved + 1;
      throw new HandlerError(err);
    }
    if (s.epoch === epoch) s.position = (config.eachBatchAutoResolve ?? true) ? next : resolved === undefined ? s.position : resolved + 1;
    return;
  }
  for (const message of messages) {
    if (!ctx.isRunning() || stale() || s.paused) return;
    try {
      await ctx.track((touch) => config.eachMessage!({ topic: r.topic, partition: r.partition, message, heartbeat: async () => touch(), pause: ctx.pause }));
    } catch (err) {
      throw new HandlerError(err);
    }
    if (s.epoch === epoch) s.position = Number(message.offset) + 1;
  }
  if (!stale() && !s.paused) s.position = next; // past control records and compaction gaps
}
