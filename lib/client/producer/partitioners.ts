// Partition choice: an explicit partition, else the partitioner. The default partitioner hashes
// keys with murmur2 exactly as the Java client and kafkajs's DefaultPartitioner do; keyless
// records stick to one partition per batch (the Java UniformStickyPartitioner), which the
// producer does itself because it needs to know when a batch is complete.
import { partitionForKey } from '../../log/partitioner';
import type { PartitionMetadata } from '../admin';
import type { Message } from './messages';

export interface PartitionerArgs {
  topic: string;
  partitionMetadata: PartitionMetadata[];
  message: Message;
}

/** kafkajs's signature: a factory returning the function that picks a partition. */
export type ICustomPartitioner = () => (args: PartitionerArgs) => number;

export const keyBytes = (key: Message['key']) => (key === null || key === undefined ? null : Buffer.isBuffer(key) ? key : Buffer.from(key));

/** murmur2 for keyed messages; keyless ones get a random partition when used outside the producer. */
const DefaultPartitioner: ICustomPartitioner = () => ({ partitionMetadata, message }) => {
  const key = keyBytes(message.key);
  const count = partitionMetadata.length;
  return key ? partitionForKey(key, count) : Math.floor(Math.random() * count);
};

export const Partitioners = { DefaultPartitioner, JavaCompatiblePartitioner: DefaultPartitioner };
