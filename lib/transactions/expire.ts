import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Broker } from '../broker/context';
import { headKey } from '../metadata/keys';
import { listTopics } from '../metadata/topics';
import { settleTxn } from './fence-abort';
import { openTxnsOf } from './stable-head';
import { readTxn } from './txn-store';

/**
 * transaction.timeout.ms, enforced by the maintenance pass (and lazily by EndTxn): every open
 * transaction that wrote to a partition is named on that partition's head; an Ongoing one past
 * its timeout is aborted with its epoch bumped (its producer is fenced, as Kafka's coordinator
 * fences it), and a prepared one left by a crashed EndTxn is completed as it was decided.
 * Requests: 1 BatchGetItem per 100 partitions + 1 GetItem per open transaction (+ the abort).
 */
export async function abortExpiredTransactions(broker: Broker, now = Date.now()): Promise<{ aborted: number; completed: number }> {
  const ids = new Set<string>();
  for (const topic of await listTopics(broker)) {
    for (let i = 0; i < topic.partitionsCount; i += 100) {
      let keys: Record<string, unknown>[] | undefined = Array.from({ length: Math.min(100, topic.partitionsCount - i) }, (_, k) => headKey(topic.topicId, i + k));
      while (keys && keys.length > 0) {
        const out: BatchGetCommandOutput = await broker.clients.ddb.send(new BatchGetCommand({ RequestItems: { [broker.config.metadataTable]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of out.Responses?.[broker.config.metadataTable] ?? []) for (const t of openTxnsOf(item)) ids.add(t.transactionalId);
        keys = out.UnprocessedKeys?.[broker.config.metadataTable]?.Keys;
      }
    }
  }
  let aborted = 0;
  let completed = 0;
  for (const id of ids) {
    const txn = await readTxn(broker, id);
    if (!txn) continue;
    const expired = now > txn.startedAt + txn.timeoutMs;
    if (txn.state === 'Ongoing' && expired) {
      if (await settleTxn(broker, txn, now)) aborted++;
    } else if ((txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') && now > txn.updatedAt + Math.min(txn.timeoutMs, 60_000)) {
      if (await settleTxn(broker, txn, now)) completed++;
    }
  }
  return { aborted, completed };
}
