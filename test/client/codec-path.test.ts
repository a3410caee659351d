// The SDK's own compression path without a server: what the producer puts on the wire for each
// codec, read back the way the consumer reads a fetch answer.
import { describe, expect, it } from 'vitest';
import { decodeFetchResponse, encodeFetchResponse } from '../../lib/http/fetch-frames';
import { decodeFrames } from '../../lib/http/batch-frames';
import { decodeBatches } from '../../lib/client/consumer/fetcher';
import { toMessages } from '../../lib/client/consumer/messages';
import { supportsCodec } from '../../lib/log/compression';
import { Brook, CompressionTypes } from '../../lib/index';
import { quiet } from './support';

/** A fetch standing in for the server: it keeps the produce bodies and acknowledges them. */
function fakeServer() {
  const bodies: Buffer[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const path = new URL(String(input)).pathname;
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200 });
    if (path.endsWith('/producers')) return json({ producer_id: 7, producer_epoch: 0 });
    if (path.endsWith('/topics/t')) return json({ topic_name: 't', partitions_count: 2 });
    if (path.endsWith('/batches')) {
      const body = Buffer.from(init!.body as Uint8Array);
      bodies.push(body);
      return json({ data: decodeFrames(body).map((f) => ({ topic_name: f.topic, partition_id: f.partition, error_code: 0, error: null, base_offset: 0, log_append_time: -1 })) });
    }
    return new Response('{}', { status: 404 });
  };
  return { fetch, bodies };
}

describe('compressed batches from the producer to the consumer', () => {
  for (const [name, codec] of Object.entries(CompressionTypes)) {
    it.skipIf(!supportsCodec(codec, 'compress'))(`${name}`, async () => {
      const server = fakeServer();
      const producer = new Brook({ url: 'http://brook.test', clusterId: 'c', fetch: server.fetch, logger: quiet }).producer({ lingerMs: 1 });
      await producer.connect();
      const messages = Array.from({ length: 50 }, (_, i) => ({ partition: i % 2, key: `k${i}`, value: `value ${i} `.repeat(10), headers: { n: String(i) } }));
      await producer.send({ topic: 't', compression: codec, messages });
      await producer.disconnect();

      const frames = server.bodies.flatMap(decodeFrames);
      expect(frames.map((f) => f.partition).sort()).toEqual([0, 1]);
      // Through the fetch answer's framing, as the consumer gets it.
      const answer = encodeFetchResponse(
        frames.map((f) => ({ topic_name: f.topic, partition_id: f.partition, error_code: 0, high_watermark: 25, log_start_offset: 0, bytes: 0, batches: f.batches })),
      );
      for (const part of decodeFetchResponse(answer)) {
        const batches = decodeBatches(part.batches);
        expect(batches.map((b) => [b.header.compression, b.header.producerId, b.header.baseSequence])).toEqual([[codec, 7, 0]]);
        const got = toMessages(batches, 0).map((m) => [m.key!.toString(), m.value!.toString(), m.headers.n!.toString()]);
        expect(got).toEqual(messages.filter((m) => m.partition === part.partition_id).map((m) => [m.key, m.value, m.headers.n]));
      }
    });
  }

  it('skips records below the fetch offset and control batches', async () => {
    const server = fakeServer();
    const producer = new Brook({ url: 'http://brook.test', clusterId: 'c', fetch: server.fetch, logger: quiet }).producer({ lingerMs: 1 });
    await producer.connect();
    await producer.send({ topic: 't', compression: CompressionTypes.GZIP, messages: ['a', 'b', 'c'].map((value) => ({ partition: 0, value })) });
    await producer.disconnect();
    const batches = decodeBatches(decodeFrames(server.bodies[0]!)[0]!.batches);
    expect(toMessages(batches, 1).map((m) => [m.offset, m.value!.toString()])).toEqual([
      ['1', 'b'],
      ['2', 'c'],
    ]);
    expect(toMessages([{ ...batches[0]!, header: { ...batches[0]!.header, isControlBatch: true } }], 0)).toEqual([]);
  });
});
