/**
 * The raw floor Brook is measured against, on the same AWS clients in the same run:
 *  - produce: one PutObject of the very bytes Brook's object holds, then per partition one
 *    TransactWriteItems of the same shape as Brook's commit (update a head item, put an index
 *    item), unconditional, with no head read, validation, encoding or HTTP hop;
 *  - fetch: the same ranged GETs Brook's fetch makes for the same offsets (one per object, nearby
 *    ranges merged), with no head read, index Query or HTTP hop.
 */
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { coalesceRanges } from '../lib/storage/coalesce';
import { batchPk } from '../lib/metadata/keys';
import type { BatchIndexEntry } from '../lib/metadata/types';
import type { BenchEnv } from './harness';
import type { ProducePayload } from './payload';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How often the baseline's transactions collided (concurrent writers on one head item). */
export interface BaselineStats {
  transactionRetries: number;
}

export function produceBaselineOp(env: BenchEnv, payload: ProducePayload, cellId: string, stats: BaselineStats): () => Promise<number> {
  const { bucket, metadataTable, batchesTable } = env.config;
  let nextOffset = 0; // offsets from a local counter: the floor reads no head
  return async () => {
    const objectKey = `baseline/${randomUUID()}`;
    await env.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey, Body: payload.segment, ContentType: 'application/vnd.kafka.record-batches' }));
    const now = Date.now();
    let byteStart = 0;
    await Promise.all(
      payload.parts.map(async (p) => {
        const baseOffset = nextOffset;
        nextOffset += p.records;
        const start = byteStart;
        byteStart += p.bytes;
        const pk = `bench-baseline#${cellId}#${p.partition}`;
        const command = new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: metadataTable,
                Key: { pk, sk: 'head' },
                UpdateExpression: 'SET lastAppendTime = :now ADD nextOffset :n',
                ExpressionAttributeValues: { ':now': now, ':n': p.records },
              },
            },
            {
              Put: {
                TableName: batchesTable,
                Item: {
                  pk,
                  lastOffset: baseOffset + p.records - 1,
                  baseOffset,
                  recordCount: p.records,
                  objectKey,
                  byteStart: start,
                  byteLength: p.bytes,
                  baseTimestamp: now,
                  maxTimestamp: now,
                  appendTime: now,
                },
              },
            },
          ],
        });
        // Concurrent transactions on one head item collide even without conditions; resend.
        for (let attempt = 0; ; attempt++) {
          try {
            await env.clients.ddb.send(command);
            return;
          } catch (err) {
            const name = (err as Error).name;
            if (attempt >= 50 || (name !== 'TransactionCanceledException' && name !== 'TransactionConflictException')) throw err;
            stats.transactionRetries++;
            await sleep(Math.random() * Math.min(100, 2 ** attempt));
          }
        }
      }),
    );
    return payload.payloadBytes;
  };
}

/** One fetch of a consumer reading from `offset`: the index entries Brook returns for it. */
export interface FetchStep {
  offset: number;
  entries: BatchIndexEntry[];
  bytes: number;
}

/** Brook's own rule (lib/broker/fetch.ts): up to 64 index entries, up to maxBytes, at least one. */
const INDEX_PAGE = 64;

/** The whole index of a partition, then the sequence of fetches that reads it from offset 0. */
export async function planFetches(env: BenchEnv, topicId: string, partition: number, maxBytes: number): Promise<FetchStep[]> {
  const entries: BatchIndexEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await env.clients.ddb.send(
      new QueryCommand({
        TableName: env.config.batchesTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': batchPk(topicId, partition) },
        ExclusiveStartKey: start,
      }),
    );
    entries.push(...((out.Items ?? []) as BatchIndexEntry[]));
    start = out.LastEvaluatedKey;
  } while (start);
  const steps: FetchStep[] = [];
  for (let i = 0; i < entries.length; ) {
    const page = entries.slice(i, i + INDEX_PAGE);
    const picked: BatchIndexEntry[] = [];
    let bytes = 0;
    for (const e of page) {
      if (picked.length > 0 && bytes + e.byteLength > maxBytes) break;
      picked.push(e);
      bytes += e.byteLength;
    }
    steps.push({ offset: picked[0]!.baseOffset, entries: picked, bytes });
    i += picked.length;
  }
  return steps;
}

/** The raw reads of one fetch step: per object, its coalesced ranges, all in parallel. */
export function rawFetchOp(env: BenchEnv, step: FetchStep): () => Promise<number> {
  const byObject = new Map<string, BatchIndexEntry[]>();
  for (const e of step.entries) byObject.set(e.objectKey, [...(byObject.get(e.objectKey) ?? []), e]);
  const gets = [...byObject].flatMap(([key, list]) => coalesceRanges(list.map((e) => ({ start: e.byteStart, length: e.byteLength }))).map((span) => ({ key, span })));
  return async () => {
    const bodies = await Promise.all(
      gets.map(async ({ key, span }) => {
        const out = await env.clients.s3.send(
          new GetObjectCommand({ Bucket: env.config.bucket, Key: key, Range: `bytes=${span.start}-${span.start + span.length - 1}` }),
        );
        return (await out.Body!.transformToByteArray()).length;
      }),
    );
    return bodies.reduce((n, b) => n + b, 0);
  };
}
