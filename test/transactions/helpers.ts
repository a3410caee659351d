import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { encodeFrames } from '../../lib/http/batch-frames';
import { encodeRecordBatch } from '../../lib/log/record-batch';
import { call, uniqueTopic, type TestBroker } from '../support/broker';

export const C = '/v3/clusters/brook-local';
const BATCHES = { 'content-type': 'application/vnd.brook.batches' };

export interface TxnProducer {
  tid: string;
  pid: number;
  epoch: number;
  /** Next sequence per partition key. */
  seq: Map<string, number>;
}

/** Raw HTTP calls of a transactional producer, as the SDK makes them. */
export function txnClient(t: TestBroker) {
  const api = {
    async topic(partitions = 3) {
      const topic = uniqueTopic('txn');
      expect((await call(t.app, 'POST', `${C}/topics`, { topic_name: topic, partitions_count: partitions })).status).toBe(201);
      return topic;
    },
    async init(tid = `tx-${randomUUID().slice(0, 8)}`, timeoutMs?: number): Promise<TxnProducer> {
      const res = await call(t.app, 'POST', `${C}/producers`, { transactional_id: tid, ...(timeoutMs ? { transaction_timeout_ms: timeoutMs } : {}) });
      expect(res.status, res.text).toBe(200);
      return { tid, pid: res.json.producer_id, epoch: res.json.producer_epoch, seq: new Map() };
    },
    add: (p: TxnProducer, parts: Array<[string, number]>) =>
      call(t.app, 'POST', `${C}/transactions/${p.tid}/partitions`, { producer_id: p.pid, producer_epoch: p.epoch, partitions: parts.map(([topic_name, partition_id]) => ({ topic_name, partition_id })) }),
    offsets: (p: TxnProducer, group: string, offsets: Array<[string, number, number]>) =>
      call(t.app, 'POST', `${C}/transactions/${p.tid}/offsets`, {
        producer_id: p.pid,
        producer_epoch: p.epoch,
        consumer_group_id: group,
        offsets: offsets.map(([topic_name, partition_id, offset]) => ({ topic_name, partition_id, offset })),
      }),
    end: (p: TxnProducer, commit: boolean) => call(t.app, 'POST', `${C}/transactions/${p.tid}/end`, { producer_id: p.pid, producer_epoch: p.epoch, commit }),
    /** One /batches request with a transactional batch per partition. */
    async send(p: TxnProducer, topic: string, byPartition: Record<number, string[]>, transactional = true) {
      const frames = Object.entries(byPartition).map(([partition, values]) => {
        const k = `${topic}#${partition}`;
        const baseSequence = p.seq.get(k) ?? 0;
        p.seq.set(k, baseSequence + values.length);
        const batches = encodeRecordBatch(
          values.map((v) => ({ key: null, value: Buffer.from(v), headers: [], timestamp: Date.now() })),
          { producerId: p.pid, producerEpoch: p.epoch, baseSequence, isTransactional: transactional },
        );
        return { topic, partition: Number(partition), batches };
      });
      return call(t.app, 'POST', `${C}/batches?transactional_id=${encodeURIComponent(p.tid)}`, new Uint8Array(encodeFrames(frames)), BATCHES);
    },
    /** Values from offset 0 in the JSON fetch, as offset:value. */
    async read(topic: string, partition: number, isolation: 'read_committed' | 'read_uncommitted') {
      const res = await call(t.app, 'GET', `${C}/topics/${topic}/partitions/${partition}/records?offset=0&max_wait_ms=0&value_format=STRING&isolation_level=${isolation}`);
      expect(res.status, res.text).toBe(200);
      return { values: res.json.data.map((r: any) => r.value.data as string), lso: res.json.last_stable_offset as number | undefined, hwm: res.json.high_watermark as number, next: res.json.next_offset as number };
    },
    async committed(group: string, topic: string) {
      const res = await call(t.app, 'GET', `${C}/consumer-groups/${group}/offsets?topics=${topic}`);
      return res.json.data.map((o: any) => o.committed_offset as number);
    },
  };
  return api;
}
