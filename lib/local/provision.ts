import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients';
import type { BrookConfig } from '../config';
import { BATCHES_TABLE_KEYS, METADATA_TABLE_KEYS } from '../metadata/table-schemas';

type Keys = typeof METADATA_TABLE_KEYS | typeof BATCHES_TABLE_KEYS;

async function ensureTable(clients: AwsClients, name: string, keys: Keys): Promise<void> {
  try {
    await clients.dynamodb.send(new DescribeTableCommand({ TableName: name }));
    return;
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: keys.partitionKey.name, AttributeType: keys.partitionKey.type },
        { AttributeName: keys.sortKey.name, AttributeType: keys.sortKey.type },
      ],
      KeySchema: [
        { AttributeName: keys.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: keys.sortKey.name, KeyType: 'RANGE' },
      ],
    }),
  );
}

async function ensureBucket(clients: AwsClients, bucket: string): Promise<void> {
  try {
    await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
}

/** Create Brook's tables and bucket where they are missing (local emulators, LocalStack). */
export async function provision(config: BrookConfig, clients: AwsClients): Promise<void> {
  await Promise.all([
    ensureTable(clients, config.metadataTable, METADATA_TABLE_KEYS),
    ensureTable(clients, config.batchesTable, BATCHES_TABLE_KEYS),
    ensureBucket(clients, config.bucket),
  ]);
}
