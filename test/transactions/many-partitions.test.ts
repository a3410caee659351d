import { describe, expect, it } from 'vitest';
import { testBroker } from '../support/broker';
import { txnClient } from './helpers';

/** Transactions past one DynamoDB transaction's 100 items: completion in chunks (docs/rfcs/0002-transactions.md). */
const PARTITIONS = 60;
const all = Array.from({ length: PARTITIONS }, (_, i) => i);

async function writeEverywhere(tx: ReturnType<typeof txnClient>, topic: string, tag: string) {
  const p = await tx.init();
  expect((await tx.add(p, all.map((i) => [topic, i]))).status).toBe(200);
  const sent = await tx.send(p, topic, Object.fromEntries(all.map((i) => [i, [`${tag}-${i}`]])));
  expect(sent.status, sent.text).toBe(200);
  return p;
}

const committedValues = async (tx: ReturnType<typeof txnClient>, topic: string) =>
  (await Promise.all(all.map((i) => tx.read(topic, i, 'read_committed')))).flatMap((r) => r.values);

describe(`a transaction over ${PARTITIONS} partitions`, () => {
  it('commits in chunks: every partition gets its one marker and every record shows', async () => {
    const t = testBroker();
    const tx = txnClient(t);
    const topic = await tx.topic(PARTITIONS);
    const p = await writeEverywhere(tx, topic, 'c');
    expect(await committedValues(tx, topic)).toEqual([]);
    t.counter.reset();
    const end = await tx.end(p, true);
    expect(end.status, end.text).toBe(200);
    expect(end.json.state).toBe('CompleteCommit');
    // 2 items per partition: 120 + 1 > 100, so two chunks (49 + 11 partitions) after the prepare.
    expect(t.counter.get('dynamodb:TransactWriteItems')).toBe(1 + 2);
    expect((await committedValues(tx, topic)).sort()).toEqual(all.map((i) => `c-${i}`).sort());
    for (const i of [0, 48, 49, 59]) {
      const read = await tx.read(topic, i, 'read_uncommitted');
      expect([read.values, read.hwm, read.lso ?? read.hwm]).toEqual([[`c-${i}`], 2, 2]); // record + marker, nothing open
    }
  });

  it('an abort in chunks hides every record; a completion cut off between chunks is finished by the next EndTxn, with one marker each', async () => {
    const t = testBroker();
    const tx = txnClient(t);
    const topic = await tx.topic(PARTITIONS);
    const p = await writeEverywhere(tx, topic, 'a');
    // The prepare and the first chunk go through; the second chunk fails for good (6 resends).
    let seen = 0;
    t.faults.add({ service: 'dynamodb', command: 'TransactWriteItems', mode: 'intercept', times: 2, intercept: async () => void seen++ });
    t.faults.add({ service: 'dynamodb', command: 'TransactWriteItems', mode: 'fail-before', times: 7 });
    const cut = await tx.end(p, false);
    expect(cut.status).toBe(503);
    expect(seen).toBe(2);
    t.faults.clear();
    const resumed = await tx.end(p, false);
    expect(resumed.status, resumed.text).toBe(200);
    expect(resumed.json.state).toBe('CompleteAbort');
    expect(await committedValues(tx, topic)).toEqual([]);
    const reads = await Promise.all(all.map((i) => tx.read(topic, i, 'read_uncommitted')));
    expect(reads.map((r) => r.values)).toEqual(all.map((i) => [`a-${i}`]));
    // One marker per partition: record + marker, and nothing left open (LSO = high watermark).
    // A partition of the cut-off chunk holds its given-up marker offset as a placeholder too.
    for (const [i, r] of reads.entries()) {
      const committed = await tx.read(topic, i, 'read_committed');
      expect(committed.lso).toBe(r.hwm);
      expect(r.hwm).toBe(i < 33 ? 2 : 3);
    }
  });
});
