import { BrookError } from '../errors';

/**
 * The body of Brook's binary produce (`POST /v3/clusters/{id}/batches`, content type
 * application/vnd.brook.batches): a sequence of frames, one per partition,
 *   topicLength int16 | topic UTF-8 | partition int32 | length int32 | record batches (v2)
 * so one HTTP request (and one S3 object) carries every ready partition of a producer.
 */
export interface BatchFrame {
  topic: string;
  partition: number;
  batches: Buffer;
}

export function encodeFrames(frames: BatchFrame[]): Buffer {
  return Buffer.concat(
    frames.flatMap((f) => {
      const topic = Buffer.from(f.topic, 'utf8');
      const head = Buffer.alloc(10 + topic.length);
      head.writeInt16BE(topic.length, 0);
      topic.copy(head, 2);
      head.writeInt32BE(f.partition, 2 + topic.length);
      head.writeInt32BE(f.batches.length, 6 + topic.length);
      return [head, f.batches];
    }),
  );
}

export function decodeFrames(body: Buffer): BatchFrame[] {
  const frames: BatchFrame[] = [];
  const bad = (why: string) => new BrookError('CORRUPT_MESSAGE', `Malformed batch frames at byte ${at}: ${why}.`);
  let at = 0;
  while (at < body.length) {
    if (body.length - at < 2) throw bad('truncated topic length');
    const topicLength = body.readInt16BE(at);
    if (topicLength <= 0 || at + 2 + topicLength + 8 > body.length) throw bad('bad topic length or truncated frame');
    const topic = body.toString('utf8', at + 2, at + 2 + topicLength);
    const partition = body.readInt32BE(at + 2 + topicLength);
    const length = body.readInt32BE(at + 6 + topicLength);
    const start = at + 10 + topicLength;
    if (length <= 0 || start + length > body.length) throw bad(`batch length ${length} runs past the body`);
    frames.push({ topic, partition, batches: body.subarray(start, start + length) });
    at = start + length;
  }
  if (frames.length === 0) throw new BrookError('INVALID_REQUEST', 'The request body holds no batch frames.');
  return frames;
}
