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
  /**
   * The high watermark: every offset below it is published (or given up, see RFC 0003), so a
   * reader may read up to it and never sees a record appear below it later.
   */
  nextOffset: number;
  /** Offsets handed out so far (the reserve protocol's counter); ≥ nextOffset. */
  reservedEnd: number;
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
  /**
   * A reserved range its writer gave up (a duplicate, a refused or failed publish): no bytes,
   * offsets a reader steps over (RFC 0003). objectKey is empty.
   */
  placeholder?: boolean;
  /** When the range was reserved (the reserve protocol): the age of any gap before it is at least now − reservedAt. */
  reservedAt?: number;
}
