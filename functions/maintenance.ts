// The maintenance function: run on a schedule (EventBridge), not over HTTP.
import { createBroker } from '../lib/broker/context';
import { configFromEnv } from '../lib/config';
import { runMaintenance } from '../lib/maintenance/run';

const broker = createBroker(configFromEnv());

export const handler = async () => {
  const report = await runMaintenance(broker);
  console.log(JSON.stringify({ level: 'info', message: 'maintenance run', ...report }));
  return report;
};
