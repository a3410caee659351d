// Brook's public exports: the TypeScript SDK (kafkajs-shaped) and the record batch codecs it uses.
export { Brook, type BrookClientConfig } from './client/brook';
export { Producer, type ProducerConfig, type ProducerRecord, type ProducerBatchRequest } from './client/producer/producer';
export type { Message, RecordMetadata, IHeaders as ProducerHeaders } from './client/producer/messages';
export { Partitioners, type ICustomPartitioner, type PartitionerArgs } from './client/producer/partitioners';
export { Consumer, type ConsumerConfig, type TopicPartitions } from './client/consumer/consumer';
export type { ConsumerRunConfig, EachMessagePayload, EachBatchPayload, UncommittedOffsets } from './client/consumer/delivery';
export {
  PartitionAssigners,
  type RebalanceListener,
  type TopicPartition,
  type TopicPartitionOffset,
  type TopicPartitionOffsetAndMetadata,
  type OffsetReset,
  type ServerAssignor,
} from './client/consumer/options';
export { KafkaJSNoOffsetForPartition } from './client/consumer/offsets';
export {
  KafkaJSDeleteGroupsError,
  type GroupOverview,
  type GroupDescription,
  type MemberDescription,
  type ConsumerGroupState,
  type GroupLag,
  type GroupLagPartition,
} from './client/consumer/group-admin';
export type { Batch, KafkaMessage, IHeaders } from './client/consumer/messages';
export { Admin, type ITopicConfig, type PartitionMetadata, type PartitionOffset } from './client/admin';
export {
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
  KafkaJSOffsetOutOfRange,
  KafkaJSConnectionError,
  KafkaJSRequestTimeoutError,
  KafkaJSNumberOfRetriesExceeded,
} from './client/errors';
export type { RetryOptions } from './client/retry';
export type { Logger } from './client/logger';
export type { Credentials } from './client/signer';
export { CompressionTypes, type CompressionType } from './log/compression';
