import { randomUUID } from 'node:crypto';
import type { Broker } from '../broker/context';
import { requestToken, transactOnCondition } from './conditional-write';
import { batchPk } from './keys';

/** One key of the gap is taken: by a real entry (or a writer's own placeholder) starting at `base`. */
class Occupied extends Error {
  constructor(
    readonly key: number,
    readonly base: number,
  ) {
    super(`offset ${key} is taken`);
  }
}

const CHUNK = 100;

/**
 * Seal the gap [from, until) (RFC 0003, as built): a one-offset placeholder under EVERY key of the
 * gap that is free, put if absent, from the top down. A writer publishes its range [b, l] under
 * key l, if absent; which ranges lie in the gap is unknown (their writers vanished), so every
 * offset that could end one is taken. Top-down order keeps the reader's rule safe: a placeholder
 * under x exists only once every key above x in the gap is taken, so a range covering x either
 * was published before it or never will be, and a reader that steps over x can never find a record
 * there later. A key found taken by a real entry [b, k] skips to b − 1: no other range ends inside
 * it. Nothing is shared with writers but the keys themselves: publishes never wait for this.
 * `since` (when the gap was known to exist) is kept, so a reader finding a half-sealed gap does
 * not wait the seal time again. Costs ⌈(until − from) / 100⌉ transactions of 2 WCU per offset.
 */
export async function sealGap(broker: Broker, topicId: string, partition: number, from: number, until: number, since = Date.now()): Promise<void> {
  await sealDown(broker, topicId, partition, until - 1, from, since);
}

async function sealDown(broker: Broker, topicId: string, partition: number, top: number, bottom: number, since: number): Promise<void> {
  let hi = top;
  while (hi >= bottom) {
    const lo = Math.max(bottom, hi - CHUNK + 1);
    try {
      await putPlaceholders(broker, topicId, partition, hi, lo, since);
      hi = lo - 1;
    } catch (err) {
      if (!(err instanceof Occupied)) throw err;
      if (err.key < hi) await sealDown(broker, topicId, partition, hi, err.key + 1, since);
      hi = Math.min(err.key, err.base) - 1;
    }
  }
}

async function putPlaceholders(broker: Broker, topicId: string, partition: number, hi: number, lo: number, since: number): Promise<void> {
  const pk = batchPk(topicId, partition);
  const keys = Array.from({ length: hi - lo + 1 }, (_, i) => hi - i);
  const now = Date.now();
  const attempt = randomUUID();
  await transactOnCondition(broker.clients.ddb, keys, {
    what: `seal offsets ${lo}..${hi} of partition ${partition}`,
    build: (ks) => ({
      token: requestToken('seal', pk, hi, lo, now, attempt), // racing sealers send different items: different tokens
      input: {
        TransactItems: ks.map((k) => ({
          Put: {
            TableName: broker.config.batchesTable,
            Item: { pk, lastOffset: k, baseOffset: k, recordCount: 1, byteStart: 0, byteLength: 0, placeholder: true, sealed: true, appendTime: now, reservedAt: since },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
          },
        })),
      },
    }),
    onConflict(reasons, ks) {
      const i = reasons.findIndex((r) => r.code === 'ConditionalCheckFailed');
      throw new Occupied(ks[i]!, (reasons[i]!.item?.baseOffset as number | undefined) ?? ks[i]!);
    },
  });
}
