/**
 * The transaction coordinator's state (docs/rfcs/0002-transactions.md): one item per
 * transactional id in the metadata table, pk "txn#<transactional.id>", sk "txn".
 */
export type TxnState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort';

export interface TxnPartition {
  topic: string;
  topicId: string;
  partition: number;
}

/** An offset commit that becomes visible only when the transaction commits. */
export interface PendingOffset {
  groupId: string;
  topic: string;
  partition: number;
  offset: number;
  metadata: string | null;
  /** The partition's log end when the offset was sent (the Burrow window's sample). */
  logEndOffset: number;
}

export interface Txn {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  state: TxnState;
  /** Bumped by every write of the item: the condition of the next one. */
  version: number;
  /** Counts transactions of this id: markers are conditioned on it, never on a later transaction. */
  txnNumber: number;
  timeoutMs: number;
  /** When the current transaction added its first partition or offsets (0 when none is open). */
  startedAt: number;
  partitions: TxnPartition[];
  /** "<topicId>#<partition>" of every partition added: what a transactional batch's ConditionCheck tests. */
  partitionKeys: string[];
  offsets: PendingOffset[];
  updatedAt: number;
}

export const TXN_SK = 'txn';
export const txnKey = (transactionalId: string) => ({ pk: `txn#${transactionalId}`, sk: TXN_SK });
export const partitionKeyOf = (topicId: string, partition: number) => `${topicId}#${partition}`;

/** Kafka's transaction.timeout.ms default and the coordinator's transaction.max.timeout.ms. */
export const DEFAULT_TXN_TIMEOUT_MS = 60_000;
export const MAX_TXN_TIMEOUT_MS = 900_000;
/** Epochs are int16; past this a transactional id gets a new producer id at epoch 0, as in Kafka. */
export const MAX_EPOCH = 32_766;

/**
 * A commit or an abort writes, per partition, its marker entry, a seal check and the head's open
 * transaction removal (+ an aborted-index entry for an abort), then the pending offsets and this
 * item: in ONE DynamoDB transaction (≤ 100 items) when they fit — up to 32 partitions for a
 * commit without offsets — else in chunks of whole partitions, the offsets and this item in the
 * last (lib/transactions/complete.ts). The offsets and this item must fit one transaction; the
 * partition count is bounded by this item's size (400 KB).
 */
export const MAX_TXN_PARTITIONS = 1000;
export const MAX_TXN_OFFSETS = 99;

export const isPrepared = (s: TxnState) => s === 'PrepareCommit' || s === 'PrepareAbort';
export const isOpen = (s: TxnState) => s === 'Ongoing' || isPrepared(s);

export function toTxn(item: Record<string, unknown>): Txn {
  return {
    transactionalId: item.transactionalId as string,
    producerId: item.producerId as number,
    producerEpoch: item.producerEpoch as number,
    state: item.state as TxnState,
    version: item.version as number,
    txnNumber: (item.txnNumber as number) ?? 0,
    timeoutMs: (item.timeoutMs as number) ?? DEFAULT_TXN_TIMEOUT_MS,
    startedAt: (item.startedAt as number) ?? 0,
    partitions: (item.partitions as TxnPartition[]) ?? [],
    partitionKeys: (item.partitionKeys as string[]) ?? [],
    offsets: (item.offsets as PendingOffset[]) ?? [],
    updatedAt: (item.updatedAt as number) ?? 0,
  };
}

/**
 * The head attributes of an open transaction of a producer on a partition: `txn_<pid>` holds
 * {transactionalId}, `txnfirst_<pid>` its first offset (set by the reservation that wrote its
 * first batch, from the counter itself: RFC 0003). Heads written earlier kept firstOffset in the map.
 */
export const OPEN_TXN_PREFIX = 'txn_';
export const openTxnAttr = (producerId: number) => `${OPEN_TXN_PREFIX}${producerId}`;
export const openTxnFirstAttr = (producerId: number) => `txnfirst_${producerId}`;
/** How many of the open transaction's batches reserved offsets on the partition (lib/metadata/reserve.ts). */
export const openTxnSeqAttr = (producerId: number) => `txnseq_${producerId}`;

export interface OpenTxn {
  producerId: number;
  firstOffset: number;
  transactionalId: string;
}

/** Aborted-transactions index (metadata table): pk "aborted#<topicId>#<p>", sk = the abort marker's offset, zero-padded. */
export const abortedPk = (topicId: string, partition: number) => `aborted#${topicId}#${partition}`;
export const offsetSk = (offset: number) => String(offset).padStart(16, '0');
