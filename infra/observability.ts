import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { DIMENSION, METRIC, METRICS_NAMESPACE, SERVICE_NAME } from '../lib/observability/names';
import type { BrookApi } from './api';
import type { BrookFunctions } from './functions';
import type { BrookAlarmProps } from './props';

export interface BrookObservabilityProps {
  readonly clusterId: string;
  readonly api: BrookApi;
  readonly functions: BrookFunctions;
  readonly alarms: BrookAlarmProps;
  readonly dashboard: boolean;
  readonly detailedMetrics: boolean;
}

export interface BrookAlarms {
  /** 5xx answers per request above alarms.serverErrorRate in 2 of 3 five-minute periods. */
  readonly serverErrorRate: cw.Alarm;
  /** Any function throttled in 2 consecutive periods: reserved concurrency or the account quota is the limit. */
  readonly throttles: cw.Alarm;
  /** Commit attempts losing the race for a head above alarms.commitConflictRate for 15 minutes: a hot partition. */
  readonly commitConflictRate: cw.Alarm;
  /** Some group's lag above alarms.consumerLag for 3 maintenance passes (15 minutes). */
  readonly consumerLag: cw.Alarm;
  /** Two maintenance passes in a row failed: retention and garbage collection are not running. */
  readonly maintenanceErrors: cw.Alarm;
}

const PERIOD = Duration.minutes(5);

/**
 * The alarms an operator needs and one dashboard: the endpoint's requests, errors and latency;
 * Brook's own EMF metrics (records and bytes in and out, commits and conflicts, S3 and
 * DynamoDB requests, consumer lag); and each function's invocations, errors, throttles and
 * duration. Thresholds are props (BrookAlarmProps); the defaults are explained beside them.
 */
export class BrookObservability extends Construct {
  readonly alarms: BrookAlarms;
  readonly dashboard?: cw.Dashboard;

  constructor(scope: Construct, id: string, private readonly props: BrookObservabilityProps) {
    super(scope, id);
    const endpoint = this.endpointMetrics();
    const fns = props.functions.all;
    const maintenance = props.functions.functions.maintenance;

    const serverErrorRate = new cw.MathExpression({
      expression: 'IF(requests >= 10, FILL(errors, 0) / requests, 0)',
      usingMetrics: { requests: endpoint.requests, errors: endpoint.serverErrors },
      period: PERIOD,
      label: '5xx per request',
    });
    const throttled = new cw.MathExpression({
      expression: fns.map((_, i) => `FILL(t${i}, 0)`).join(' + '),
      usingMetrics: Object.fromEntries(fns.map(({ fn }, i) => [`t${i}`, fn.metricThrottles({ period: PERIOD, statistic: 'Sum' })])),
      period: PERIOD,
      label: 'Throttled invocations',
    });
    const conflictRate = new cw.MathExpression({
      expression: 'IF(FILL(commits, 0) + FILL(conflicts, 0) >= 100, FILL(conflicts, 0) / (FILL(commits, 0) + FILL(conflicts, 0)), 0)',
      usingMetrics: { commits: this.brook(METRIC.commits), conflicts: this.brook(METRIC.commitConflicts) },
      period: PERIOD,
      label: 'Conflicts per commit attempt',
    });
    const thresholds = { serverErrorRate: 0.01, commitConflictRate: 0.5, consumerLag: 100_000, ...props.alarms };
    const notBreaching = cw.TreatMissingData.NOT_BREACHING;
    const above = cw.ComparisonOperator.GREATER_THAN_THRESHOLD;
    this.alarms = {
      serverErrorRate: serverErrorRate.createAlarm(this, 'ServerErrorRate', {
        alarmDescription: `Brook ${props.clusterId}: more than ${thresholds.serverErrorRate * 100}% of requests answered 5xx (a bug or an AWS outage; clients retry them)`,
        threshold: thresholds.serverErrorRate,
        comparisonOperator: above,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: notBreaching,
      }),
      throttles: throttled.createAlarm(this, 'Throttles', {
        alarmDescription: `Brook ${props.clusterId}: Lambda throttled invocations in two consecutive 5-minute periods (reserved concurrency or the account's concurrency quota)`,
        threshold: 1,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: notBreaching,
      }),
      commitConflictRate: conflictRate.createAlarm(this, 'CommitConflictRate', {
        alarmDescription: `Brook ${props.clusterId}: more than ${thresholds.commitConflictRate * 100}% of commit attempts lost the race for a partition head for 15 minutes (many producers on one partition)`,
        threshold: thresholds.commitConflictRate,
        comparisonOperator: above,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: notBreaching,
      }),
      consumerLag: this.brook(METRIC.maxConsumerLag, 'Maximum').createAlarm(this, 'ConsumerLag', {
        alarmDescription: `Brook ${props.clusterId}: a consumer group lags more than ${thresholds.consumerLag} records behind the log end for 15 minutes (measured by each maintenance pass)`,
        threshold: thresholds.consumerLag,
        comparisonOperator: above,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: notBreaching,
      }),
      maintenanceErrors: maintenance.metricErrors({ period: PERIOD, statistic: 'Sum' }).createAlarm(this, 'MaintenanceErrors', {
        alarmDescription: `Brook ${props.clusterId}: two maintenance passes in a row failed (retention, compaction and garbage collection are not running)`,
        threshold: 1,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: notBreaching,
      }),
    };
    if (props.alarms.action) for (const alarm of Object.values(this.alarms)) alarm.addAlarmAction(props.alarms.action);
    if (props.dashboard) this.dashboard = this.buildDashboard(endpoint, { serverErrorRate, throttled, conflictRate });
  }

  /** One of Brook's own metrics (lib/observability/names.ts), cluster-wide. */
  brook(name: string, statistic = 'Sum'): cw.Metric {
    return new cw.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { [DIMENSION.service]: SERVICE_NAME, [DIMENSION.cluster]: this.props.clusterId },
      statistic,
      period: PERIOD,
      label: name,
    });
  }

  private endpointMetrics() {
    const { httpApi } = this.props.api;
    const o = { period: PERIOD };
    if (httpApi) {
      return {
        requests: httpApi.metricCount({ ...o, statistic: 'Sum' }),
        clientErrors: httpApi.metricClientError({ ...o, statistic: 'Sum' }),
        serverErrors: httpApi.metricServerError({ ...o, statistic: 'Sum' }),
        latency: (statistic: string) => httpApi.metricLatency({ ...o, statistic }),
      };
    }
    const fn: NodejsFunction = this.props.functions.functions.produce;
    const url = (metricName: string, statistic: string) =>
      new cw.Metric({ namespace: 'AWS/Lambda', metricName, dimensionsMap: { FunctionName: fn.functionName }, statistic, period: PERIOD });
    return {
      requests: url('UrlRequestCount', 'Sum'),
      clientErrors: url('Url4xxCount', 'Sum'),
      serverErrors: url('Url5xxCount', 'Sum'),
      latency: (statistic: string) => url('UrlRequestLatency', statistic),
    };
  }

  private buildDashboard(
    endpoint: ReturnType<BrookObservability['endpointMetrics']>,
    math: { serverErrorRate: cw.MathExpression; throttled: cw.MathExpression; conflictRate: cw.MathExpression },
  ): cw.Dashboard {
    const { clusterId } = this.props;
    const fns = this.props.functions.all;
    const graph = (title: string, left: cw.IMetric[], right: cw.IMetric[] = []) => new cw.GraphWidget({ title, left, right, width: 8, height: 6 });
    const perFunction = (title: string, metric: (fn: NodejsFunction) => cw.IMetric) => graph(title, fns.map(({ name, fn }) => labelled(metric(fn), name)));
    const dashboard = new cw.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    dashboard.addWidgets(
      new cw.AlarmStatusWidget({ title: `Brook ${clusterId}: alarms`, alarms: Object.values(this.alarms), width: 24, height: 3 }),
    );
    dashboard.addWidgets(
      graph('Requests and errors', [labelled(endpoint.requests, 'requests')], [labelled(endpoint.clientErrors, '4xx'), labelled(endpoint.serverErrors, '5xx')]),
      graph('Latency (ms)', [labelled(endpoint.latency('p50'), 'p50'), labelled(endpoint.latency('p99'), 'p99')]),
      graph('5xx rate and throttles', [math.serverErrorRate], [math.throttled]),
    );
    dashboard.addWidgets(
      graph('Records in and out', [this.brook(METRIC.producedRecords), this.brook(METRIC.fetchedRecords)]),
      graph('Bytes in and out', [this.brook(METRIC.producedBytes), this.brook(METRIC.fetchedBytes)]),
      graph('Commits and conflicts', [this.brook(METRIC.commits), this.brook(METRIC.commitConflicts)], [math.conflictRate]),
    );
    dashboard.addWidgets(
      graph('S3 and DynamoDB requests', [this.brook(METRIC.s3Requests), this.brook(METRIC.dynamodbRequests)]),
      graph('Largest consumer lag (records)', [this.brook(METRIC.maxConsumerLag, 'Maximum')]),
      perFunction('Invocations', (fn) => fn.metricInvocations({ period: PERIOD, statistic: 'Sum' })),
    );
    dashboard.addWidgets(
      perFunction('Errors', (fn) => fn.metricErrors({ period: PERIOD, statistic: 'Sum' })),
      perFunction('Throttles', (fn) => fn.metricThrottles({ period: PERIOD, statistic: 'Sum' })),
      perFunction('Duration p99 (ms)', (fn) => fn.metricDuration({ period: PERIOD, statistic: 'p99' })),
    );
    if (this.props.detailedMetrics) {
      const search = (dimension: string, metric: string, statistic: string) =>
        new cw.MathExpression({
          expression: `SEARCH('{${METRICS_NAMESPACE},${DIMENSION.cluster},${DIMENSION.service},${dimension}} ${DIMENSION.cluster}="${clusterId}" MetricName="${metric}"', '${statistic}', ${PERIOD.toSeconds()})`,
          usingMetrics: {},
          label: '',
        });
      dashboard.addWidgets(
        graph('Records produced by topic', [search(DIMENSION.topic, METRIC.producedRecords, 'Sum')]),
        graph('Records fetched by topic', [search(DIMENSION.topic, METRIC.fetchedRecords, 'Sum')]),
        graph('Lag by consumer group', [search(DIMENSION.group, METRIC.consumerLag, 'Maximum')]),
      );
    }
    return dashboard;
  }
}

function labelled(metric: cw.IMetric, label: string): cw.IMetric {
  return metric instanceof cw.Metric ? metric.with({ label }) : metric;
}
