import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from '../../lib/index';
import { startTestServer, uniqueTopic, type TestServer } from '../client/support';

// Short group timings: the server reads them from the environment (lib/groups/settings.ts).
process.env.BROOK_GROUP_MIN_SESSION_TIMEOUT_MS = '300';
process.env.BROOK_GROUP_HEARTBEAT_INTERVAL_MS = '100';

let server: TestServer;
let admin: Admin;
beforeAll(async () => {
  server = await startTestServer();
  admin = server.brook().admin();
});
afterAll(() => server.close());

/** Read a topic to its end with an SDK consumer (no group) and return the values. */
async function readAll(topic: string, expected: number, readUncommitted = false): Promise<string[]> {
  const consumer = server.brook().consumer({ readUncommitted, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 8_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!.toString());
        if (seen.length >= expected) {
          clearTimeout(timer);
          setTimeout(resolve, 300); // give a duplicate the chance to show up
        }
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

describe('exactly-once consume-transform-produce (the README example)', () => {
  it('a loop that crashes mid-transaction and restarts writes each input once', async () => {
    const input = uniqueTopic('eos-in');
    const output = uniqueTopic('eos-out');
    const group = `eos-${input}`;
    await admin.createTopics({ topics: [{ topic: input, numPartitions: 1 }, { topic: output, numPartitions: 2 }] });
    const seed = server.brook().producer();
    await seed.connect();
    await seed.send({ topic: input, messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await seed.disconnect();

    /** One run of the loop; `crashAt` aborts the transaction of that offset and stops, as a crash would. */
    const run = async (crashAt?: number) => {
      const producer = server.brook().producer({ transactionalId: `eos-${input}`, maxInFlightRequests: 1 });
      await producer.connect();
      const consumer = server.brook().consumer({ groupId: group, autoOffsetReset: 'earliest', sessionTimeout: 3_000 });
      await consumer.connect();
      await consumer.subscribe({ topic: input });
      let crashed = false;
      await new Promise<void>((resolve, reject) => {
        void consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ topic, partition, message }) => {
              if (crashed) return; // a crashed process processes nothing more
              const tx = await producer.transaction();
              await tx.send({ topic: output, messages: [{ key: message.key, value: message.value!.toString().toUpperCase() }] });
              await tx.sendOffsets({ consumerGroupId: group, topics: [{ topic, partitions: [{ partition, offset: String(Number(message.offset) + 1) }] }] });
              if (Number(message.offset) === crashAt) {
                await tx.abort();
                crashed = true;
                resolve();
                return;
              }
              await tx.commit();
              if (Number(message.offset) === 19) resolve();
            },
          })
          .catch(reject);
      });
      await consumer.stop().catch(() => undefined);
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect();
    };

    await run(10); // offsets 0–9 committed with their outputs; 10 aborted
    await run(); // resumes at the committed offset 10

    const committed = await readAll(output, 20);
    expect(committed.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `V${i}`).sort());
    // The aborted attempt is in the log, visible only to read_uncommitted readers.
    const everything = await readAll(output, 21, true);
    expect(everything.filter((v) => v === 'V10')).toHaveLength(2);
  }, 120_000);
});
