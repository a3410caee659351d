// The maintenance function: run on a schedule (EventBridge), not over HTTP. Each pass measures
// consumer lag for the alarm first (quick, read-only), then applies retention, compaction and
// garbage collection.
import type { LambdaContext } from 'hono/aws-lambda';
import { lambdaRuntime } from '../lib/lambda/handler';
import { runMaintenance } from '../lib/maintenance/run';
import { measureConsumerLag } from '../lib/observability/group-lag';
import type { Datum } from '../lib/observability/telemetry';

const { broker, telemetry } = lambdaRuntime('maintenance');
const { logger } = telemetry;

export const handler = async (_event: unknown, context?: LambdaContext) => {
  if (context) logger.addContext(context as never);
  let lagData: Datum[] = [];
  try {
    const { report, data } = await measureConsumerLag(broker, telemetry);
    lagData = data;
    logger.info('consumer lag', { ...report });
  } catch (err) {
    logger.error('consumer lag failed', err as Error);
  }
  try {
    const report = await runMaintenance(broker);
    logger.info('maintenance run', { ...report, ...telemetry.summary() });
    return report;
  } finally {
    telemetry.flush(lagData);
  }
};
