/**
 * `npm start`: the local stack (DynamoDB Local + s3rver, data under .brook/ or BROOK_DATA_DIR, or
 * LocalStack when AWS_ENDPOINT_URL is set) and the HTTP API on http://localhost:8082.
 */
import { resolve } from 'node:path';
import { createBroker } from '../broker/context';
import { JavaMissingError } from './emulators';
import { scheduleMaintenance } from './maintenance-timer';
import { startServer } from './server';
import { startLocalStack, type LocalStack } from './stack';

// The lockfile pins an AWS SDK that runs on Node 20 (see README); skip its upgrade notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const dataDir = resolve(process.env.BROOK_DATA_DIR ?? '.brook');
const port = Number(process.env.BROOK_PORT ?? 8082);
const host = process.env.BROOK_HOST ?? 'localhost';

let stack: LocalStack | undefined;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await stack?.stop();
  }
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  stack = await startLocalStack({ dataDir });
  const broker = createBroker(stack.config);
  const server = await startServer(stack.config, port, host === 'localhost' ? '127.0.0.1' : host, broker);
  scheduleMaintenance(broker, Number(process.env.BROOK_MAINTENANCE_INTERVAL_MS ?? 60_000));
  const url = `http://localhost:${server.port}`;
  console.log(`Brook is serving the REST API on ${url}`);
  console.log(`  cluster id: ${stack.config.clusterId}`);
  console.log(stack.emulators.length ? `  data:       ${dataDir}` : `  storage:    ${process.env.AWS_ENDPOINT_URL ?? 'AWS endpoints from the environment'}`);
  console.log(`  try:        curl ${url}/v3/clusters`);
  console.log('Press Ctrl-C to stop.');
} catch (err) {
  if (err instanceof JavaMissingError) console.error(err.message);
  else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`Port ${port} is in use; set BROOK_PORT to another port.`);
  else console.error('Brook failed to start:', err);
  await shutdown(1);
}
