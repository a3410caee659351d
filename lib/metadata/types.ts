/** The items Brook keeps in DynamoDB, by the Kafka names of what they hold. */
export interface TopicItem {
  topicName: string;
  topicId: string;
  partitionsCount: number;
  configs: Record<string, string>;
  createdAt: number;
}

export interface PartitionHead {
  topicId: string;
  partition: number;
  /** The offset the next record gets: Kafka's log end offset and (no transactions yet) high watermark. */
  nextOffset: number;
  /** The first offset still readable; advanced by retention and DeleteRecords. */
  logStartOffset: number;
  /** Fences writers that read the head before an event that rewrote the partition's history. */
  leaderEpoch: number;
}

/** One index item: a byte range of an S3 object holding one or more whole batches of a partition. */
export interface BatchIndexEntry {
  baseOffset: number;
  lastOffset: number;
  recordCount: number;
  objectKey: string;
  byteStart: number;
  byteLength: number;
  baseTimestamp: number;
  maxTimestamp: number;
  appendTime: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  /** The stored batches carry their real base offsets (compacted logs have gaps); nothing to patch. */
  absoluteOffsets?: boolean;
}
