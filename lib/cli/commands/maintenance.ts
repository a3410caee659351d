// brook maintenance run: one pass of runMaintenance (lib/maintenance/run.ts) — retention,
// compaction, small-object merge, garbage collection — as the scheduled Lambda runs it. It reads
// and writes S3 and DynamoDB directly, so it runs with the deployment's environment and
// credentials (or against npm start's emulators with --local), never over the HTTP API.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { action, int, type Ctx, type Opts } from '../command';
import { println, UsageError } from '../io';
import { table } from '../table';
import type { BrookConfig } from '../../config';

const LABELS: Record<string, string> = {
  partitionsChecked: 'partitions checked',
  partitionsTrimmed: 'partitions trimmed (retention)',
  entriesDeleted: 'index entries deleted',
  abortedEntriesDeleted: 'aborted-transaction index entries deleted',
  recordsCompacted: 'records compacted away',
  abortedRecordsCompacted: '… of them of aborted transactions',
  entriesMerged: 'small entries merged',
  mergedEntriesWritten: 'merged entries written',
  objectsListed: 'objects listed',
  objectsDeleted: 'unreferenced objects deleted',
  entriesOfDeletedTopics: 'entries of deleted topics dropped',
};

export function registerMaintenance(cmd: Command, ctx: Ctx): void {
  const run = cmd
    .helpCommand(false)
    .command('run')
    .description('Run one maintenance pass now, as the scheduled maintenance function does')
    .addHelpText(
      'after',
      "\nIt reads and writes S3 and DynamoDB directly (not over the HTTP API), with the deployment's environment:\n" +
        'BROOK_METADATA_TABLE, BROOK_BATCHES_TABLE, BROOK_BUCKET, AWS_REGION and AWS credentials (AWS_ENDPOINT_URL for LocalStack).\n' +
        "With --local it uses npm start's emulators instead.",
    )
    .option('--local', "npm start's stack: its running emulators, else emulators started on its data for this pass")
    .option('--data-dir <dir>', 'with --local: the data folder (default $BROOK_DATA_DIR or .brook)')
    .option('--grace-ms <ms>', 'unreferenced objects younger than this are kept (default 600000: 10 minutes)', int(0))
    .option('--no-merge', 'skip small-object compaction')
    .option('--json', 'print the report as JSON');
  action(run, (opts) => maintenance(ctx, opts));
}

/** The deployment's config from the environment; credentials from it too, else the AWS SDK's default chain. */
function deploymentConfig(env: NodeJS.ProcessEnv, configFromEnv: (env: NodeJS.ProcessEnv) => BrookConfig): BrookConfig {
  if (!env.BROOK_METADATA_TABLE && !env.AWS_ENDPOINT_URL && !env.AWS_ENDPOINT_URL_DYNAMODB) {
    throw new UsageError(
      'Say where the deployment is: set BROOK_METADATA_TABLE, BROOK_BATCHES_TABLE and BROOK_BUCKET (the stack\'s table and bucket names) with AWS credentials, or AWS_ENDPOINT_URL for LocalStack; or use --local for npm start\'s stack.',
    );
  }
  const config = configFromEnv(env);
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  return accessKeyId && secretAccessKey ? { ...config, credentials: { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } } : config;
}

async function maintenance(ctx: Ctx, opts: Opts): Promise<void> {
  const { io } = ctx;
  if (opts.dataDir !== undefined && !opts.local) throw new UsageError('--data-dir goes with --local.');
  const [{ configFromEnv }, { createBroker }, { runMaintenance }] = await Promise.all([import('../../config'), import('../../broker/context'), import('../../maintenance/run')]);
  let config: BrookConfig;
  let where: string;
  let stop = async () => {};
  if (opts.local) {
    const dataDir = resolve(opts.dataDir ?? io.env.BROOK_DATA_DIR ?? '.brook');
    const [{ runningEmulators }, { startLocalStack, EMULATOR_CREDENTIALS }] = await Promise.all([import('../local-stack'), import('../../local/stack')]);
    const env = { ...io.env, AWS_ENDPOINT_URL: undefined, AWS_ENDPOINT_URL_S3: undefined, AWS_ENDPOINT_URL_DYNAMODB: undefined };
    const running = await runningEmulators(dataDir);
    if (running) {
      config = { ...configFromEnv(env), endpoints: running, credentials: EMULATOR_CREDENTIALS };
      where = `npm start's emulators on ${dataDir}`;
    } else {
      const stack = await startLocalStack({ dataDir, env });
      config = stack.config;
      stop = stack.stop;
      where = `emulators started on ${dataDir}`;
    }
  } else {
    config = deploymentConfig(io.env, configFromEnv);
    where = `${config.endpoints.dynamodb ?? `DynamoDB ${config.region}`}`;
  }
  const broker = createBroker(config);
  const started = Date.now();
  try {
    const report = await runMaintenance(broker, { graceMs: opts.graceMs, merge: opts.merge === false ? false : undefined });
    if (opts.json) return println(io.stdout, JSON.stringify(report));
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    println(io.stdout, `Maintenance pass over ${config.metadataTable}, ${config.batchesTable} and s3://${config.bucket} (${where}) took ${secs} s:`);
    // Known counters in a readable order, then any the report gained since (under their own names).
    const keys = [...Object.keys(LABELS).filter((k) => k in report), ...Object.keys(report).filter((k) => !(k in LABELS))];
    println(io.stdout, ...table(['', ''], keys.map((k) => [`  ${LABELS[k] ?? k}`, String((report as unknown as Record<string, unknown>)[k])])).slice(1));
  } finally {
    broker.clients.s3.destroy();
    broker.clients.dynamodb.destroy();
    await stop();
  }
}
