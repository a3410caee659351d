// The SDK consumer says its isolation level in its heartbeats; brook lag and brook groups
// --describe then show LOG-END-OFFSET and LAG to the last stable offset, as the consumer's own
// endOffsets() would; --isolation-level read_uncommitted shows them to the high watermark.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, uniqueTopic, type TestServer } from '../client/support';
import { cliFor, rows } from '../cli/helpers';

let server: TestServer;
let cli: ReturnType<typeof cliFor>;
beforeAll(async () => {
  server = await startTestServer();
  cli = cliFor(server.url);
});
afterAll(() => server.close());

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 20_000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (await ok()) return;
  throw new Error(`timed out waiting for ${what}`);
};

describe('lag of an SDK consumer group (read_committed by default) while a transaction is open', () => {
  it('brook lag and brook groups --describe measure to the last stable offset; --isolation-level overrides', async () => {
    const brook = server.brook();
    const topic = uniqueTopic('lag-rc');
    const group = uniqueTopic('lag-rc-g');
    await brook.admin().createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const plain = brook.producer();
    await plain.connect();
    await plain.send({ topic, messages: ['a', 'b', 'c'].map((value) => ({ partition: 0, value })) });
    const producer = brook.producer({ transactionalId: `lag-${topic}`, maxInFlightRequests: 1 });
    await producer.connect();
    const tx = await producer.transaction();
    await tx.send({ topic, messages: [0, 0, 1, 1].map((partition, i) => ({ partition, value: `t${i}` })) }); // p0: LSO 3, HW 5; p1: LSO 0, HW 2

    const consumer = brook.consumer({ groupId: group, heartbeatInterval: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ autoCommit: false, eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await until('the committed records', () => seen.length === 3);
    expect(seen).toEqual(['a', 'b', 'c']);
    await consumer.commitOffsets([{ topic, partition: 0, offset: '3' }]);

    try {
      const lag = rows((await cli('lag', '--group', group)).stdout);
      expect(lag[2]).toEqual(['TOPIC', 'PARTITION', 'STATUS', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'CLIENT-ID']);
      expect(lag[3]!.slice(0, 6)).toEqual([topic, '0', 'OK', '3', '3', '0']);
      const hw = rows((await cli('lag', '--group', group, '--isolation-level', 'read_uncommitted')).stdout);
      expect(hw[3]!.slice(0, 6)).toEqual([topic, '0', expect.any(String), '3', '5', '2']);
      expect(hw[1]![4]).toBe('2'); // TOTAL-LAG

      // p0 committed, p1 assigned without a commit: its LOG-END-OFFSET comes from ListOffsets at the member's level.
      const described = (await cli('groups', '--describe', '--group', group)).stdout;
      const byPartition = (out: string) => new Map(rows(out).filter((r) => r[1] === topic).map((r) => [r[2], r.slice(3, 6)]));
      expect(byPartition(described)).toEqual(new Map([['0', ['3', '3', '0']], ['1', ['-', '0', '-']]]));
      const describedHw = (await cli('groups', '--describe', '--group', group, '--isolation-level', 'read_uncommitted')).stdout;
      expect(byPartition(describedHw)).toEqual(new Map([['0', ['3', '5', '2']], ['1', ['-', '2', '-']]]));

      const bad = await cli('lag', '--group', group, '--isolation-level', 'committed');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/read_committed or read_uncommitted/);
    } finally {
      await consumer.disconnect();
      await tx.abort();
      await producer.disconnect();
      await plain.disconnect();
    }
  });
});
