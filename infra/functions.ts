import { fileURLToPath } from 'node:url';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { BrookFunction } from '../lib/http/routes/route';
import { RESPONSE_STREAMING_ENV } from '../lib/lambda/env';
import { DETAILED_METRICS_ENV } from '../lib/observability/names';
import type { BrookEndpoint, BrookFunctionName } from './props';
import type { BrookStorage, SegmentAccess } from './storage';

export const HTTP_FUNCTIONS: readonly BrookFunction[] = ['produce', 'fetch', 'admin', 'groups'];

/** The maintenance pass runs this often (retention, compaction, garbage collection, consumer lag). */
export const MAINTENANCE_RATE = Duration.minutes(5);

interface Spec {
  description: string;
  timeout: Duration;
  segments: SegmentAccess[];
  tables: { metadata: 'read' | 'write'; batches: 'read' | 'write' };
}

/**
 * Timeouts, on purpose:
 * - HTTP functions 30 s: API Gateway HTTP APIs stop waiting for an integration at 30 s, so a
 *   longer timeout would only bill a function whose answer nobody reads. The app keeps its own
 *   work under that: a fetch long-polls at most 20 s (MAX_WAIT_LIMIT_MS), a commit gives up
 *   after a bounded number of conflicts. Behind a function URL (no gateway limit) the same 30 s
 *   matches the SDK's default request timeout, so both endpoints behave alike.
 * - maintenance 4 min: under the 5-minute schedule, so two passes never overlap; a pass cut
 *   short resumes on the next one (each step is a conditional, repeatable write).
 * Memory is 1 GB everywhere (about 0.6 vCPU on arm64): requests wait on S3 and DynamoDB far
 * more than they compute, and CRC32C, compression and merges of a 6 MiB request fit well in it.
 */
const SPECS: Record<BrookFunction | 'maintenance', Spec> = {
  produce: {
    description: 'Brook produce: PUT one segment object per request, commit each partition',
    timeout: Duration.seconds(30),
    // Produce reads topics and heads and commits heads plus index entries in one transaction.
    segments: ['write'],
    tables: { metadata: 'write', batches: 'write' },
  },
  fetch: {
    description: 'Brook fetch: read the batch index and ranged GETs of segments; list offsets',
    timeout: Duration.seconds(30),
    segments: ['read'],
    tables: { metadata: 'read', batches: 'read' },
  },
  admin: {
    description: 'Brook admin: topics, partitions, configs, delete records',
    timeout: Duration.seconds(30),
    // Topics and heads, and index entries for DeleteRecords; segment objects are maintenance's.
    segments: [],
    tables: { metadata: 'write', batches: 'write' },
  },
  groups: {
    description: 'Brook consumer groups: heartbeats, assignments, offsets, lag',
    timeout: Duration.seconds(30),
    // Group, member and offset items; the index (and one batch) only to find offsets by time.
    segments: ['read'],
    tables: { metadata: 'write', batches: 'read' },
  },
  maintenance: {
    description: 'Brook maintenance: retention, compaction, garbage collection, consumer lag metrics',
    timeout: Duration.minutes(4),
    segments: ['maintain'],
    tables: { metadata: 'write', batches: 'write' },
  },
};

export interface BrookFunctionsProps {
  readonly clusterId: string;
  readonly endpoint: BrookEndpoint;
  readonly responseStreaming: boolean;
  readonly storage: BrookStorage;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
  readonly reservedConcurrency: Partial<Record<BrookFunctionName, number>>;
  readonly memorySize: Partial<Record<BrookFunctionName, number>>;
  readonly detailedMetrics: boolean;
  readonly sealAfter?: Duration;
}

/**
 * One Lambda function per role, each with its own role, log group and grants. With the
 * function-URL endpoint a single `api` function serves every route, so `functions.produce`,
 * `.fetch`, `.admin` and `.groups` are that one function (its role holds the union of theirs).
 */
export class BrookFunctions extends Construct {
  readonly functions: Readonly<Record<BrookFunction | 'maintenance', NodejsFunction>>;
  /** Each distinct function once: the HTTP functions (or `api`) and maintenance. */
  readonly all: ReadonlyArray<{ name: BrookFunctionName; fn: NodejsFunction }>;

  constructor(scope: Construct, id: string, private readonly props: BrookFunctionsProps) {
    super(scope, id);
    const fns = {} as Record<BrookFunction | 'maintenance', NodejsFunction>;
    const all: Array<{ name: BrookFunctionName; fn: NodejsFunction }> = [];
    if (props.endpoint === 'function-url') {
      const union = HTTP_FUNCTIONS.map((f) => SPECS[f]);
      const api = this.function('api', {
        description: 'Brook API: every route, behind a Lambda function URL (IAM auth, streamed answers)',
        timeout: Duration.seconds(30),
        segments: [...new Set(union.flatMap((s) => s.segments))],
        tables: {
          metadata: union.some((s) => s.tables.metadata === 'write') ? 'write' : 'read',
          batches: union.some((s) => s.tables.batches === 'write') ? 'write' : 'read',
        },
      });
      if (props.responseStreaming) api.addEnvironment(RESPONSE_STREAMING_ENV, 'true');
      for (const f of HTTP_FUNCTIONS) fns[f] = api;
      all.push({ name: 'api', fn: api });
    } else {
      for (const f of HTTP_FUNCTIONS) all.push({ name: f, fn: (fns[f] = this.function(f, SPECS[f])) });
    }
    fns.maintenance = this.function('maintenance', SPECS.maintenance);
    all.push({ name: 'maintenance', fn: fns.maintenance });
    this.functions = fns;
    this.all = all;
    this.schedule(fns.maintenance);
  }

  private function(name: BrookFunctionName, spec: Spec): NodejsFunction {
    const props = this.props;
    const storage = props.storage;
    const Id = `${name[0]!.toUpperCase()}${name.slice(1)}`;
    const logGroup = new logs.LogGroup(this, `${Id}Logs`, { retention: props.logRetention, removalPolicy: props.removalPolicy });
    // Its own role instead of the managed AWSLambdaBasicExecutionRole, whose logs:* rights
    // reach every log group in the account: this one writes to its own log group only.
    const role = new iam.Role(this, `${Id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: spec.description });
    logGroup.grantWrite(role);
    for (const access of spec.segments) storage.grantSegments(role, access);
    storage.grantTables(role, spec.tables);

    return new NodejsFunction(this, `${Id}Function`, {
      entry: fileURLToPath(new URL(`../functions/${name}.ts`, import.meta.url)),
      handler: 'handler',
      description: spec.description,
      // The newest Node.js runtime Lambda offers (cdk-nag AwsSolutions-L1 checks it); Brook's
      // code also runs on Node 20 locally.
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize[name] ?? 1024,
      timeout: spec.timeout,
      role,
      logGroup,
      reservedConcurrentExecutions: props.reservedConcurrency[name],
      environment: {
        BROOK_CLUSTER_ID: props.clusterId,
        BROOK_METADATA_TABLE: storage.metadataTable.tableName,
        BROOK_BATCHES_TABLE: storage.batchesTable.tableName,
        BROOK_BUCKET: storage.bucketName,
        ...(props.detailedMetrics ? { [DETAILED_METRICS_ENV]: 'true' } : {}),
        ...(props.sealAfter ? { BROOK_SEAL_AFTER_MS: String(props.sealAfter.toMilliseconds()) } : {}),
        // The bundle carries a source map; Node only uses it with this flag.
        NODE_OPTIONS: '--enable-source-maps',
      },
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

  private schedule(maintenance: NodejsFunction): void {
    // A failed pass is not retried: the next scheduled pass does the same work, and a retry
    // could overlap it.
    maintenance.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: MAINTENANCE_RATE });
    new events.Rule(this, 'MaintenanceSchedule', {
      description: 'Brook log maintenance: retention, compaction, garbage collection, consumer lag',
      schedule: events.Schedule.rate(MAINTENANCE_RATE),
      targets: [new targets.LambdaFunction(maintenance, { retryAttempts: 0, maxEventAge: MAINTENANCE_RATE })],
    });
  }
}
