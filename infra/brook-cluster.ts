import { RemovalPolicy, Tags } from 'aws-cdk-lib';
import type * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { BrookFunction } from '../lib/http/routes/route';
import { BrookApi } from './api';
import { BrookFunctions } from './functions';
import { BrookObservability, type BrookAlarms } from './observability';
import { BrookStorageClass, validateProps, type BrookClusterProps, type BrookEndpoint } from './props';
import { BrookStorage } from './storage';

export type { BrookClusterProps, BrookFunctionName } from './props';

/**
 * One Brook cluster, secure by default: the segment bucket and the metadata and batch-index
 * tables (storage.ts), one least-privilege Lambda function per role plus the scheduled
 * maintenance function (functions.ts), the endpoint — an IAM-authorized HTTP API whose routes
 * come from the app's own OpenAPI document, or a function URL (api.ts) — and the alarms and
 * dashboard (observability.ts).
 */
export class BrookCluster extends Construct {
  readonly clusterId: string;
  readonly endpoint: BrookEndpoint;
  /** The base URL for clients (`new Brook({ url })`). */
  readonly url: string;
  readonly storage: BrookStorage;
  readonly api: BrookApi;
  /** The HTTP API (endpoint 'http-api'). */
  readonly httpApi?: HttpApi;
  /** By role; with endpoint 'function-url' the four HTTP roles are the one `api` function. */
  readonly functions: Readonly<Record<BrookFunction | 'maintenance', NodejsFunction>>;
  readonly alarms: BrookAlarms;
  readonly dashboard?: cw.Dashboard;

  constructor(scope: Construct, id: string, props: BrookClusterProps = {}) {
    super(scope, id);
    validateProps(props);
    this.clusterId = props.clusterId ?? 'brook';
    this.endpoint = props.endpoint ?? 'http-api';
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const detailedMetrics = props.detailedMetrics ?? false;
    const responseStreaming = props.responseStreaming ?? true;

    this.storage = new BrookStorage(this, 'Storage', {
      removalPolicy,
      storageClass: props.storageClass ?? BrookStorageClass.STANDARD,
      bucket: props.bucket,
      tables: props.tables,
    });
    const functions = new BrookFunctions(this, 'Functions', {
      clusterId: this.clusterId,
      endpoint: this.endpoint,
      responseStreaming,
      storage: this.storage,
      removalPolicy,
      logRetention,
      reservedConcurrency: props.reservedConcurrency ?? {},
      memorySize: props.memorySize ?? {},
      detailedMetrics,
      sealAfter: props.sealAfter,
    });
    this.functions = functions.functions;
    this.api = new BrookApi(this, 'Endpoint', {
      clusterId: this.clusterId,
      endpoint: this.endpoint,
      responseStreaming,
      authorization: props.authorization ?? { type: 'iam' },
      functions: this.functions,
      logRetention,
      removalPolicy,
    });
    this.httpApi = this.api.httpApi;
    this.url = this.api.url;
    const observability = new BrookObservability(this, 'Observability', {
      clusterId: this.clusterId,
      api: this.api,
      functions,
      alarms: props.alarms ?? {},
      dashboard: props.dashboard ?? true,
      detailedMetrics,
    });
    this.alarms = observability.alarms;
    this.dashboard = observability.dashboard;

    Tags.of(this).add('brook:cluster', this.clusterId);
    for (const [key, value] of Object.entries(props.tags ?? {})) Tags.of(this).add(key, value);
  }

  /** The general-purpose segment bucket (storage class STANDARD). */
  get bucket(): s3.IBucket | undefined {
    return this.storage.bucket;
  }

  get metadataTable(): dynamodb.ITable {
    return this.storage.metadataTable;
  }

  get batchesTable(): dynamodb.ITable {
    return this.storage.batchesTable;
  }

  /**
   * Let a principal call the cluster: the routes of the given functions (all by default) on
   * the HTTP API, or the function URL. E.g. `cluster.grantInvoke(role, 'produce')` for a
   * producer-only service.
   */
  grantInvoke(grantee: iam.IGrantable, ...fns: BrookFunction[]): iam.Grant {
    return this.api.grantInvoke(grantee, ...fns);
  }
}
