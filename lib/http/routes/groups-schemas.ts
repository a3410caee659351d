import { z } from '@hono/zod-openapi';
import { ClusterParams, IsolationLevelQuery } from '../schemas';

/** Request shapes of the consumer group routes (docs/GROUPS.md). Unknown fields are refused, so a misspelt one is a 400, not ignored. */
export const GroupParams = ClusterParams.extend({ consumer_group_id: z.string() });
export const ConsumerParams = GroupParams.extend({ consumer_id: z.string() });
/** The lag routes' `isolation_level`: which end lag is measured to; absent, the members' own (docs/GROUPS.md). */
export const LagQuery = z.object({ isolation_level: IsolationLevelQuery });
export const GroupLagParams = GroupParams.extend({
  topic_name: z.string(),
  partition_id: z.coerce.number().int().min(0).openapi({ param: { name: 'partition_id', in: 'path' }, type: 'integer' }),
});

const TopicPartitions = z.strictObject({ topic_name: z.string(), partitions: z.array(z.number().int().min(0)).max(100_000) });

export const HeartbeatSchema = z
  .strictObject({
    member_id: z.string().max(64).optional(),
    member_epoch: z.number().int(),
    instance_id: z.string().nullable().optional(),
    client_id: z.string().max(255).optional(),
    rebalance_timeout_ms: z.number().int().optional(),
    session_timeout_ms: z.number().int().optional(),
    subscribed_topic_names: z.array(z.string()).max(10_000).nullable().optional(),
    subscribed_topic_regex: z.string().nullable().optional(),
    server_assignor: z.string().nullable().optional(),
    owned_partitions: z.array(TopicPartitions).nullable().optional(),
    isolation_level: z.enum(['read_uncommitted', 'read_committed']).optional(),
  })
  .openapi('ConsumerGroupHeartbeatRequest');
export type HeartbeatBody = z.infer<typeof HeartbeatSchema>;

export const CommitSchema = z
  .strictObject({
    member_id: z.string().max(64).optional(),
    member_epoch: z.number().int().optional(),
    offsets: z
      .array(
        z.strictObject({
          topic_name: z.string(),
          partition_id: z.number().int().min(0),
          offset: z.number().int().min(0),
          metadata: z.string().nullable().optional(),
        }),
      )
      .min(1),
  })
  .openapi('OffsetCommitRequest');

export const ResetSchema = z
  .strictObject({
    topics: z.array(z.strictObject({ topic_name: z.string(), partitions: z.array(z.number().int().min(0)).optional() })).optional(),
    all_topics: z.boolean().optional(),
    to_earliest: z.literal(true).optional(),
    to_latest: z.literal(true).optional(),
    to_datetime: z.union([z.iso.datetime({ offset: true }), z.number().int().min(0)]).optional(),
    shift_by: z.number().int().optional(),
    to_offset: z.number().int().min(0).optional(),
    execute: z.boolean().optional(),
  })
  .openapi('ResetOffsetsRequest');
export type ResetBody = z.infer<typeof ResetSchema>;

export const OffsetsQuery = z.object({
  topics: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+(,[a-zA-Z0-9._-]+)*$/, 'must be topic names separated by commas')
    .optional(),
});
