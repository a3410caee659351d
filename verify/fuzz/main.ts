/**
 * `npm run fuzz -- [--requests N] [--seed N] [--replay I]`: start DynamoDB Local (in memory) and
 * s3rver in a temporary directory, fuzz the HTTP API in process, print the report, stop the
 * emulators whatever happens. Exit code 0 only if no violation was found.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClients } from '../../lib/aws/clients';
import { RequestCounter } from '../../lib/aws/request-counter';
import { createBroker } from '../../lib/broker/context';
import { startLocalStack, type LocalStack } from '../../lib/local/stack';
import { describeViolation, formatReport } from './report';
import { runFuzz } from './run';

const USAGE = `Usage: npm run fuzz -- [--requests N] [--seed N] [--replay I] [--check-every N]
  --requests N     hostile requests to send (default 2000)
  --seed N         fast-check seed (default: random, printed)
  --replay I       send only request #I of the seed's sequence (to reproduce a failure)
  --check-every N  compare heads and topics every N requests (default 200)`;

function int(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    console.error(`--${name} must be an integer ≥ ${min}; got '${text}'.\n${USAGE}`);
    process.exit(2);
  }
  return Number(text);
}

let args;
try {
  args = parseArgs({
    options: { requests: { type: 'string', short: 'n' }, seed: { type: 'string', short: 's' }, replay: { type: 'string' }, 'check-every': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  }).values;
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const requests = int('requests', args.requests, 2000, 1);
const seed = int('seed', args.seed, Math.floor(Math.random() * 2 ** 31), -(2 ** 31));
const replay = args.replay === undefined ? undefined : int('replay', args.replay, 0, 0);
const checkEvery = int('check-every', args['check-every'], 200, 1);

let stack: LocalStack | undefined;
const dir = mkdtempSync(join(tmpdir(), 'brook-fuzz-'));
let stopped = false;
async function stop(): Promise<void> {
  if (stopped) return;
  stopped = true;
  await stack?.stop().catch((err) => console.error('stopping the emulators failed:', err));
  rmSync(dir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the emulators (seed ${seed})`);
    void stop().finally(() => process.exit(130));
  });
}

let code = 1;
try {
  console.log(`fuzz: seed ${seed}, ${replay === undefined ? `${requests} requests` : `replaying request #${replay}`}; starting DynamoDB Local and s3rver...`);
  // Always our own emulators, never an endpoint from the environment: the fuzzer creates topics.
  const env = { ...process.env };
  delete env.AWS_ENDPOINT_URL;
  delete env.AWS_ENDPOINT_URL_S3;
  delete env.AWS_ENDPOINT_URL_DYNAMODB;
  stack = await startLocalStack({ dataDir: dir, inMemory: true, env });
  const clients = createClients(stack.config);
  const counter = new RequestCounter().attach(clients);
  const broker = createBroker(stack.config, clients);
  const report = await runFuzz({
    broker,
    counter,
    requests,
    seed,
    replay,
    checkEvery,
    onProgress: (sent, total, violations, ms) => console.log(`fuzz: ${sent}/${total} requests, ${violations} violations, ${(ms / 1000).toFixed(1)} s`),
  });
  console.log(`\n${formatReport(report)}`);
  // A replay is one request: show every violation it caused, not only the first.
  if (replay !== undefined) for (const v of report.violations.slice(1)) console.log(`\n${describeViolation(v).join('\n')}`);
  clients.s3.destroy();
  clients.dynamodb.destroy();
  code = report.ok ? 0 : 1;
} catch (err) {
  console.error(`fuzz: the run itself failed (seed ${seed}):`, err);
  code = 1;
} finally {
  await stop();
}
process.exit(code);
