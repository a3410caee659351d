import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { BrookStack } from '../../infra/brook-stack';
import { routeTable } from '../../lib/http/route-table';
import type { BrookFunction } from '../../lib/http/routes/route';
import type { BrookFunctionName } from '../../infra/brook-cluster';
import { BATCHES_TABLE_KEYS, METADATA_TABLE_KEYS } from '../../lib/metadata/table-schemas';

type Resources = Record<string, { Type: string; Properties: any }>;
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

// Synthesis bundles three functions with esbuild: do it once for the whole file.
let stack: BrookStack;
let template: Template;
let logicalId: (el: { node: { defaultChild?: unknown } }) => string;

beforeAll(() => {
  stack = new BrookStack(new App(), 'BrookTest', { cluster: { clusterId: 'test-cluster' } });
  template = Template.fromStack(stack);
  logicalId = (c) => stack.getLogicalId(c.node.defaultChild as CfnElement);
});

const policiesOf = (fn: BrookFunctionName): Statement[] => {
  const roleId = logicalId(stack.cluster.functions[fn].role as never);
  return Object.values(template.findResources('AWS::IAM::Policy') as Resources)
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
};

describe('BrookStack', () => {
  it('has four HTTP functions and a scheduled maintenance function, arm64 on nodejs24.x with the Brook environment', () => {
    template.resourceCountIs('AWS::Lambda::Function', 5);
    for (const fn of ['produce', 'fetch', 'admin', 'groups'] as const) {
      expect(stack.cluster.functions[fn].timeout?.toSeconds()).toBe(30);
    }
    expect(stack.cluster.functions.maintenance.timeout?.toSeconds()).toBe(300);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(stack.cluster.functions.maintenance), 'Arn'] } })],
    });
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          BROOK_CLUSTER_ID: 'test-cluster',
          BROOK_METADATA_TABLE: { Ref: logicalId(stack.cluster.metadataTable) },
          BROOK_BATCHES_TABLE: { Ref: logicalId(stack.cluster.batchesTable) },
          BROOK_BUCKET: { Ref: logicalId(stack.cluster.bucket) },
        }),
      },
    });
  });

  it('has one IAM-authorized route per routeTable() entry, integrated with that entry’s function', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route') as Resources).map((r) => r.Properties);
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration') as Resources;
    const fnOf = (target: any): BrookFunction | undefined => {
      const integrationId = target['Fn::Join'][1][1].Ref as string;
      const fnId = integrations[integrationId]!.Properties.IntegrationUri['Fn::GetAtt'][0];
      return (['produce', 'fetch', 'admin', 'groups'] as const).find((f) => logicalId(stack.cluster.functions[f]) === fnId);
    };
    const expected = routeTable().map((r) => ({ key: `${r.method} ${r.path}`, fn: r.fn, auth: 'AWS_IAM' }));
    const actual = routes.map((r) => ({ key: r.RouteKey, fn: fnOf(r.Target), auth: r.AuthorizationType }));
    expect(actual.sort((a, b) => a.key.localeCompare(b.key))).toEqual(expected.sort((a, b) => a.key.localeCompare(b.key)));
    template.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [logicalId(stack.cluster.api), 'ApiEndpoint'] } });
  });

  it('blocks public access to the bucket, encrypts it and refuses plain HTTP', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: Match.absent(),
      LifecycleConfiguration: { Rules: [Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' })] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('builds both tables on demand, with point-in-time recovery and the shared key schemas', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
    for (const keys of [METADATA_TABLE_KEYS, BATCHES_TABLE_KEYS]) {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        KeySchema: [
          { AttributeName: keys.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: keys.sortKey.name, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: keys.partitionKey.name, AttributeType: keys.partitionKey.type },
          { AttributeName: keys.sortKey.name, AttributeType: keys.sortKey.type },
        ]),
      });
    }
  });

  it('allows no wildcard action anywhere', () => {
    const allows = [
      ...Object.values(template.findResources('AWS::IAM::Policy') as Resources),
      ...Object.values(template.findResources('AWS::S3::BucketPolicy') as Resources),
    ]
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      // The bucket policy's TLS rule denies s3:*: a wildcard Deny narrows, it grants nothing.
      .filter((s) => s.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const s of allows) for (const action of actionsOf(s)) expect(action).not.toContain('*');
  });

  it('grants each function only its own S3 action and tables', () => {
    const segments = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack.cluster.bucket), 'Arn'] }, '/segments/*']] };
    const s3Of = (fn: BrookFunctionName) => policiesOf(fn).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    const tablesOf = (fn: BrookFunctionName) =>
      new Set(policiesOf(fn).flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource])).flatMap((r: any) => r?.['Fn::GetAtt']?.[0] ?? []));
    const metadata = logicalId(stack.cluster.metadataTable);
    const batches = logicalId(stack.cluster.batchesTable);

    expect(s3Of('produce')).toEqual([expect.objectContaining({ Action: 's3:PutObject', Resource: segments })]);
    expect(s3Of('fetch')).toEqual([expect.objectContaining({ Action: 's3:GetObject', Resource: segments })]);
    expect(s3Of('admin')).toEqual([]);
    expect(s3Of('groups')).toEqual([expect.objectContaining({ Action: 's3:GetObject', Resource: segments })]);
    expect(s3Of('maintenance').flatMap(actionsOf).sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    expect(tablesOf('produce')).toEqual(new Set([metadata, batches]));
    expect(tablesOf('fetch')).toEqual(new Set([metadata, batches]));
    expect(tablesOf('admin')).toEqual(new Set([metadata, batches]));
    expect(tablesOf('groups')).toEqual(new Set([metadata, batches]));
    // Fetch reads only: no write action on either table.
    const fetchActions = policiesOf('fetch').flatMap(actionsOf);
    for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
      expect(fetchActions).not.toContain(write);
    }
    expect(policiesOf('produce').flatMap(actionsOf)).toContain('dynamodb:ConditionCheckItem');
  });
});
