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

export interface EachBatchPayload {
  batch: Batch;
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  commitOffsetsIfNecessary(): Promise<void>;
  uncommittedOffsets(): { topics: [] };
  isRunning(): boolean;
  isStale(): boolean;
  pause(): () => void;
}

export interface ConsumerRunConfig {
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  /** Accepted; there is nothing to commit to until consumer groups land. */
  autoCommit?: boolean;
  autoCommitInterval?: number | null;
  autoCommitThreshold?: number | null;
  /** After eachBatch returns, the whole batch counts as handled (default true). */
  eachBatchAutoResolve?: boolean;
  partitionsConsumedConcurrently?: number;
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
  ctx: { isRunning(): boolean; pause(): () => void },
): Promise<void> {
  const messages = toMessages(r.batches, r.offset);
  const next = r.nextOffset;
  const heartbeat = async () => {};
  if (config.eachBatch) {
    let resolved: number | undefined;
    try {
      await config.eachBatch({
        batch: toBatch(r.topic, r.partition, r.highWatermark, messages),
        resolveOffset: (o) => void (resolved = Number(o)),
        heartbeat,
        commitOffsetsIfNecessary: async () => {},
        uncommittedOffsets: () => ({ topics: [] }),
        isRunning: ctx.isRunning,
        isStale: () => s.epoch !== epoch,
        pause: ctx.pause,
      });
    } catch (err) {
      if (s.epoch === epoch && resolved !== undefined) s.position = resolved + 1;
      throw new HandlerError(err);
    }
    if (s.epoch === epoch) s.position = (config.eachBatchAutoResolve ?? true) ? next : resolved === undefined ? s.position : resolved + 1;
    return;
  }
  for (const message of messages) {
    if (!ctx.isRunning() || s.epoch !== epoch || s.paused) return;
    try {
      await config.eachMessage!({ topic: r.topic, partition: r.partition, message, heartbeat, pause: ctx.pause });
    } catch (err) {
      throw new HandlerError(err);
    }
    if (s.epoch === epoch) s.position = Number(message.offset) + 1;
  }
  if (s.epoch === epoch && !s.paused) s.position = next; // past control records and compaction gaps
}
