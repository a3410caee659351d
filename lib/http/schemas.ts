import { z } from '@hono/zod-openapi';

/** Request and response shapes shared by the routes, in the Confluent REST Proxy v3 vocabulary. */
export const ErrorSchema = z
  .object({
    error_code: z.number().int(),
    message: z.string(),
    error_name: z.string(),
    kafka_error_code: z.number().int(),
    retriable: z.boolean(),
  })
  .openapi('Error');

export const RecordDataSchema = z
  .object({ type: z.enum(['BINARY', 'JSON', 'STRING']).optional(), data: z.any().optional() })
  .openapi('ProduceRequestData');

export const HeaderSchema = z.object({ name: z.string(), value: z.string().nullable().optional() });

export const ProduceRecordSchema = z
  .object({
    partition_id: z.number().int().min(0).nullable().optional(),
    headers: z.array(HeaderSchema).optional(),
    key: RecordDataSchema.nullable().optional(),
    value: RecordDataSchema.nullable().optional(),
    timestamp: z.union([z.iso.datetime({ offset: true }), z.number().int().min(0)]).nullable().optional(),
  })
  .openapi('ProduceRequest');
export type ProduceRecordBody = z.infer<typeof ProduceRecordSchema>;

export const BatchEntrySchema = ProduceRecordSchema.extend({ id: z.string().min(1).max(80) }).openapi('ProduceBatchRequestEntry');
export const ProduceBatchSchema = z.object({ entries: z.array(BatchEntrySchema) }).openapi('ProduceBatchRequest');

export const ConfigEntrySchema = z.object({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean()]).nullable() });

export const CreateTopicSchema = z
  .object({
    topic_name: z.string(),
    partitions_count: z.number().int().optional(),
    replication_factor: z.number().int().optional(),
    configs: z.array(ConfigEntrySchema).optional(),
    validate_only: z.boolean().optional(),
  })
  .openapi('CreateTopicRequest');

export const UpdateTopicSchema = z.object({ partitions_count: z.number().int() }).openapi('UpdatePartitionCountRequest');

export const ClusterParams = z.object({ cluster_id: z.string() });
export const TopicParams = ClusterParams.extend({ topic_name: z.string() });
export const PartitionParams = TopicParams.extend({
  // Digits only: "0x1", "1e0" or " 1" are not partition 1.
  partition_id: z
    .string()
    .regex(/^\d{1,9}$/, 'must be a partition number (digits only)')
    .transform(Number)
    .openapi({ param: { name: 'partition_id', in: 'path' }, type: 'integer' }),
});

/** A non-negative integer query parameter (offsets, sizes, waits). */
export const intQuery = (max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a non-negative integer')
    .transform(Number)
    .refine((n) => n <= max, `must be at most ${max}`);

/** Kafka's isolation.level as a query parameter (fetch, list offsets, group lag); absent: the route's default. */
export const IsolationLevelQuery = z.enum(['read_uncommitted', 'read_committed']).optional();

export const AnyResource = z.record(z.string(), z.any());
