import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Broker } from '../broker/context';
import { BrookError } from '../errors';
import { coalesceRanges, type ByteRange } from './coalesce';

/**
 * Segment objects: one immutable object per produce request, holding every partition's batches
 * back to back. Keys are random so a retried request never overwrites committed bytes and S3 can
 * spread the key space over its partitions.
 */
export const newSegmentKey = () => `segments/${randomUUID()}`;

export async function putSegment(broker: Broker, key: string, body: Buffer): Promise<void> {
  try {
    await broker.clients.s3.send(
      new PutObjectCommand({ Bucket: broker.config.bucket, Key: key, Body: body, ContentType: 'application/vnd.kafka.record-batches' }),
    );
  } catch (err) {
    throw new BrookError('KAFKA_STORAGE_ERROR', `Writing to S3 failed (${(err as Error).name}); no record was written, retry the request.`, { cause: err });
  }
}

/** The object is gone: retention or a merge replaced it after the index was read. Re-read and retry. */
export class SegmentMissingError extends BrookError {
  constructor(key: string) {
    super('KAFKA_STORAGE_ERROR', `Segment ${key} was removed while it was being read; retry the fetch.`);
  }
}

/**
 * Read byte ranges of one object with as few ranged GETs as possible: adjacent or nearby ranges
 * are merged into one GET and cut apart afterwards. Returns the bytes in the order asked.
 */
export async function readRanges(broker: Broker, key: string, ranges: ByteRange[]): Promise<Buffer[]> {
  const spans = coalesceRanges(ranges);
  const fetched = await Promise.all(
    spans.map(async (span) => {
      try {
        const out = await broker.clients.s3.send(
          new GetObjectCommand({ Bucket: broker.config.bucket, Key: key, Range: `bytes=${span.start}-${span.start + span.length - 1}` }),
        );
        const body = Buffer.from(await out.Body!.transformToByteArray());
        if (body.length !== span.length) throw new Error(`short read: ${body.length} of ${span.length} bytes`);
        return { span, body };
      } catch (err) {
        if ((err as Error).name === 'NoSuchKey') throw new SegmentMissingError(key);
        throw new BrookError('KAFKA_STORAGE_ERROR', `Reading ${key} from S3 failed (${(err as Error).message}); retry the fetch.`, { cause: err });
      }
    }),
  );
  return ranges.map((r) => {
    const { span, body } = fetched.find(({ span: s }) => r.start >= s.start && r.start + r.length <= s.start + s.length)!;
    return body.subarray(r.start - span.start, r.start - span.start + r.length);
  });
}
