import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Broker } from '../broker/context';
import { groupLag } from '../broker/group-lag';
import { listGroupIds } from '../metadata/group-store';
import { DIMENSION, METRIC } from './names';
import type { Datum, Telemetry } from './telemetry';

export interface LagReport {
  groups: number;
  maxLag: number;
  maxGroup?: string;
  failed: number;
}

/**
 * Consumer lag for the alarm and the dashboard, computed by the maintenance pass every five
 * minutes: each group's largest partition lag (log end − committed offset, or last stable offset −
 * committed offset for read_committed consumers, as the lag routes answer), the maximum over all
 * groups as `MaxConsumerLag`, and per group as `ConsumerLag` when detailed metrics are on.
 * Requests per group: 2 Queries + 1 BatchGetItem per topic (1 GetItem per read_committed partition).
 */
export async function measureConsumerLag(broker: Broker, telemetry: Telemetry, concurrency = 8): Promise<{ report: LagReport; data: Datum[] }> {
  const ids = await listGroupIds(broker);
  const report: LagReport = { groups: ids.length, maxLag: 0, failed: 0 };
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      try {
        const { maxLag } = await groupLag(broker, id);
        if (report.maxGroup === undefined || maxLag > report.maxLag) Object.assign(report, { maxLag, maxGroup: id });
        telemetry.publishDetailed(DIMENSION.group, id, [[METRIC.consumerLag, MetricUnit.Count, maxLag]]);
      } catch (err) {
        // A group deleted since it was listed, or a transient error: the next pass sees it again.
        report.failed++;
        telemetry.logger.warn('consumer lag not measured', { group: id, error: String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  return { report, data: [[METRIC.maxConsumerLag, MetricUnit.Count, report.maxLag]] };
}
