import type { Broker } from './context';
import { BrookError } from '../errors';
import { getHead } from '../metadata/heads';
import { advanceLogStart } from '../maintenance/advance-log-start';

/**
 * Kafka's DeleteRecords (kafka-delete-records.sh): make every record below `offset` unreadable by
 * moving the log start offset; -1 means the high watermark. Asking for less than the current
 * log start changes nothing and answers the current one (the low watermark), as Kafka does.
 */
export async function deleteRecords(broker: Broker, topicName: string, partition: number, offset: number): Promise<{ lowWatermark: number }> {
  const topic = await broker.topics.forPartition(topicName, partition);
  const head = await getHead(broker, topicName, topic.topicId, partition);
  const target = offset === -1 ? head.nextOffset : offset;
  if (!Number.isSafeInteger(target) || target < 0 || target > head.nextOffset) {
    throw new BrookError('OFFSET_OUT_OF_RANGE', `Cannot delete records before offset ${offset} of ${topicName}-${partition}: offsets run from ${head.logStartOffset} to ${head.nextOffset} (-1 means the high watermark).`);
  }
  if (target <= head.logStartOffset) return { lowWatermark: head.logStartOffset };
  const { logStartOffset } = await advanceLogStart(broker, topicName, head, target);
  return { lowWatermark: logStartOffset };
}
