import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrookStack } from '../../infra/brook-stack';
import type { BrookFunction } from '../../lib/http/routes/route';
import { routeTable } from '../../lib/http/route-table';
import { createApp } from '../../lib/http/app';
import { createBroker } from '../../lib/broker/context';
import { BATCHES_TABLE_KEYS, METADATA_TABLE_KEYS } from '../../lib/metadata/table-schemas';
import { METRIC } from '../../lib/observability/names';
import { actionsOf, statementsOf, synthesize, type Resources, type Statement } from './support';

// The default stack, synthesized once for the whole file with esbuild bundling and cdk-nag.
let s: ReturnType<typeof synthesize>;
let stack: BrookStack;
let template: Template;
let id: (c: { node: { defaultChild?: unknown } }) => string;
const HTTP: BrookFunction[] = ['produce', 'fetch', 'admin', 'groups'];

beforeAll(() => {
  s = synthesize((app) => [(stack = new BrookStack(app, 'BrookTest', { cluster: { clusterId: 'test-cluster' } }))], { bundle: true });
  template = s.template(stack);
  id = (c) => s.logicalId(stack, c);
}, 240_000);

afterAll(() => s?.cleanup());

const policiesOf = (fn: BrookFunction | 'maintenance') => statementsOf(template, id(stack.cluster.functions[fn].role as never));

describe('BrookStack (defaults)', () => {
  it('synthesizes with no unacknowledged cdk-nag AwsSolutions finding, each acknowledgment with its reason', () => {
    expect(s.error).toBeUndefined();
    expect(s.nag.conclusion).toBe('success');
    expect(s.nag.violations).toEqual([]);
    const acknowledged = (s.nag.suppressedViolations ?? []).map((v) => ({
      rule: v.ruleName.replace(/\[.*$/, ''),
      where: v.violatingConstructs.map((c) => c.constructPath.split('/').slice(2, 4).join('/')),
      reasoned: (v.reason ?? '').length > 80,
    }));
    // Exactly these: the bucket's access logs and each segment-prefix grant (IAM5 per role).
    expect(acknowledged.sort((a, b) => a.where[0]!.localeCompare(b.where[0]!))).toEqual([
      { rule: 'AwsSolutions-IAM5', where: ['Functions/FetchRole'], reasoned: true },
      { rule: 'AwsSolutions-IAM5', where: ['Functions/GroupsRole'], reasoned: true },
      { rule: 'AwsSolutions-IAM5', where: ['Functions/MaintenanceRole'], reasoned: true },
      { rule: 'AwsSolutions-IAM5', where: ['Functions/ProduceRole'], reasoned: true },
      { rule: 'AwsSolutions-S1', where: ['Storage/Segments'], reasoned: true },
    ]);
  });

  it('bundles every function with esbuild into the cloud assembly', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function') as Resources);
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      const assetDir = join(s.outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      expect(existsSync(join(assetDir, 'index.mjs')), assetDir).toBe(true);
      expect(statSync(join(assetDir, 'index.mjs')).size).toBeGreaterThan(100_000);
      expect(readdirSync(assetDir)).toContain('index.mjs.map');
    }
  });

  it('has four HTTP functions and a scheduled maintenance function, arm64 on nodejs24.x, with timeouts set on purpose', () => {
    for (const fn of HTTP) expect(stack.cluster.functions[fn].timeout?.toSeconds()).toBe(30);
    // Under the 5-minute schedule: passes never overlap.
    expect(stack.cluster.functions.maintenance.timeout?.toSeconds()).toBe(240);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id(stack.cluster.functions.maintenance), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 300 } })],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, Qualifier: '$LATEST' });
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Handler: 'index.handler',
      // No reservation unless asked: new accounts cannot reserve any concurrency.
      ReservedConcurrentExecutions: Match.absent(),
      LoggingConfig: { LogGroup: Match.anyValue() },
      Environment: {
        Variables: Match.objectLike({
          BROOK_CLUSTER_ID: 'test-cluster',
          BROOK_METADATA_TABLE: { Ref: id(stack.cluster.metadataTable as never) },
          BROOK_BATCHES_TABLE: { Ref: id(stack.cluster.batchesTable as never) },
          BROOK_BUCKET: { Ref: id(stack.cluster.bucket as never) },
          BROOK_DETAILED_METRICS: Match.absent(),
        }),
      },
    });
    // Each function its own log group with a retention, and a role without managed policies.
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 6);
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('routes every app route, and only those, to its function behind the IAM authorizer', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route') as Resources).map((r) => r.Properties);
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration') as Resources;
    const fnOf = (target: any): BrookFunction | undefined => {
      const integrationId = target['Fn::Join'][1][1].Ref as string;
      const fnId = integrations[integrationId]!.Properties.IntegrationUri['Fn::GetAtt'][0];
      return HTTP.find((f) => id(stack.cluster.functions[f]) === fnId);
    };
    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    const expected = routeTable().map((r) => ({ key: `${r.method} ${r.path}`, fn: r.fn, auth: 'AWS_IAM' }));
    const actual = routes.map((r) => ({ key: r.RouteKey, fn: fnOf(r.Target), auth: r.AuthorizationType }));
    expect(actual.sort(byKey)).toEqual(expected.sort(byKey));

    // And those are the routes the app's router really serves (Hono's table, not the OpenAPI document).
    const app = createApp(createBroker({ clusterId: 'x', metadataTable: 'x', batchesTable: 'x', bucket: 'x', region: 'us-east-1', endpoints: {}, commitProtocol: 'reserve' }));
    const served = new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/\/:([A-Za-z_]+)/g, '/{$1}')}`));
    expect(new Set(routes.map((r) => r.RouteKey))).toEqual(served);
  });

  it('logs every API request to a log group with a retention', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [id(stack.cluster.api.accessLogs!), 'Arn'] }, Format: Match.stringLikeRegexp('\\$context.identity.userArn') },
    });
    template.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [id(stack.cluster.httpApi!), 'ApiEndpoint'] } });
    template.hasOutput('ClusterId', { Value: 'test-cluster' });
    template.hasOutput('DashboardUrl', Match.anyValue());
  });

  it('blocks public access to the bucket, encrypts it and refuses plain HTTP', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: Match.absent(),
      LifecycleConfiguration: { Rules: [Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' })] },
      Tags: Match.arrayWith([{ Key: 'brook:cluster', Value: 'test-cluster' }]),
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('builds both tables on demand, with point-in-time recovery, deletion protection and the shared key schemas', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
    for (const keys of [METADATA_TABLE_KEYS, BATCHES_TABLE_KEYS]) {
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          KeySchema: [
            { AttributeName: keys.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: keys.sortKey.name, KeyType: 'RANGE' },
          ],
          AttributeDefinitions: Match.arrayWith([
            { AttributeName: keys.partitionKey.name, AttributeType: keys.partitionKey.type },
            { AttributeName: keys.sortKey.name, AttributeType: keys.sortKey.type },
          ]),
        }),
      });
    }
    template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
  });

  it('allows no wildcard action anywhere, and no resource wildcard but the segments/ prefix', () => {
    const allows = [
      ...Object.values(template.findResources('AWS::IAM::Policy') as Resources),
      ...Object.values(template.findResources('AWS::S3::BucketPolicy') as Resources),
    ]
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      // The bucket policy's TLS rule denies s3:*: a wildcard Deny narrows, it grants nothing.
      .filter((st) => st.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const st of allows) {
      for (const action of actionsOf(st)) expect(action).not.toContain('*');
      const resources = (Array.isArray(st.Resource) ? st.Resource : [st.Resource]).map((r) => JSON.stringify(r));
      for (const r of resources) if (r.includes('*')) expect(r).toMatch(/\/segments\/\*"/);
    }
  });

  it('grants each function only its own S3 actions and tables', () => {
    const segments = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(stack.cluster.bucket as never), 'Arn'] }, '/segments/*']] };
    const s3Of = (fn: BrookFunction | 'maintenance') => policiesOf(fn).filter((st) => actionsOf(st).some((a) => a.startsWith('s3:')));
    const tablesOf = (fn: BrookFunction | 'maintenance') =>
      new Set(
        policiesOf(fn)
          .filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')))
          .flatMap((st) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]))
          .map((r: any) => r?.['Fn::GetAtt']?.[0]),
      );
    const metadata = id(stack.cluster.metadataTable as never);
    const batches = id(stack.cluster.batchesTable as never);

    expect(s3Of('produce')).toEqual([expect.objectContaining({ Action: 's3:PutObject', Resource: segments })]);
    expect(s3Of('fetch')).toEqual([expect.objectContaining({ Action: 's3:GetObject', Resource: segments })]);
    expect(s3Of('admin')).toEqual([]);
    expect(s3Of('groups')).toEqual([expect.objectContaining({ Action: 's3:GetObject', Resource: segments })]);
    expect(s3Of('maintenance').flatMap(actionsOf).sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    expect(s3Of('maintenance').find((st) => actionsOf(st).includes('s3:ListBucket'))?.Condition).toEqual({ StringLike: { 's3:prefix': ['segments/*'] } });
    for (const fn of [...HTTP, 'maintenance'] as const) expect(tablesOf(fn)).toEqual(new Set([metadata, batches]));
    // Fetch reads only; groups writes the metadata table but only reads the index.
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    const fetchActions = policiesOf('fetch').flatMap(actionsOf);
    for (const w of writes) expect(fetchActions).not.toContain(w);
    const groupsOnBatches = policiesOf('groups').filter((st) => JSON.stringify(st.Resource).includes(batches)).flatMap(actionsOf);
    for (const w of writes) expect(groupsOnBatches).not.toContain(w);
    expect(policiesOf('produce').flatMap(actionsOf)).toContain('dynamodb:ConditionCheckItem');
    // Logs: each role writes to its own log group only.
    for (const fn of [...HTTP, 'maintenance'] as const) {
      const logs = policiesOf(fn).filter((st) => actionsOf(st).some((a) => a.startsWith('logs:')));
      expect(logs).toEqual([expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] })]);
    }
  });

  it('has the alarms (5xx rate, throttles, commit conflicts, consumer lag, maintenance errors) and a dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm') as Resources).map((a) => a.Properties);
    const expressions = alarms.flatMap((a) => (a.Metrics ?? []).map((m: any) => m.Expression).filter(Boolean));
    expect(expressions).toEqual(
      expect.arrayContaining([
        'IF(requests >= 10, FILL(errors, 0) / requests, 0)',
        'FILL(t0, 0) + FILL(t1, 0) + FILL(t2, 0) + FILL(t3, 0) + FILL(t4, 0)',
        expect.stringContaining('FILL(conflicts, 0) / (FILL(commits, 0) + FILL(conflicts, 0))'),
      ]),
    );
    const names = (a: any) => [a.MetricName, ...(a.Metrics ?? []).map((m: any) => m.MetricStat?.Metric?.MetricName)].filter(Boolean);
    const all = alarms.flatMap(names);
    expect(all).toEqual(expect.arrayContaining(['5xx', 'Count', 'Throttles', METRIC.commits, METRIC.commitConflicts, METRIC.maxConsumerLag, 'Errors']));
    const lag = alarms.find((a) => names(a).includes(METRIC.maxConsumerLag));
    expect(lag).toMatchObject({ Threshold: 100_000, EvaluationPeriods: 3, DatapointsToAlarm: 3, ComparisonOperator: 'GreaterThanThreshold' });
    expect(lag.Metrics[0].MetricStat).toMatchObject({ Metric: { Namespace: 'Brook', Dimensions: expect.arrayContaining([{ Name: 'cluster', Value: 'test-cluster' }]) }, Stat: 'Maximum', Period: 300 });
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { TreatMissingData: 'notBreaching' });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard') as Resources)[0]!.Properties.DashboardBody);
    for (const m of [METRIC.producedRecords, METRIC.fetchedBytes, METRIC.commitConflicts, METRIC.s3Requests, METRIC.dynamodbRequests, METRIC.maxConsumerLag]) expect(body).toContain(m);
  });
});
