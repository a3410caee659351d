import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrookCluster } from '../../infra/brook-cluster';
import { BrookStack } from '../../infra/brook-stack';
import { propsFromContext } from '../../infra/context';
import { BrookStorageClass, type BrookClusterProps } from '../../infra/props';
import { routeTable } from '../../lib/http/route-table';
import { actionsOf, statementsOf, synthesize, type Resources, type Statement } from './support';

// Every option in one app, synthesized once without bundling (brook-stack.test.ts bundles).
let s: ReturnType<typeof synthesize>;
const stacks = {} as Record<'jwt' | 'url' | 'buffered' | 'byo' | 'express' | 'tuned', BrookStack>;
let grants: Stack;
let producerRole: iam.Role;
let urlCaller: iam.Role;
const t = {} as Record<keyof typeof stacks | 'grants', Template>;

beforeAll(() => {
  s = synthesize(
    (app) => {
      stacks.jwt = new BrookStack(app, 'Jwt', {
        cluster: {
          authorization: { type: 'jwt', issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc', audience: ['client-1'], scopes: { produce: ['brook/produce'] } },
        },
      });
      stacks.url = new BrookStack(app, 'Url', { cluster: { endpoint: 'function-url', reservedConcurrency: { api: 50, maintenance: 1 } } });
      // As npm run deploy:local builds it for LocalStack.
      stacks.buffered = new BrookStack(app, 'Buffered', { cluster: propsFromContext((k) => ({ 'brook:endpoint': 'function-url', 'brook:responseStreaming': 'false', 'brook:removalPolicy': 'destroy' })[k]) });
      const byo = new Stack(app, 'Byo');
      const bucket = s3.Bucket.fromBucketName(byo, 'TheirBucket', 'their-bucket');
      const metadata = dynamodb.Table.fromTableName(byo, 'TheirMetadata', 'their-metadata');
      const batches = dynamodb.Table.fromTableName(byo, 'TheirBatches', 'their-batches');
      new BrookCluster(byo, 'Cluster', { bucket, tables: { metadata, batches } });
      stacks.byo = byo as BrookStack;
      stacks.express = new BrookStack(app, 'Express', { cluster: { storageClass: BrookStorageClass.expressOneZone('use1-az4') } });
      const topic = new sns.Topic(new Stack(app, 'Alerts'), 'Alerts', { enforceSSL: true });
      stacks.tuned = new BrookStack(app, 'Tuned', {
        cluster: {
          clusterId: 'orders',
          removalPolicy: RemovalPolicy.DESTROY,
          logRetention: RetentionDays.ONE_WEEK,
          reservedConcurrency: { produce: 20, fetch: 100 },
          memorySize: { fetch: 256 },
          detailedMetrics: true,
          tags: { team: 'payments' },
          alarms: { consumerLag: 5000, action: new cwActions.SnsAction(topic) },
          sealAfter: Duration.seconds(30),
        },
      });
      // A producer-only service in the cluster's stack; a caller of the function URL in another.
      producerRole = new iam.Role(stacks.tuned, 'Producer', { assumedBy: new iam.AccountRootPrincipal() });
      grants = new Stack(app, 'Grants');
      urlCaller = new iam.Role(grants, 'UrlCaller', { assumedBy: new iam.AccountRootPrincipal() });
      stacks.tuned.cluster.grantInvoke(producerRole, 'produce');
      stacks.url.cluster.grantInvoke(urlCaller);
      return [...Object.values(stacks), grants];
    },
    { bundle: false },
  );
  for (const [k, stack] of Object.entries(stacks)) t[k as keyof typeof stacks] = s.template(stack);
  t.grants = s.template(grants);
}, 240_000);

afterAll(() => s?.cleanup());

const routesOf = (template: Template) => Object.values(template.findResources('AWS::ApiGatewayV2::Route') as Resources).map((r) => r.Properties);
const allStatements = (template: Template) =>
  Object.values(template.findResources('AWS::IAM::Policy') as Resources).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);

describe('BrookCluster options', () => {
  it('passes cdk-nag AwsSolutions in every variant', () => {
    expect(s.error).toBeUndefined();
    expect(s.nag.violations).toEqual([]);
    expect(s.nag.conclusion).toBe('success');
  });

  it('JWT: one JWT authorizer on every route, with per-function scopes', () => {
    t.jwt.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    t.jwt.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc', Audience: ['client-1'] },
    });
    const routes = routesOf(t.jwt);
    expect(routes).toHaveLength(routeTable().length);
    for (const r of routes) expect(r).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: expect.any(String) } });
    const produceKeys = new Set(routeTable().filter((r) => r.fn === 'produce').map((r) => `${r.method} ${r.path}`));
    for (const r of routes) expect(r.AuthorizationScopes).toEqual(produceKeys.has(r.RouteKey) ? ['brook/produce'] : undefined);
    t.jwt.hasResourceProperties('AWS::ApiGatewayV2::Stage', { AccessLogSettings: { Format: Match.stringLikeRegexp('authorizer.claims.sub') } });
  });

  it('function URL: one IAM-authorized, streaming URL on one function serving every route, no API Gateway', () => {
    t.url.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    t.url.resourceCountIs('AWS::Lambda::Function', 2);
    const api = stacks.url.cluster.functions.produce;
    for (const fn of ['fetch', 'admin', 'groups'] as const) expect(stacks.url.cluster.functions[fn]).toBe(api);
    t.url.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM', TargetFunctionArn: { 'Fn::GetAtt': [s.logicalId(stacks.url, api), 'Arn'] } });
    t.url.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BROOK_RESPONSE_STREAMING: 'true' }) },
      ReservedConcurrentExecutions: 50,
      Timeout: 30,
    });
    t.url.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 1, Timeout: 240 });
    t.url.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('FunctionUrl'), 'FunctionUrl'] } });
    // Its role is the union of the four HTTP roles: put and get segments, write both tables.
    const statements = statementsOf(t.url, s.logicalId(stacks.url, api.role as never));
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:')).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(statements.flatMap(actionsOf)).toContain('dynamodb:PutItem');
    // Alarms read the function URL's own metrics.
    const alarms = JSON.stringify(t.url.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toContain('Url5xxCount');
    expect(alarms).toContain('UrlRequestCount');
    // grantInvoke: the URL and the function invoked through it, IAM auth only.
    const callerPolicy = statementsOf(t.grants, s.logicalId(grants, urlCaller));
    expect(callerPolicy).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'lambda:InvokeFunctionUrl', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } } }),
        expect.objectContaining({ Action: 'lambda:InvokeFunction', Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': true } } }),
      ]),
    );
  });

  it('function URL without streaming (the LocalStack path): buffered answers', () => {
    t.buffered.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', InvokeMode: 'BUFFERED' });
    t.buffered.allResourcesProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ BROOK_RESPONSE_STREAMING: Match.absent() }) } });
    t.buffered.allResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  it('bring your own bucket and tables: none created, grants on theirs', () => {
    t.byo.resourceCountIs('AWS::S3::Bucket', 0);
    t.byo.resourceCountIs('AWS::DynamoDB::Table', 0);
    const statements = allStatements(t.byo);
    const resources = JSON.stringify(statements.map((st) => st.Resource));
    expect(resources).toContain(':s3:::their-bucket/segments/*');
    expect(resources).toContain(':table/their-metadata');
    expect(resources).toContain(':table/their-batches');
    t.byo.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ BROOK_BUCKET: 'their-bucket', BROOK_METADATA_TABLE: 'their-metadata' }) } });
  });

  it('S3 Express One Zone: a directory bucket in the AZ, reached by sessions — read-only for fetch', () => {
    t.express.resourceCountIs('AWS::S3::Bucket', 0);
    t.express.hasResourceProperties('AWS::S3Express::DirectoryBucket', {
      DataRedundancy: 'SingleAvailabilityZone',
      LocationName: 'use1-az4',
      LifecycleConfiguration: { Rules: [Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })] },
    });
    t.express.hasResource('AWS::S3Express::DirectoryBucket', { DeletionPolicy: 'Retain' });
    const fns = stacks.express.cluster.functions;
    const sessionOf = (fn: 'produce' | 'fetch' | 'groups' | 'maintenance') =>
      statementsOf(t.express, s.logicalId(stacks.express, fns[fn].role as never)).filter((st) => actionsOf(st).some((a) => a.startsWith('s3')));
    expect(sessionOf('fetch')).toEqual([expect.objectContaining({ Action: 's3express:CreateSession', Condition: { StringEquals: { 's3express:SessionMode': 'ReadOnly' } } })]);
    expect(sessionOf('groups')[0]?.Condition).toEqual({ StringEquals: { 's3express:SessionMode': 'ReadOnly' } });
    expect(sessionOf('produce')[0]?.Condition).toEqual({ StringEquals: { 's3express:SessionMode': 'ReadWrite' } });
    expect(sessionOf('maintenance')[0]?.Condition).toEqual({ StringEquals: { 's3express:SessionMode': 'ReadWrite' } });
    t.express.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BROOK_BUCKET: { Ref: Match.stringLikeRegexp('ExpressSegments') } }) },
    });
  });

  it('removal policy, log retention, reserved concurrency, detailed metrics, tags and an alarm action', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup']) {
      t.tuned.allResources(type, { DeletionPolicy: 'Delete' });
    }
    t.tuned.allResourcesProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    t.tuned.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    t.tuned.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 20, Environment: { Variables: Match.objectLike({ BROOK_DETAILED_METRICS: 'true', BROOK_CLUSTER_ID: 'orders', BROOK_SEAL_AFTER_MS: '30000' }) } });
    t.tuned.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 100, MemorySize: 256 });
    t.tuned.resourcePropertiesCountIs('AWS::Lambda::Function', { MemorySize: 1024 }, 4);
    t.tuned.allResourcesProperties('AWS::Lambda::Function', { Tags: Match.arrayWith([{ Key: 'brook:cluster', Value: 'orders' }, { Key: 'team', Value: 'payments' }]) });
    t.tuned.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ 'Fn::ImportValue': Match.anyValue() }] });
    const alarms = Object.values(t.tuned.findResources('AWS::CloudWatch::Alarm') as Resources).map((a) => a.Properties);
    expect(alarms.map((a) => a.Threshold)).toContain(5000);
    const body = JSON.stringify(t.tuned.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('SEARCH(');
    expect(body).toContain('topic');
    expect(body).toContain('ConsumerLag');
  });

  it('grantInvoke gives execute-api:Invoke on exactly the chosen function’s routes', () => {
    const [st] = statementsOf(t.tuned, s.logicalId(stacks.tuned, producerRole));
    expect(st).toMatchObject({ Effect: 'Allow', Action: 'execute-api:Invoke' });
    const arns = (st!.Resource as any[]).map((r) => (r['Fn::Join'][1] as unknown[]).filter((p) => typeof p === 'string').join('|'));
    const produce = routeTable().filter((r) => r.fn === 'produce');
    expect(arns).toHaveLength(produce.length);
    for (const r of produce) expect(arns.some((a) => a.endsWith(`/*/${r.method}${r.path.replace(/\{[^}]+\}/g, '*')}`))).toBe(true);
  });

  it('refuses combinations that cannot work, saying what to change', () => {
    const build = (props: BrookClusterProps) => () => new BrookCluster(new Stack(new App(), 'X'), 'C', props);
    expect(build({ endpoint: 'function-url', authorization: { type: 'jwt', issuer: 'https://x', audience: ['a'] } })).toThrow(/JWT authorizer needs endpoint 'http-api'/);
    expect(build({ storageClass: BrookStorageClass.expressOneZone('us-east-1a') })).toThrow(/availability zone id such as 'use1-az4'/);
    const stack = new Stack(new App(), 'Y');
    expect(() =>
      new BrookCluster(stack, 'C', { storageClass: BrookStorageClass.expressOneZone('use1-az4'), bucket: s3.Bucket.fromBucketName(stack, 'B', 'their-bucket') }),
    ).toThrow(/exclusive/);
    expect(build({ endpoint: 'function-url', reservedConcurrency: { produce: 5 } })).toThrow(/one function, 'api', serves every route/);
    expect(build({ reservedConcurrency: { fetch: 0 } })).toThrow(/positive integer/);
    expect(build({ memorySize: { fetch: 64 } })).toThrow(/128 to 10240/);
    expect(build({ sealAfter: Duration.millis(100) })).toThrow(/sealAfter must be from 1 second/);
    expect(build({ responseStreaming: false })).toThrow(/function-url' only/);
    expect(build({ clusterId: 'no spaces' })).toThrow(/clusterId/);
    expect(build({ authorization: { type: 'jwt', issuer: 'http://insecure', audience: ['a'] } })).toThrow(/https/);
    expect(build({ alarms: { serverErrorRate: 5 } })).toThrow(/fraction/);
    expect(build({ removalPolicy: RemovalPolicy.SNAPSHOT })).toThrow(/SNAPSHOT/);
  });

  it('reads the ready app’s options from CDK context', () => {
    const ctx = (values: Record<string, string>) => propsFromContext((k) => values[k]);
    expect(ctx({})).toMatchObject({ clusterId: undefined, endpoint: undefined, removalPolicy: undefined, authorization: undefined, detailedMetrics: false });
    expect(ctx({ 'brook:endpoint': 'function-url', 'brook:removalPolicy': 'destroy', 'brook:logRetentionDays': '7', 'brook:expressAzId': 'use1-az4' })).toMatchObject({
      endpoint: 'function-url',
      removalPolicy: RemovalPolicy.DESTROY,
      logRetention: RetentionDays.ONE_WEEK,
      storageClass: { name: 'EXPRESS_ONE_ZONE', availabilityZoneId: 'use1-az4' },
    });
    expect(ctx({ 'brook:jwtIssuer': 'https://issuer', 'brook:jwtAudience': 'a, b' }).authorization).toEqual({ type: 'jwt', issuer: 'https://issuer', audience: ['a', 'b'] });
    expect(() => ctx({ 'brook:endpoint': 'rest' })).toThrow(/http-api, function-url/);
    expect(() => ctx({ 'brook:logRetentionDays': '8' })).toThrow(/retention periods/);
    expect(() => ctx({ 'brook:jwtIssuer': 'https://issuer' })).toThrow(/go together/);
  });
});
