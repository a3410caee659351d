import { Writer } from '../log/bytes';
import { encodeRecordBatch } from '../log/record-batch';

/**
 * Kafka's transaction marker: a control batch (transactional + control attributes) of one record
 * whose key is {version int16 = 0, type int16: 0 abort, 1 commit} and whose value is
 * {version int16 = 0, coordinatorEpoch int32}. Stored at baseOffset 0 like every batch.
 */
export function encodeMarker(commit: boolean, producerId: number, producerEpoch: number, timestamp: number): Buffer {
  const key = new Writer(4).int16(0).int16(commit ? 1 : 0).finish();
  const value = new Writer(6).int16(0).int32(0).finish();
  return encodeRecordBatch([{ key, value, headers: [], timestamp }], { producerId, producerEpoch, baseSequence: -1, isTransactional: true, isControlBatch: true });
}

/** The marker type of a control record key: 'commit', 'abort' or undefined if it is not a marker. */
export function markerType(key: Buffer | null): 'commit' | 'abort' | undefined {
  if (!key || key.length < 4 || key.readInt16BE(0) !== 0) return undefined;
  const t = key.readInt16BE(2);
  return t === 1 ? 'commit' : t === 0 ? 'abort' : undefined;
}
