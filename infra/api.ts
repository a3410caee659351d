import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpRoute, HttpRouteKey, HttpStage, LogGroupLogDestination, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routeTable, type RouteEntry } from '../lib/http/route-table';
import type { BrookFunction } from '../lib/http/routes/route';
import { HTTP_FUNCTIONS } from './functions';
import { acknowledge, nagResource } from './nag';
import type { BrookAuthorization, BrookEndpoint } from './props';

export interface BrookApiProps {
  readonly clusterId: string;
  readonly endpoint: BrookEndpoint;
  readonly responseStreaming: boolean;
  readonly authorization: BrookAuthorization;
  readonly functions: Readonly<Record<BrookFunction, NodejsFunction>>;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** An execute-api ARN path for an OpenAPI path: each {parameter} may be anything. */
const arnPath = (path: string) => path.replace(/\{[^}]+\}/g, '*');

/**
 * The endpoint clients call. By default an API Gateway HTTP API whose routes are the app's own
 * routes (lib/http/route-table.ts reads them from the app's OpenAPI document: no second list),
 * each sent to the function that serves it, each behind the IAM (or JWT) authorizer, with an
 * access log. Or a Lambda function URL with IAM auth in front of the single `api` function.
 */
export class BrookApi extends Construct {
  /** The base URL clients use: https://<id>.execute-api.<region>.amazonaws.com or https://<id>.lambda-url.<region>.on.aws/. */
  readonly url: string;
  readonly httpApi?: HttpApi;
  readonly accessLogs?: logs.LogGroup;
  readonly functionUrl?: lambda.FunctionUrl;
  /** The routes, as built (HTTP API only). */
  readonly routes: ReadonlyArray<RouteEntry & { route: HttpRoute }> = [];

  constructor(scope: Construct, id: string, private readonly props: BrookApiProps) {
    super(scope, id);
    if (props.endpoint === 'function-url') {
      this.functionUrl = props.functions.produce.addFunctionUrl({
        authType: lambda.FunctionUrlAuthType.AWS_IAM,
        // Streamed answers: no base64 for binary fetches, no 6 MB buffered-payload ceiling.
        invokeMode: props.responseStreaming ? lambda.InvokeMode.RESPONSE_STREAM : lambda.InvokeMode.BUFFERED,
      });
      this.url = this.functionUrl.url;
      return;
    }

    this.httpApi = new HttpApi(this, 'Api', {
      description: `Brook cluster ${props.clusterId}`,
      // The stage is created below, with an access log.
      createDefaultStage: false,
      defaultAuthorizer: this.authorizer(),
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTimeEpoch',
            route: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            error: '$context.error.message',
            sourceIp: '$context.identity.sourceIp',
            caller: props.authorization.type === 'jwt' ? '$context.authorizer.claims.sub' : '$context.identity.userArn',
          }),
        ),
      },
    });
    this.url = this.httpApi.apiEndpoint;

    const integrations = {} as Record<BrookFunction, HttpLambdaIntegration>;
    for (const fn of HTTP_FUNCTIONS) integrations[fn] = new HttpLambdaIntegration(`${fn}-integration`, props.functions[fn]);
    const scopes = props.authorization.type === 'jwt' ? props.authorization.scopes : undefined;
    const routes: Array<RouteEntry & { route: HttpRoute }> = [];
    for (const entry of routeTable()) {
      const route = new HttpRoute(this.httpApi, `${entry.method} ${entry.path}`, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(entry.path, entry.method as HttpMethod),
        integration: integrations[entry.fn],
        authorizer: this.httpApi.defaultAuthorizer,
        authorizationScopes: scopes?.[entry.fn] ? [...scopes[entry.fn]!] : undefined,
      });
      routes.push({ ...entry, route });
    }
    this.routes = routes;
  }

  private authorizer(): IHttpRouteAuthorizer {
    const auth = this.props.authorization;
    if (auth.type === 'jwt') return new HttpJwtAuthorizer('JwtAuthorizer', auth.issuer, { jwtAudience: [...auth.audience] });
    // Callers sign with SigV4 (execute-api:Invoke); nothing is public by default.
    return new HttpIamAuthorizer();
  }

  /**
   * Let a principal call the routes of some functions (all by default): execute-api:Invoke on
   * exactly those routes' ARNs. With a function URL there is one function for every route, so
   * the grant is lambda:InvokeFunctionUrl (and lambda:InvokeFunction via the URL) on it.
   */
  grantInvoke(grantee: iam.IGrantable, ...fns: BrookFunction[]): iam.Grant {
    const wanted = new Set<BrookFunction>(fns.length > 0 ? fns : HTTP_FUNCTIONS);
    if (this.functionUrl) return this.props.functions.produce.grantInvokeUrl(grantee);
    if (this.props.authorization.type !== 'iam') throw new Error('BrookCluster.grantInvoke: with a JWT authorizer, access comes from tokens, not IAM.');
    const api = this.httpApi!;
    const resourceArns = [...new Set(this.routes.filter((r) => wanted.has(r.fn)).map((r) => api.arnForExecuteApi(r.method, arnPath(r.path), '*')))];
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['execute-api:Invoke'], resourceArns });
    // The wildcards are the routes' path parameters (cluster, topic, group…) and the stage. A
    // grantee in another stack sees these ARNs as imports and acknowledges them itself.
    if (Construct.isConstruct(grantee) && Stack.of(grantee) === Stack.of(this)) {
      for (const arn of resourceArns) {
        acknowledge(
          grantee,
          `IAM5[Resource::${nagResource(grantee, arn)}]`,
          'execute-api:Invoke on one Brook route: the wildcards stand for its path parameters (cluster id, topic, partition, group) and the API stage, not for other routes.',
        );
      }
    }
    return grant;
  }
}
