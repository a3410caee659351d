import type { Broker } from './context';
import { getHead } from '../metadata/heads';
import type { PartitionHead } from '../metadata/types';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WaitTarget {
  topicName: string;
  head: PartitionHead;
}

/**
 * Wait at the log end for up to `maxWaitMs` until any of the heads moves, re-reading them
 * (1 RCU each) with backoff from 20 ms to 250 ms: a produce shows within about a quarter second,
 * and a 20 s wait costs about 85 reads per partition instead of 1,000.
 */
export async function waitForHeads(broker: Broker, targets: WaitTarget[], maxWaitMs: number): Promise<PartitionHead[]> {
  const deadline = Date.now() + maxWaitMs;
  let delay = 20;
  let current = targets.map((t) => t.head);
  const moved = () => current.some((h, i) => h.nextOffset !== targets[i]!.head.nextOffset || h.logStartOffset !== targets[i]!.head.logStartOffset);
  while (!moved()) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(delay, left));
    delay = Math.min(250, delay * 1.5);
    current = await Promise.all(targets.map((t) => getHead(broker, t.topicName, t.head.topicId, t.head.partition)));
  }
  return current;
}
