import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AwsClients } from '../aws/clients';
import { RequestCounter } from '../aws/request-counter';
import { AwsObserver } from './aws-observer';
import { DIMENSION, METRIC, METRICS_NAMESPACE, SERVICE_NAME } from './names';
import { Tally, type TopicTally } from './tally';

export interface TelemetryOptions {
  /** The function's role: produce, fetch, admin, groups, api (all routes) or maintenance. */
  fn: string;
  clusterId: string;
  metadataTable: string;
  batchesTable: string;
  /** Per-topic and per-group series (each is a custom metric CloudWatch bills): off by default. */
  detailed?: boolean;
  /** Injectable for tests; by default Powertools instances named for Brook. */
  metrics?: Metrics;
  detailedMetrics?: Metrics;
  logger?: Logger;
}

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];
export type Datum = [name: string, unit: Unit, value: number];

/**
 * Logs and metrics for one Lambda function: a Powertools logger (JSON, with the cluster, the
 * function and each invocation's request ids) and Powertools metrics (EMF: one log line per
 * invocation that CloudWatch turns into metrics, no PutMetricData calls and no IAM grant).
 * The counts come from middleware on the broker's AWS clients (AwsObserver, RequestCounter).
 * A Lambda container serves one request at a time, so one tally per function is one request's.
 */
export class Telemetry {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tally = new Tally();
  readonly requests = new RequestCounter();
  readonly observer: AwsObserver;
  private readonly detailedMetrics?: Metrics;

  constructor(options: TelemetryOptions) {
    const defaultDimensions = { [DIMENSION.cluster]: options.clusterId };
    this.logger = options.logger ?? new Logger({ serviceName: SERVICE_NAME, persistentKeys: { cluster: options.clusterId, function: options.fn } });
    this.metrics = options.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME, defaultDimensions });
    if (options.detailed) {
      this.detailedMetrics = options.detailedMetrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME, defaultDimensions });
    }
    this.observer = new AwsObserver(this.tally, {
      metadataTable: options.metadataTable,
      batchesTable: options.batchesTable,
      attributeFetches: options.fn === 'fetch' || options.fn === 'api',
    });
  }

  attach(clients: AwsClients): this {
    this.requests.attach(clients);
    this.observer.attach(clients);
    return this;
  }

  /** This invocation's figures so far, for its log line. */
  summary() {
    const total = this.tally.total();
    const requests = this.requests.snapshot();
    const sum = (prefix: string) => Object.entries(requests).reduce((n, [k, v]) => (k.startsWith(prefix) ? n + v : n), 0);
    return { ...total, s3Requests: sum('s3:'), dynamodbRequests: sum('dynamodb:'), requests };
  }

  /**
   * Publish this invocation's metrics (only the non-zero ones: a smaller EMF line) and start
   * counting afresh. `extra` adds metrics of the caller's own (the maintenance pass's lag).
   */
  flush(extra: Datum[] = []): void {
    const s = this.summary();
    const counted: Datum[] = [...topicData(s), [METRIC.s3Requests, MetricUnit.Count, s.s3Requests], [METRIC.dynamodbRequests, MetricUnit.Count, s.dynamodbRequests]];
    for (const [name, unit, value] of [...counted.filter(([, , v]) => v > 0), ...extra]) this.metrics.addMetric(name, unit, value);
    if (this.metrics.hasStoredMetrics()) this.metrics.publishStoredMetrics();
    if (this.detailedMetrics) {
      for (const [topic, t] of this.tally.topics) {
        if (topic !== '') this.publishDetailed(DIMENSION.topic, topic, topicData(t).filter(([, , v]) => v > 0));
      }
    }
    this.tally.reset();
    this.requests.reset();
    this.observer.reset();
  }

  /** One EMF line with an extra dimension (topic or group), when detailed metrics are on. */
  publishDetailed(dimension: string, value: string, data: Datum[]): void {
    const m = this.detailedMetrics;
    if (!m || data.length === 0) return;
    m.addDimension(dimension, value);
    for (const [name, unit, v] of data) m.addMetric(name, unit, v);
    m.publishStoredMetrics();
  }
}

function topicData(t: TopicTally): Datum[] {
  return [
    [METRIC.producedRecords, MetricUnit.Count, t.produced.records],
    [METRIC.producedBytes, MetricUnit.Bytes, t.produced.bytes],
    [METRIC.fetchedRecords, MetricUnit.Count, t.fetched.records],
    [METRIC.fetchedBytes, MetricUnit.Bytes, t.fetched.bytes],
    [METRIC.commits, MetricUnit.Count, t.commits],
    [METRIC.commitConflicts, MetricUnit.Count, t.conflicts],
  ];
}
