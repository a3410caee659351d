/**
 * What waiting costs: one real long-poll wait of 20 s (the API's maximum) at the end of an empty
 * partition, and the same through the multi-partition fetch over 16 partitions. The server's
 * accounting counts the head re-reads the wait made and the handler time Lambda would bill.
 * Then ten polls that do not wait (max_wait_ms=0), the other way to wait: client-side sleeps.
 * Runs on its own: the 16-partition wait re-reads 16 heads per step, enough load on DynamoDB Local
 * to slow whatever ran beside it.
 */
import { decodeFetchResponse } from '../../lib/http/fetch-frames';
import type { BenchEnv } from '../harness';
import { httpOk } from '../http';
import { createTopic, type Budget } from './common';

export interface IdleResult {
  partitions: number;
  route: string;
  scope: string;
  waitMs: number;
  /** All DynamoDB GetItems of the one request (first head read included). */
  getItems: number;
  rru: number;
  handlerMs: number;
  answeredEmpty: boolean;
}

/** One poll that does not wait: what a client-side poll loop pays per poll. */
export interface PollResult {
  polls: number;
  getItemsPerPoll: number;
  rruPerPoll: number;
  handlerMsPerPoll: number;
}

export async function runIdleWaits(env: BenchEnv, budget: Budget): Promise<{ waits: IdleResult[]; poll: PollResult }> {
  const base = `${env.warmUrl}${env.clusterPath}`;
  await createTopic(env, 'bench-idle-1', 1);
  await createTopic(env, 'bench-idle-16', 16);
  const single = `${base}/topics/bench-idle-1/partitions/0/records?offset=0&max_wait_ms=${budget.idleWaitMs}`;
  const many = (waitMs: number) =>
    JSON.stringify({ max_wait_ms: waitMs, max_bytes: 1048576, partitions: Array.from({ length: 16 }, (_, p) => ({ topic_name: 'bench-idle-16', partition_id: p, offset: 0 })) });
  // Warm the topic cache first, as a consumer's earlier polls would have.
  await httpOk(single.replace(/max_wait_ms=\d+/, 'max_wait_ms=0'), { scope: 'setup' });
  await httpOk(`${base}/fetch`, { method: 'POST', body: many(0), headers: { 'content-type': 'application/json' }, scope: 'setup' });

  const [one, sixteen] = await Promise.all([
    httpOk(single, { scope: 'idle:1p' }),
    httpOk(`${base}/fetch`, { method: 'POST', body: many(budget.idleWaitMs), headers: { 'content-type': 'application/json' }, scope: 'idle:16p' }),
  ]);
  const result = (scope: string, partitions: number, route: string, empty: boolean): IdleResult => {
    const s = env.accounting.stats(scope);
    const get = s.dynamodb.GetItem ?? { requests: 0, billedRru: 0 };
    return {
      partitions,
      route,
      scope,
      waitMs: budget.idleWaitMs,
      getItems: get.requests,
      rru: Object.values(s.dynamodb).reduce((n, d) => n + d.billedRru, 0),
      handlerMs: s.http.handlerMs,
      answeredEmpty: empty,
    };
  };
  const waits = [
    result('idle:1p', 1, 'GET …/partitions/0/records', (JSON.parse(one.body.toString('utf8')) as { data: unknown[] }).data.length === 0),
    result('idle:16p', 16, 'POST /fetch', decodeFetchResponse(sixteen.body).every((p) => p.error_code === 0 && p.bytes === 0)),
  ];
  const polls = 10;
  for (let i = 0; i < polls; i++) await httpOk(single.replace(/max_wait_ms=\d+/, 'max_wait_ms=0'), { scope: 'idle:poll' });
  const p = env.accounting.stats('idle:poll');
  const poll: PollResult = {
    polls,
    getItemsPerPoll: (p.dynamodb.GetItem?.requests ?? 0) / polls,
    rruPerPoll: Object.values(p.dynamodb).reduce((n, d) => n + d.billedRru, 0) / polls,
    handlerMsPerPoll: p.http.handlerMs / polls,
  };
  return { waits, poll };
}
