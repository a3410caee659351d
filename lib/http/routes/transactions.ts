import { z } from '@hono/zod-openapi';
import type { BrookApp } from '../app';
import { addOffsetsToTxn } from '../../broker/txn-add-offsets';
import { addPartitionsToTxn } from '../../broker/txn-add-partitions';
import { endTxn } from '../../broker/txn-end';
import { BrookError } from '../../errors';
import { checkTransactionalId } from '../../transactions/check-producer';
import { readTxn } from '../../transactions/txn-store';
import type { Txn } from '../../transactions/types';
import { ClusterParams } from '../schemas';
import { brookRoute, jsonBody } from './route';

const TxnParams = ClusterParams.extend({ transactional_id: z.string() });
const Producer = { producer_id: z.number().int().min(0), producer_epoch: z.number().int().min(0) };
const AddPartitions = z.object({ ...Producer, partitions: z.array(z.object({ topic_name: z.string().min(1), partition_id: z.number().int().min(0) })).min(1).max(1000) }).strict().openapi('AddPartitionsToTxnRequest');
const AddOffsets = z
  .object({
    ...Producer,
    consumer_group_id: z.string(),
    offsets: z.array(z.object({ topic_name: z.string().min(1), partition_id: z.number().int().min(0), offset: z.number().int(), metadata: z.string().nullable().optional() })).min(1).max(1000),
  })
  .strict()
  .openapi('TxnOffsetCommitRequest');
const EndTxn = z.object({ ...Producer, commit: z.boolean() }).strict().openapi('EndTxnRequest');

const path = '/v3/clusters/{cluster_id}/transactions/{transactional_id}';

const describe = (t: Txn) => ({
  kind: 'BrookTransaction',
  transactional_id: t.transactionalId,
  producer_id: t.producerId,
  producer_epoch: t.producerEpoch,
  state: t.state,
  transaction_timeout_ms: t.timeoutMs,
  started_at: t.startedAt || null,
  partitions: t.partitions.map((p) => ({ topic_name: p.topic, partition_id: p.partition })),
  pending_offsets: t.offsets.map((o) => ({ consumer_group_id: o.groupId, topic_name: o.topic, partition_id: o.partition, offset: o.offset })),
});

/** Kafka's transaction coordinator APIs (docs/rfcs/0002-transactions.md); InitProducerId is POST …/producers. */
export function registerTransactionRoutes(app: BrookApp): void {
  app.openapi(brookRoute('produce', { method: 'get', path, summary: 'Describe a transactional id (Kafka DescribeTransactions)', request: { params: TxnParams } }), async (c) => {
    const id = checkTransactionalId(c.req.valid('param').transactional_id);
    const txn = await readTxn(c.var.broker, id);
    if (!txn) throw new BrookError('TRANSACTIONAL_ID_NOT_FOUND', `Transactional id '${id}' is unknown.`);
    return c.json(describe(txn), 200);
  });

  app.openapi(
    brookRoute('produce', { method: 'post', path: `${path}/partitions`, summary: "Kafka's AddPartitionsToTxn: partitions must be added before the transaction writes to them", request: { params: TxnParams, ...jsonBody(AddPartitions) } }),
    async (c) => {
      const id = checkTransactionalId(c.req.valid('param').transactional_id);
      const b = c.req.valid('json');
      const txn = await addPartitionsToTxn(c.var.broker, { transactionalId: id, producerId: b.producer_id, producerEpoch: b.producer_epoch }, b.partitions.map((p) => ({ topic: p.topic_name, partition: p.partition_id })));
      return c.json(describe(txn), 200);
    },
  );

  app.openapi(
    brookRoute('produce', { method: 'post', path: `${path}/offsets`, summary: "Kafka's AddOffsetsToTxn + TxnOffsetCommit: group offsets committed only if the transaction commits", request: { params: TxnParams, ...jsonBody(AddOffsets) } }),
    async (c) => {
      const id = checkTransactionalId(c.req.valid('param').transactional_id);
      const b = c.req.valid('json');
      const txn = await addOffsetsToTxn(
        c.var.broker,
        { transactionalId: id, producerId: b.producer_id, producerEpoch: b.producer_epoch },
        b.consumer_group_id,
        b.offsets.map((o) => ({ topic: o.topic_name, partition: o.partition_id, offset: o.offset, metadata: o.metadata })),
      );
      return c.json(describe(txn), 200);
    },
  );

  app.openapi(
    brookRoute('produce', { method: 'post', path: `${path}/end`, summary: "Kafka's EndTxn: commit or abort (markers, pending offsets and the state in one DynamoDB transaction)", request: { params: TxnParams, ...jsonBody(EndTxn) } }),
    async (c) => {
      const id = checkTransactionalId(c.req.valid('param').transactional_id);
      const b = c.req.valid('json');
      const txn = await endTxn(c.var.broker, { transactionalId: id, producerId: b.producer_id, producerEpoch: b.producer_epoch }, b.commit);
      return c.json(describe(txn), 200);
    },
  );
}
