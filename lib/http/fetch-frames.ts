import { BrookError } from '../errors';

/**
 * The answer of Brook's multi-partition fetch (`POST /v3/clusters/{id}/fetch`, content type
 * application/vnd.brook.fetch): the SDK's read path, Kafka's FetchResponse over HTTP.
 *   metadataLength int32 | metadata JSON (UTF-8) | batches of partition 0 | batches of partition 1 | …
 * The metadata lists every partition asked for, in order, with its offsets, error and the number
 * of batch bytes that follow for it (0 when it has none).
 */
export interface FetchPartitionMeta {
  topic_name: string;
  partition_id: number;
  error_code: number; // Kafka's, 0 = none
  error_name?: string;
  message?: string;
  high_watermark: number;
  log_start_offset: number;
  /** Where the next fetch of this partition starts (past compaction gaps); absent on errors. */
  next_offset?: number;
  bytes: number;
}

export interface FetchPartitionData extends FetchPartitionMeta {
  batches: Buffer;
}

export function encodeFetchResponse(parts: FetchPartitionData[]): Buffer {
  const meta = Buffer.from(JSON.stringify({ partitions: parts.map(({ batches, ...m }) => ({ ...m, bytes: batches.length })) }), 'utf8');
  const head = Buffer.alloc(4);
  head.writeInt32BE(meta.length, 0);
  return Buffer.concat([head, meta, ...parts.map((p) => p.batches)]);
}

export function decodeFetchResponse(body: Buffer): FetchPartitionData[] {
  if (body.length < 4) throw new BrookError('CORRUPT_MESSAGE', 'Fetch response is truncated.');
  const metaLength = body.readInt32BE(0);
  if (metaLength < 0 || 4 + metaLength > body.length) throw new BrookError('CORRUPT_MESSAGE', 'Fetch response metadata is truncated.');
  const { partitions } = JSON.parse(body.toString('utf8', 4, 4 + metaLength)) as { partitions: FetchPartitionMeta[] };
  let at = 4 + metaLength;
  return partitions.map((p) => {
    const batches = body.subarray(at, at + p.bytes);
    if (batches.length !== p.bytes) throw new BrookError('CORRUPT_MESSAGE', 'Fetch response batches are truncated.');
    at += p.bytes;
    return { ...p, batches };
  });
}
