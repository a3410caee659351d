import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { BrookFunction } from '../lib/http/routes/route';

/** The HTTP functions, the single function behind a function URL, and the scheduled maintenance function. */
export type BrookFunctionName = BrookFunction | 'api' | 'maintenance';

/**
 * How clients reach the cluster.
 * - `http-api` (default): an API Gateway HTTP API, one route per app route, each function
 *   behind its own routes; IAM (SigV4, execute-api) or JWT authorization per route.
 * - `function-url`: one Lambda function URL with IAM auth (SigV4, service lambda) in front of a
 *   single function serving every route; no gateway fee per request, responses streamed.
 */
export type BrookEndpoint = 'http-api' | 'function-url';

export type BrookAuthorization =
  | { readonly type: 'iam' }
  | {
      readonly type: 'jwt';
      /** The token issuer, e.g. a Cognito user pool's https://cognito-idp.<region>.amazonaws.com/<pool id>. */
      readonly issuer: string;
      /** Accepted `aud` (or Cognito `client_id`) values. */
      readonly audience: readonly string[];
      /** Scopes a token must carry, per function (e.g. produce: ['brook/produce']). */
      readonly scopes?: Partial<Record<BrookFunction, readonly string[]>>;
    };

/**
 * Where segment objects live.
 * - `STANDARD`: a general-purpose S3 bucket (data in at least three AZs).
 * - `expressOneZone(azId)`: an S3 Express One Zone directory bucket in one AZ: single-digit-ms
 *   first bytes and cheaper requests, costlier storage, one AZ's durability (docs/DEPLOY.md).
 */
export class BrookStorageClass {
  static readonly STANDARD = new BrookStorageClass('STANDARD');

  /** @param availabilityZoneId an AZ id such as use1-az4 (not a name such as us-east-1a). */
  static expressOneZone(availabilityZoneId: string): BrookStorageClass {
    return new BrookStorageClass('EXPRESS_ONE_ZONE', availabilityZoneId);
  }

  private constructor(
    readonly name: 'STANDARD' | 'EXPRESS_ONE_ZONE',
    readonly availabilityZoneId?: string,
  ) {}
}

export interface BrookAlarmProps {
  /** 5xx answers per request over 5 minutes (with at least 10 requests). @default 0.01 */
  readonly serverErrorRate?: number;
  /** Commit attempts that lost a race for the partition head, per attempt (with at least 100). @default 0.5 */
  readonly commitConflictRate?: number;
  /** Largest lag of any consumer group, in records, for 15 minutes. @default 100000 */
  readonly consumerLag?: number;
  /** Where alarms go (an SNS topic action, say). @default - no action: the alarms show on the dashboard */
  readonly action?: IAlarmAction;
}

export interface BrookClusterProps {
  /** The cluster id clients put in /v3/clusters/{cluster_id}. @default 'brook' */
  readonly clusterId?: string;
  /**
   * What happens to the bucket, tables and log groups when they leave the stack. With RETAIN
   * the tables also get deletion protection. DESTROY fails on a bucket that still holds
   * segments (no auto-delete: its custom resource needs wildcard S3 actions).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** @default 'http-api' */
  readonly endpoint?: BrookEndpoint;
  /**
   * Function URL only: stream answers (InvokeMode RESPONSE_STREAM). Off, answers are buffered
   * like the HTTP API's (base64 for binary, 6 MB at most) — for emulators without streaming.
   * @default true
   */
  readonly responseStreaming?: boolean;
  /** HTTP API only: function URLs support IAM alone. @default { type: 'iam' } */
  readonly authorization?: BrookAuthorization;
  /** Bring your own general-purpose bucket; Brook writes under segments/ only. @default - a new bucket */
  readonly bucket?: IBucket;
  /** Bring your own tables, with the key schemas of lib/metadata/table-schemas.ts. @default - new tables */
  readonly tables?: { readonly metadata: ITable; readonly batches: ITable };
  /** @default BrookStorageClass.STANDARD */
  readonly storageClass?: BrookStorageClass;
  /** Retention of the functions' and the API's log groups. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * Reserved concurrency per function: a guaranteed share and a cap. None by default: an
   * account whose concurrency quota is below 100 + the reservation (new accounts start at 10)
   * cannot reserve any, and the deployment would fail. See docs/DEPLOY.md for sizing.
   * @default - no reservation
   */
  readonly reservedConcurrency?: Partial<Record<BrookFunctionName, number>>;
  /**
   * Memory per function, MB (CPU grows with it). 1024 by default. An idle long-polling consumer
   * bills its fetch function's memory for the whole wait (docs/COST.md): a fleet of mostly idle
   * consumers is cheaper with `{ fetch: 256 }`.
   * @default 1024 for every function
   */
  readonly memorySize?: Partial<Record<BrookFunctionName, number>>;
  readonly alarms?: BrookAlarmProps;
  /** A CloudWatch dashboard ($3 a month beyond an account's first three). @default true */
  readonly dashboard?: boolean;
  /** Per-topic and per-group metric series (each series is a billed custom metric). @default false */
  readonly detailedMetrics?: boolean;
  /** Tags for every resource; `brook:cluster` is always added. */
  readonly tags?: Record<string, string>;
  /**
   * How long a reserved, unpublished offset range may hold a partition's readers back before a
   * reader seals it (docs/rfcs/0003-hot-partitions.md): a writer slower than this gets a retriable
   * error and writes again. Between 1 s and 5 minutes.
   * @default Duration.seconds(10)
   */
  readonly sealAfter?: Duration;
}

const CLUSTER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const AZ_ID = /^[a-z]+[0-9]+-az[0-9]+$/;

/** Refuse combinations that cannot work, with a message that says what to change. */
export function validateProps(props: BrookClusterProps): void {
  const fail = (message: string) => {
    throw new Error(`BrookCluster: ${message}`);
  };
  const known = (v: unknown) => v !== undefined && !Token.isUnresolved(v);
  if (props.removalPolicy === RemovalPolicy.SNAPSHOT) fail('removalPolicy SNAPSHOT does not apply to S3 buckets or DynamoDB tables: use RETAIN or DESTROY.');
  if (known(props.clusterId) && !CLUSTER_ID.test(props.clusterId!)) {
    fail(`clusterId '${props.clusterId}' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.`);
  }
  const endpoint = props.endpoint ?? 'http-api';
  if (endpoint !== 'http-api' && endpoint !== 'function-url') fail(`endpoint must be 'http-api' or 'function-url'; got '${endpoint}'.`);
  if (props.responseStreaming !== undefined && endpoint !== 'function-url') fail("responseStreaming applies to endpoint 'function-url' only (API Gateway buffers answers).");
  const auth = props.authorization;
  if (auth?.type === 'jwt') {
    if (endpoint === 'function-url') fail("a JWT authorizer needs endpoint 'http-api': function URLs authorize with IAM only.");
    if (known(auth.issuer) && !/^https:\/\/\S+$/.test(auth.issuer)) fail(`the JWT issuer must be an https:// URL; got '${auth.issuer}'.`);
    if (auth.audience.length === 0) fail('the JWT authorizer needs at least one audience.');
  } else if (auth !== undefined && auth.type !== 'iam') {
    fail(`authorization.type must be 'iam' or 'jwt'; got '${(auth as { type: string }).type}'.`);
  }
  const storage = props.storageClass ?? BrookStorageClass.STANDARD;
  if (storage.name === 'EXPRESS_ONE_ZONE') {
    if (props.bucket) fail('bring-your-own bucket and S3 Express One Zone are exclusive: Brook creates the directory bucket itself.');
    if (known(storage.availabilityZoneId) && !AZ_ID.test(storage.availabilityZoneId!)) {
      fail(`S3 Express One Zone needs an availability zone id such as 'use1-az4' (not a zone name such as 'us-east-1a'); got '${storage.availabilityZoneId}'.`);
    }
  }
  for (const [fn, n] of Object.entries(props.reservedConcurrency ?? {})) {
    const httpFn = fn === 'produce' || fn === 'fetch' || fn === 'admin' || fn === 'groups';
    if (!httpFn && fn !== 'api' && fn !== 'maintenance') fail(`reservedConcurrency names an unknown function '${fn}'.`);
    if (endpoint === 'function-url' && httpFn) fail(`reservedConcurrency.${fn}: with endpoint 'function-url' one function, 'api', serves every route.`);
    if (endpoint === 'http-api' && fn === 'api') fail("reservedConcurrency.api applies to endpoint 'function-url' only.");
    if (known(n) && (!Number.isInteger(n) || n! < 1)) fail(`reservedConcurrency.${fn} must be a positive integer; got ${n}.`);
  }
  if (props.sealAfter && !props.sealAfter.isUnresolved() && (props.sealAfter.toMilliseconds() < 1000 || props.sealAfter.toMilliseconds() > Duration.minutes(5).toMilliseconds())) {
    fail(`sealAfter must be from 1 second to 5 minutes; got ${props.sealAfter.toHumanString()}.`);
  }
  for (const [fn, mb] of Object.entries(props.memorySize ?? {})) {
    if (known(mb) && (!Number.isInteger(mb) || mb! < 128 || mb! > 10240)) fail(`memorySize.${fn} must be an integer from 128 to 10240 MB; got ${mb}.`);
  }
  const alarms = props.alarms ?? {};
  for (const key of ['serverErrorRate', 'commitConflictRate', 'consumerLag'] as const) {
    const v = alarms[key];
    if (known(v) && !(v! > 0)) fail(`alarms.${key} must be positive; got ${v}.`);
  }
  if (known(alarms.serverErrorRate) && alarms.serverErrorRate! >= 1) fail('alarms.serverErrorRate is a fraction of requests: below 1.');
  if (known(alarms.commitConflictRate) && alarms.commitConflictRate! >= 1) fail('alarms.commitConflictRate is a fraction of commit attempts: below 1.');
}
