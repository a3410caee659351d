import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { routeTable } from '../lib/http/route-table';
import type { BrookFunction } from '../lib/http/routes/route';
import { BATCHES_TABLE_KEYS, METADATA_TABLE_KEYS } from '../lib/metadata/table-schemas';

export interface BrookClusterProps {
  /** The cluster id clients put in /v3/clusters/{cluster_id}. @default 'brook' */
  readonly clusterId?: string;
  /**
   * What happens to the bucket and tables when they leave the stack. DESTROY fails on a bucket
   * that still holds segments (no auto-delete: its custom resource needs wildcard S3 actions).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Segment objects live under this prefix (lib/storage/segment-store.ts); grants stop there. */
const SEGMENTS = 'segments/*';

const FUNCTIONS: readonly BrookFunction[] = ['produce', 'fetch', 'admin', 'groups'];
/** The HTTP functions, plus maintenance: retention, compaction and garbage collection on a schedule. */
export type BrookFunctionName = BrookFunction | 'maintenance';

const ATTRIBUTE_TYPES = { S: dynamodb.AttributeType.STRING, N: dynamodb.AttributeType.NUMBER } as const;

type Keys = typeof METADATA_TABLE_KEYS | typeof BATCHES_TABLE_KEYS;

/**
 * One Brook cluster: the segment bucket, the metadata and batch-index tables, the produce, fetch
 * and admin functions, and an IAM-authorized HTTP API whose routes come from the app's own
 * OpenAPI document (lib/http/route-table.ts), so the API and the app cannot drift apart.
 */
export class BrookCluster extends Construct {
  readonly clusterId: string;
  readonly api: HttpApi;
  readonly bucket: s3.Bucket;
  readonly metadataTable: dynamodb.Table;
  readonly batchesTable: dynamodb.Table;
  readonly functions: Readonly<Record<BrookFunctionName, NodejsFunction>>;

  constructor(scope: Construct, id: string, props: BrookClusterProps = {}) {
    super(scope, id);
    this.clusterId = props.clusterId ?? 'brook';
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.bucket = new s3.Bucket(this, 'Segments', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Segments are written once under random keys and never overwritten: versions add nothing.
      versioned: false,
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy,
    });
    // Idempotent-producer state expires a week after its last write (lib/metadata/producer-state.ts).
    this.metadataTable = this.table('Metadata', METADATA_TABLE_KEYS, removalPolicy, 'expiresAt');
    this.batchesTable = this.table('Batches', BATCHES_TABLE_KEYS, removalPolicy);

    const environment = {
      BROOK_CLUSTER_ID: this.clusterId,
      BROOK_METADATA_TABLE: this.metadataTable.tableName,
      BROOK_BATCHES_TABLE: this.batchesTable.tableName,
      BROOK_BUCKET: this.bucket.bucketName,
      // The bundle carries a source map; Node only uses it with this flag.
      NODE_OPTIONS: '--enable-source-maps',
    };
    const functions = {} as Record<BrookFunctionName, NodejsFunction>;
    for (const name of FUNCTIONS) functions[name] = this.function(name, environment);
    // A pass over a large cluster lists and scans everything: give it minutes, not seconds.
    functions.maintenance = this.function('maintenance', environment, Duration.minutes(5));
    new events.Rule(this, 'MaintenanceSchedule', {
      description: 'Brook log maintenance: retention, compaction, garbage collection',
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [new targets.LambdaFunction(functions.maintenance)],
    });
    this.functions = functions;
    this.grant();

    this.api = new HttpApi(this, 'Api', {
      description: `Brook cluster ${this.clusterId}`,
      // Callers sign with SigV4 (execute-api:Invoke); nothing is public by default.
      defaultAuthorizer: new HttpIamAuthorizer(),
    });
    const integrations = {} as Record<BrookFunction, HttpLambdaIntegration>;
    for (const name of FUNCTIONS) integrations[name] = new HttpLambdaIntegration(`${name}-integration`, functions[name]);
    for (const route of routeTable()) {
      new HttpRoute(this.api, `${route.method} ${route.path}`, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, route.method as HttpMethod),
        integration: integrations[route.fn],
        authorizer: this.api.defaultAuthorizer,
      });
    }
  }

  private table(id: string, keys: Keys, removalPolicy: RemovalPolicy, timeToLiveAttribute?: string): dynamodb.Table {
    return new dynamodb.Table(this, id, {
      partitionKey: { name: keys.partitionKey.name, type: ATTRIBUTE_TYPES[keys.partitionKey.type] },
      sortKey: { name: keys.sortKey.name, type: ATTRIBUTE_TYPES[keys.sortKey.type] },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute,
      removalPolicy,
    });
  }

  private function(name: BrookFunctionName, environment: Record<string, string>, timeout = Duration.seconds(30)): NodejsFunction {
    return new NodejsFunction(this, `${name[0]!.toUpperCase()}${name.slice(1)}Function`, {
      entry: fileURLToPath(new URL(`../functions/${name}.ts`, import.meta.url)),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 1024,
      // API Gateway gives up on an integration after 30 s; a fetch long-polls at most 20 s.
      timeout,
      environment,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        // Prefer packages' ESM builds so esbuild can tree-shake them.
        mainFields: ['module', 'main'],
        // Bundle the AWS SDK too: package.json pins its versions, the runtime's copy moves.
        externalModules: [],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // CommonJS dependencies call require(); an ESM bundle has none unless we define it.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        // Bundle with the local esbuild: synth must work offline and without Docker.
        forceDockerBundling: false,
      },
    });
  }

  /** Least privilege per function: only the objects and tables its routes touch. */
  private grant(): void {
    const { produce, fetch, admin, groups, maintenance } = this.functions;
    const segments = this.bucket.arnForObjects(SEGMENTS);
    // Explicit statements: bucket.grantPut/grantRead add s3:Abort*, s3:GetObject*, s3:List*.
    produce.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [segments] }));
    fetch.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [segments] }));
    // Resetting a group's offsets to a time reads one batch to find the exact record.
    groups.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [segments] }));
    maintenance.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [segments] }));
    maintenance.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn], conditions: { StringLike: { 's3:prefix': ['segments/*'] } } }),
    );
    // Produce reads topics and heads and commits heads plus index entries in one transaction.
    this.metadataTable.grantReadWriteData(produce);
    this.batchesTable.grantReadWriteData(produce);
    this.metadataTable.grantReadData(fetch);
    this.batchesTable.grantReadData(fetch);
    // Admin: topics and heads, and index entries for DeleteRecords.
    this.metadataTable.grantReadWriteData(admin);
    this.batchesTable.grantReadWriteData(admin);
    // Groups: group, member and offset items; the index only to find offsets by time.
    this.metadataTable.grantReadWriteData(groups);
    this.batchesTable.grantReadData(groups);
    this.metadataTable.grantReadWriteData(maintenance);
    this.batchesTable.grantReadWriteData(maintenance);
  }
}
