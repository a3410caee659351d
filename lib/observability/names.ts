/**
 * Brook's own CloudWatch metrics (EMF, written by Powertools): the names the Lambda functions
 * publish and the CDK dashboard and alarms read. One list, imported by both sides.
 *
 * Every metric carries the dimensions `service` ("brook") and `cluster`; with detailed metrics
 * on, the per-topic and per-group series add `topic` or `group`.
 */
export const METRICS_NAMESPACE = 'Brook';
export const SERVICE_NAME = 'brook';

export const METRIC = {
  /** Records and bytes (stored batch bytes) committed by produce requests. */
  producedRecords: 'ProducedRecords',
  producedBytes: 'ProducedBytes',
  /** Records and bytes in the whole batches fetch requests read from S3. */
  fetchedRecords: 'FetchedRecords',
  fetchedBytes: 'FetchedBytes',
  /** Partition commits that succeeded, and commit attempts that lost a race for the head. */
  commits: 'Commits',
  commitConflicts: 'CommitConflicts',
  /** Every HTTP request the functions sent to S3 and DynamoDB, retries included. */
  s3Requests: 'S3Requests',
  dynamodbRequests: 'DynamoDBRequests',
  /** Published by the maintenance function each pass: the largest lag of any group. */
  maxConsumerLag: 'MaxConsumerLag',
  /** Per group (detailed metrics): the group's largest partition lag. */
  consumerLag: 'ConsumerLag',
} as const;

export const DIMENSION = { cluster: 'cluster', service: 'service', topic: 'topic', group: 'group' } as const;

/** The Lambda environment variable that turns on per-topic and per-group metric series. */
export const DETAILED_METRICS_ENV = 'BROOK_DETAILED_METRICS';
