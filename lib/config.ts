/**
 * Where Brook keeps its state, read from the environment. The same names are set by the CDK stack
 * on every Lambda function and by the local stack for `npm start`.
 */
export interface BrookConfig {
  clusterId: string;
  metadataTable: string;
  batchesTable: string;
  bucket: string;
  region: string;
  /** One endpoint for S3 and DynamoDB (LocalStack), or per service for the local emulators. */
  endpoints: { s3?: string; dynamodb?: string };
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /**
   * How a produce commits its offsets (docs/rfcs/0003-hot-partitions.md): `reserve` (the default)
   * reserves a range with an atomic counter and publishes its index entry without conflicts;
   * `conditional` is the original head-conditional transaction, kept for the bench's comparison.
   */
  commitProtocol: CommitProtocol;
  /** How old an unpublished reserved range must be before a reader seals it (RFC 0003); default 10 s. */
  sealAfterMs?: number;
}

export const DEFAULT_SEAL_AFTER_MS = 10_000;

export type CommitProtocol = 'reserve' | 'conditional';

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): BrookConfig {
  const shared = env.AWS_ENDPOINT_URL;
  return {
    clusterId: env.BROOK_CLUSTER_ID ?? 'brook-local',
    metadataTable: env.BROOK_METADATA_TABLE ?? 'brook-metadata',
    batchesTable: env.BROOK_BATCHES_TABLE ?? 'brook-batches',
    bucket: env.BROOK_BUCKET ?? 'brook-segments',
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoints: {
      s3: env.AWS_ENDPOINT_URL_S3 ?? shared,
      dynamodb: env.AWS_ENDPOINT_URL_DYNAMODB ?? shared,
    },
    commitProtocol: env.BROOK_COMMIT_PROTOCOL === 'conditional' ? 'conditional' : 'reserve',
    sealAfterMs: Number(env.BROOK_SEAL_AFTER_MS) > 0 ? Number(env.BROOK_SEAL_AFTER_MS) : DEFAULT_SEAL_AFTER_MS,
  };
}
