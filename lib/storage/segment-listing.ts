import { DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Broker } from '../broker/context';

export interface SegmentObject {
  key: string;
  lastModified: number;
  size: number;
}

/** Every segment object, page by page (1,000 keys per LIST). */
export async function* listSegments(broker: Broker): AsyncGenerator<SegmentObject[]> {
  let token: string | undefined;
  do {
    const out = await broker.clients.s3.send(
      new ListObjectsV2Command({ Bucket: broker.config.bucket, Prefix: 'segments/', ContinuationToken: token }),
    );
    yield (out.Contents ?? []).map((o) => ({ key: o.Key!, lastModified: o.LastModified!.getTime(), size: o.Size ?? 0 }));
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
}

/** Delete objects, 1,000 per request. */
export async function deleteSegments(broker: Broker, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    await broker.clients.s3.send(
      new DeleteObjectsCommand({ Bucket: broker.config.bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }),
    );
  }
}
