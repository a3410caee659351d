import { describe, expect, it } from 'vitest';
import { createTopic } from '../../lib/broker/create-topic';
import { fetch } from '../../lib/broker/fetch';
import { produce } from '../../lib/broker/produce';
import { decodeRecordBatch } from '../../lib/log/record-batch';
import { testBroker, uniqueTopic } from '../support/broker';

const PRODUCERS = 8;
const RECORDS_EACH = 200;
const PER_REQUEST = 4;

describe('concurrent producers on one partition', () => {
  it(`${PRODUCERS} producers × ${RECORDS_EACH} records: offsets 0..${PRODUCERS * RECORDS_EACH - 1}, no gap, no duplicate, each ack holds its record`, async () => {
    const setup = testBroker();
    const topic = uniqueTopic('conc');
    await createTopic(setup.broker, { topicName: topic, partitionsCount: 1 });

    // Each producer has its own broker (own clients, as separate Lambda instances would).
    const acked = new Map<number, string>();
    await Promise.all(
      Array.from({ length: PRODUCERS }, async (_, p) => {
        const { broker } = testBroker();
        for (let i = 0; i < RECORDS_EACH; i += PER_REQUEST) {
          const values = Array.from({ length: PER_REQUEST }, (_, j) => `p${p}-r${i + j}`);
          const [result] = await produce(broker, [
            { topic, partition: 0, records: values.map((v) => ({ key: null, value: Buffer.from(v), headers: [], timestamp: Date.now() })) },
          ]);
          expect(result!.error).toBeUndefined();
          values.forEach((v, j) => {
            expect(acked.has(result!.baseOffset + j)).toBe(false);
            acked.set(result!.baseOffset + j, v);
          });
        }
      }),
    );

    const total = PRODUCERS * RECORDS_EACH;
    expect([...acked.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));

    const read = new Map<number, string>();
    for (let offset = 0; offset < total; ) {
      const res = await fetch(setup.broker, { topic, partition: 0, offset, maxBytes: 256 * 1024 });
      expect(res.highWatermark).toBe(total);
      for (const b of res.batches) for (const r of decodeRecordBatch(b).records) if (r.offset >= offset) read.set(r.offset, r.value!.toString());
      offset = Math.max(...read.keys()) + 1;
    }
    expect(read.size).toBe(total);
    for (const [offset, value] of acked) expect(read.get(offset)).toBe(value);
  });
});
