import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { BrookConfig } from '../config';

export interface AwsClients {
  s3: S3Client;
  dynamodb: DynamoDBClient;
  ddb: DynamoDBDocumentClient;
}

/**
 * Clients for real AWS, LocalStack or the local emulators. Against an emulator endpoint, S3 uses
 * path-style addressing and checksums only when required: s3rver stores the aws-chunked framing
 * of streamed bodies as data otherwise (see docs/LOCAL.md).
 */
export function createClients(config: BrookConfig): AwsClients {
  const common = { region: config.region, credentials: config.credentials, maxAttempts: 3 };
  const s3 = new S3Client({
    ...common,
    endpoint: config.endpoints.s3,
    forcePathStyle: config.endpoints.s3 !== undefined,
    ...(config.endpoints.s3 !== undefined
      ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
  });
  const dynamodb = new DynamoDBClient({ ...common, endpoint: config.endpoints.dynamodb });
  const ddb = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { s3, dynamodb, ddb };
}
