import { z } from '@hono/zod-openapi';
import type { BrookApp } from '../app';
import { fetch, DEFAULT_MAX_BYTES, DEFAULT_MAX_WAIT_MS } from '../../broker/fetch';
import { listOffsets, offsetForTimestamp } from '../../broker/list-offsets';
import { decodeRecordBatch } from '../../log/record-batch';
import { fromBytes } from '../record-data';
import { intQuery, IsolationLevelQuery, PartitionParams } from '../schemas';
import { brookRoute } from './route';

export const RECORD_BATCHES_CONTENT_TYPE = 'application/vnd.kafka.record-batches';
/** Lambda answers at most 6 MB, and binary answers travel base64-encoded through API Gateway. */
export const MAX_FETCH_BYTES = 4 * 1024 * 1024;
/** A fetch may wait at most this long: API Gateway stops a request at 30 s. */
export const MAX_WAIT_LIMIT_MS = 20_000;

const FetchQuery = z.object({
  offset: intQuery(),
  max_bytes: intQuery(MAX_FETCH_BYTES).optional(),
  max_wait_ms: intQuery(MAX_WAIT_LIMIT_MS).optional(),
  key_format: z.enum(['BINARY', 'STRING', 'JSON']).optional(),
  value_format: z.enum(['BINARY', 'STRING', 'JSON']).optional(),
  isolation_level: IsolationLevelQuery,
});

const partitionPath = '/v3/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}';

/** Fetch (Brook's own, JSON or raw batches) and list offsets (earliest, latest, by timestamp). */
export function registerFetchRoutes(app: BrookApp): void {
  app.openapi(
    brookRoute('fetch', {
      method: 'get',
      path: `${partitionPath}/records`,
      summary: `Fetch records from an offset; with Accept: ${RECORD_BATCHES_CONTENT_TYPE}, whole Kafka v2 batches`,
      request: { params: PartitionParams, query: FetchQuery },
    }),
    async (c) => {
      const { topic_name, partition_id } = c.req.valid('param');
      const q = c.req.valid('query');
      const result = await fetch(c.var.broker, {
        topic: topic_name,
        partition: partition_id,
        offset: q.offset,
        maxBytes: q.max_bytes ?? DEFAULT_MAX_BYTES,
        maxWaitMs: q.max_wait_ms ?? DEFAULT_MAX_WAIT_MS,
        isolationLevel: q.isolation_level,
      });
      const headers: Record<string, string> = {
        'Brook-High-Watermark': String(result.highWatermark),
        'Brook-Log-Start-Offset': String(result.logStartOffset),
        'Brook-Next-Offset': String(result.nextOffset),
      };
      if (result.lastStableOffset !== undefined) headers['Brook-Last-Stable-Offset'] = String(result.lastStableOffset);
      if ((c.req.header('accept') ?? '').includes(RECORD_BATCHES_CONTENT_TYPE)) {
        return c.body(new Uint8Array(Buffer.concat(result.batches)), 200, { ...headers, 'Content-Type': RECORD_BATCHES_CONTENT_TYPE }) as never;
      }
      // The first batch may start before the fetch offset: records below it are skipped here,
      // as a Kafka client skips them. Transaction markers (control batches) are never JSON records.
      const records = result.batches
        .map((b) => decodeRecordBatch(b))
        .flatMap((d) => (d.header.isControlBatch ? [] : d.records))
        .filter((r) => r.offset >= q.offset)
        .map((r) => ({
          partition_id,
          offset: r.offset,
          timestamp: new Date(r.timestamp).toISOString(),
          key: fromBytes(r.key, q.key_format ?? 'BINARY'),
          value: fromBytes(r.value, q.value_format ?? 'BINARY'),
          headers: r.headers.map((h) => ({ name: h.key, value: h.value === null ? null : h.value.toString('base64') })),
        }));
      return c.json(
        {
          kind: 'KafkaRecordList',
          metadata: { self: c.req.url, next: null },
          cluster_id: c.var.broker.config.clusterId,
          topic_name,
          partition_id,
          high_watermark: result.highWatermark,
          log_start_offset: result.logStartOffset,
          next_offset: result.nextOffset,
          ...(result.lastStableOffset === undefined ? {} : { last_stable_offset: result.lastStableOffset }),
          data: records,
        },
        200,
        headers,
      );
    },
  );

  app.openapi(
    brookRoute('fetch', {
      method: 'get',
      path: `${partitionPath}/offset`,
      summary: 'Earliest and latest offsets (latest: the last stable offset for isolation_level=read_committed); with ?timestamp=ms also the first offset at or after it (offsetsForTimes)',
      request: { params: PartitionParams, query: z.object({ timestamp: intQuery().optional(), isolation_level: IsolationLevelQuery }) },
    }),
    async (c) => {
      const { topic_name, partition_id } = c.req.valid('param');
      const { timestamp, isolation_level: isolation } = c.req.valid('query');
      const offsets = await listOffsets(c.var.broker, topic_name, partition_id, isolation);
      const forTime = timestamp === undefined ? undefined : await offsetForTimestamp(c.var.broker, topic_name, partition_id, timestamp, isolation);
      return c.json(
        {
          ...c.var.resources.partition(topic_name, partition_id),
          kind: 'KafkaPartitionWithOffsets',
          earliest_offset: offsets.earliestOffset,
          latest_offset: offsets.latestOffset,
          ...(timestamp === undefined
            ? {}
            : { timestamp, timestamp_offset: forTime?.offset ?? -1, timestamp_offset_timestamp: forTime ? new Date(forTime.timestamp).toISOString() : null }),
        },
        200,
      );
    },
  );
}
