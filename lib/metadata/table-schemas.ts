/**
 * The two tables' key schemas, declared once: the local stack creates them from here and the
 * CDK construct (infra/) builds its tables from the same definitions.
 */
export const METADATA_TABLE_KEYS = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
} as const;

export const BATCHES_TABLE_KEYS = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'lastOffset', type: 'N' },
} as const;
