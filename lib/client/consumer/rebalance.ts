// Moving the consumer towards the assignment of the last heartbeat answer, one step at a time as
// Kafka's consumer does: first revoke what is no longer assigned (stop fetching it, let in-flight
// processing finish, commit, onPartitionsRevoked, drop it), then take what was added (committed
// offsets, onPartitionsAssigned, fetch it). After each step the member heartbeats at once, so the
// server learns what it owns without waiting for the interval.
import type { Logger } from '../logger';
import type { GroupOffsets } from './offsets';
import type { RebalanceListener, TopicPartition } from './options';
import { tpKey, type PartitionState, type Subscription } from './subscription';

export interface Rebalance {
  sub: Subscription;
  offsets: GroupOffsets;
  /** The assignment of the last answer (undefined after the partitions were lost). */
  target(): TopicPartition[] | undefined;
  /** Changes when every partition was lost or the consumer is closing: a step in progress stops. */
  generation(): number;
  autoCommit(): boolean;
  interrupt(): void;
  /** Tell the server (a heartbeat now). */
  told(): void;
  listen(name: keyof RebalanceListener, states: TopicPartition[]): Promise<void>;
  rebalancing(): void;
  logger: Logger;
}

export async function reconcile(r: Rebalance): Promise<void> {
  try {
    for (;;) {
      const generation = r.generation();
      const target = r.target();
      if (!target || generation < 0) return;
      const wanted = new Set(target.map((t) => tpKey(t.topic, t.partition)));
      const revoked = [...r.sub.partitions.values()].filter((s) => !wanted.has(tpKey(s.topic, s.partition)));
      const added = target.filter((t) => !r.sub.get(t.topic, t.partition));
      if (revoked.length === 0 && added.length === 0) return;
      r.rebalancing();
      if (revoked.length > 0) await revoke(r, revoked, generation);
      else await assign(r, added, generation);
      if (r.generation() !== generation) return;
      r.told();
    }
  } catch (err) {
    // The next heartbeat answer tries again.
    r.logger.warn('Rebalance step failed; retrying on the next heartbeat', { error: (err as Error)?.message });
  }
}

async function revoke(r: Rebalance, states: PartitionState[], generation: number): Promise<void> {
  for (const s of states) s.revoking = true;
  r.interrupt();
  await Promise.all(states.map((s) => s.inFlight));
  if (r.generation() !== generation) return;
  if (r.autoCommit()) {
    await r.offsets.commitPositions(states).catch((err) => r.logger.warn('Commit before revoking failed', { error: (err as Error).message }));
    if (r.generation() !== generation) return; // fenced meanwhile: the partitions were lost instead
  }
  await r.listen('onPartitionsRevoked', states.filter((s) => !s.pending));
  if (r.generation() !== generation) return;
  r.sub.remove(states);
}

async function assign(r: Rebalance, added: TopicPartition[], generation: number): Promise<void> {
  const states = added.map((t) => Object.assign(r.sub.state(t.topic, t.partition), { pending: true }));
  let committed: Map<string, number>;
  try {
    committed = await r.offsets.fetchCommitted(added);
  } catch (err) {
    r.sub.remove(states);
    throw err;
  }
  if (r.generation() !== generation) return;
  for (const s of states) {
    const c = committed.get(tpKey(s.topic, s.partition)) ?? -1;
    if (c >= 0) s.position = s.committed = c; // else the reset policy sets it before the first fetch
  }
  await r.listen('onPartitionsAssigned', added);
  if (r.generation() !== generation) return;
  for (const s of states) s.pending = false;
  r.interrupt();
}
