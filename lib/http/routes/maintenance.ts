import { z } from '@hono/zod-openapi';
import type { BrookApp } from '../app';
import { deleteRecords } from '../../broker/delete-records';
import { PartitionParams } from '../schemas';
import { brookRoute, jsonBody } from './route';

const DeleteRecordsSchema = z.object({ offset: z.number().int().min(-1) }).openapi('DeleteRecordsRequest');

/** Kafka's DeleteRecords: advance a partition's log start offset. */
export function registerMaintenanceRoutes(app: BrookApp): void {
  app.openapi(
    brookRoute('admin', {
      method: 'post',
      path: '/v3/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}/records:delete',
      summary: 'Delete every record below an offset (-1: the high watermark), as kafka-delete-records.sh does',
      request: { params: PartitionParams, ...jsonBody(DeleteRecordsSchema) },
    }),
    async (c) => {
      const { topic_name, partition_id } = c.req.valid('param');
      const { lowWatermark } = await deleteRecords(c.var.broker, topic_name, partition_id, c.req.valid('json').offset);
      return c.json({ kind: 'BrookDeleteRecordsResult', topic_name, partition_id, low_watermark: lowWatermark }, 200);
    },
  );
}
