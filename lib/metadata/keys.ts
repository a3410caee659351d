/**
 * Key design (see docs/ARCHITECTURE.md, "Tables and keys").
 *
 * Metadata table (pk S, sk S):
 *   topic          pk "topics"                       sk <topic name>
 *   partition head pk "partition#<topicId>#<p>"      sk "head"
 * Batches table (pk S, lastOffset N):
 *   batch index    pk "<topicId>#<p>"                lastOffset <offset of the batch's last record>
 *
 * A partition's head and its index live under different partition keys (and tables), so the
 * head's 1,000 WCU/s key limit is not shared with the index puts. Keys use the topic id, not the
 * name, so a topic deleted and created again never sees the old one's batches.
 */
export const TOPICS_PK = 'topics';
export const HEAD_SK = 'head';

export const topicKey = (name: string) => ({ pk: TOPICS_PK, sk: name });
export const headKey = (topicId: string, partition: number) => ({
  pk: `partition#${topicId}#${partition}`,
  sk: HEAD_SK,
});
export const batchPk = (topicId: string, partition: number) => `${topicId}#${partition}`;
