// Partition choice as the Java producer makes it: keyed records go to
// toPositive(murmur2(key)) % numPartitions (DefaultPartitioner / BuiltInPartitioner);
// keyless records stick to one random partition until a batch for it completes
// (UniformStickyPartitioner / StickyPartitionCache).
import { murmur2 } from './murmur2';

function checkCount(numPartitions: number): void {
  if (!Number.isInteger(numPartitions) || numPartitions <= 0) throw new RangeError(`bad partition count ${numPartitions}`);
}

/** Java's Utils.toPositive(murmur2(key)) % numPartitions. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  checkCount(numPartitions);
  return (murmur2(key) & 0x7fffffff) % numPartitions;
}

/** Sticky choice for keyless records, one partition per topic at a time. */
export class StickyPartitioner {
  private readonly sticky = new Map<string, number>();
  /** Partition whose batch just completed, avoided by the next pick. */
  private readonly retired = new Map<string, number>();

  /** `random` returns a float in [0, 1), like Math.random (injectable for tests). */
  constructor(private readonly random: () => number = Math.random) {}

  partition(topic: string, numPartitions: number): number {
    checkCount(numPartitions);
    const current = this.sticky.get(topic);
    if (current !== undefined && current < numPartitions) return current;
    return this.pick(topic, numPartitions);
  }

  /**
   * A batch for `prevPartition` was completed: move on to another partition, unless
   * another caller already did (the Java cache only switches if prev is still current).
   */
  onNewBatch(topic: string, prevPartition: number): void {
    if (this.sticky.get(topic) !== prevPartition) return;
    this.sticky.delete(topic);
    this.retired.set(topic, prevPartition);
  }

  private pick(topic: string, numPartitions: number): number {
    const avoid = this.retired.get(topic);
    let next: number;
    if (avoid !== undefined && avoid < numPartitions && numPartitions > 1) {
      // Uniform over the other partitions, without Java's retry loop.
      next = Math.min(Math.floor(this.random() * (numPartitions - 1)), numPartitions - 2);
      if (next >= avoid) next++;
    } else {
      next = Math.min(Math.floor(this.random() * numPartitions), numPartitions - 1);
    }
    this.retired.delete(topic);
    this.sticky.set(topic, next);
    return next;
  }
}
