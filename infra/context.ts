import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BrookStorageClass, type BrookClusterProps, type BrookEndpoint } from './props';

/**
 * BrookCluster props from CDK context (`-c brook:endpoint=function-url`, or cdk.json), for the
 * ready app in infra/app.ts. Unknown values are refused with the accepted ones.
 *
 * brook:clusterId, brook:endpoint (http-api | function-url), brook:removalPolicy (retain |
 * destroy), brook:jwtIssuer + brook:jwtAudience (comma-separated), brook:logRetentionDays,
 * brook:expressAzId (S3 Express One Zone in that AZ id), brook:detailedMetrics (true | false),
 * brook:responseStreaming (true | false, function URLs only).
 */
export function propsFromContext(get: (key: string) => unknown): BrookClusterProps {
  const str = (key: string): string | undefined => {
    const v = get(`brook:${key}`);
    return v === undefined || v === null || v === '' ? undefined : String(v);
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const v = str(key);
    if (v !== undefined && !allowed.includes(v as T)) throw new Error(`context brook:${key} must be one of ${allowed.join(', ')}; got '${v}'.`);
    return v as T | undefined;
  };
  const removal = oneOf('removalPolicy', ['retain', 'destroy'] as const);
  const days = str('logRetentionDays');
  const retentions = Object.values(RetentionDays).filter((v): v is RetentionDays => typeof v === 'number');
  if (days !== undefined && !retentions.includes(Number(days))) {
    throw new Error(`context brook:logRetentionDays must be one of CloudWatch's retention periods (${retentions.join(', ')}); got '${days}'.`);
  }
  const issuer = str('jwtIssuer');
  const audience = str('jwtAudience')?.split(',').map((s) => s.trim()).filter(Boolean);
  if ((issuer === undefined) !== (audience === undefined)) throw new Error('context brook:jwtIssuer and brook:jwtAudience go together.');
  const az = str('expressAzId');
  const streaming = oneOf('responseStreaming', ['true', 'false'] as const);
  return {
    clusterId: str('clusterId'),
    endpoint: oneOf<BrookEndpoint>('endpoint', ['http-api', 'function-url']),
    removalPolicy: removal === undefined ? undefined : removal === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    authorization: issuer ? { type: 'jwt', issuer, audience: audience! } : undefined,
    logRetention: days === undefined ? undefined : (Number(days) as RetentionDays),
    storageClass: az ? BrookStorageClass.expressOneZone(az) : undefined,
    detailedMetrics: oneOf('detailedMetrics', ['true', 'false'] as const) === 'true',
    responseStreaming: streaming === undefined ? undefined : streaming === 'true',
  };
}
