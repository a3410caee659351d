import { join } from 'node:path';
import { createClients } from '../aws/clients';
import { configFromEnv, type BrookConfig } from '../config';
import { startDynamoDbLocal, startS3Emulator, type Emulator } from './emulators';
import { provision } from './provision';

export interface LocalStack {
  config: BrookConfig;
  emulators: Emulator[];
  stop(): Promise<void>;
}

/** Credentials the emulators accept (s3rver checks signatures made with these). */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * The local stack: with AWS_ENDPOINT_URL set (LocalStack), use it; otherwise start DynamoDB Local
 * and s3rver with their data under `dataDir` (or DynamoDB in memory), then create Brook's tables
 * and bucket where missing.
 */
export async function startLocalStack(options: { dataDir: string; inMemory?: boolean; env?: NodeJS.ProcessEnv }): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const base = configFromEnv(env);
  const emulators: Emulator[] = [];
  let config: BrookConfig = base;
  const external = env.AWS_ENDPOINT_URL || (env.AWS_ENDPOINT_URL_S3 && env.AWS_ENDPOINT_URL_DYNAMODB);
  if (!external) {
    // Settle both before judging: if one fails, the other is stopped, never orphaned.
    const started = await Promise.allSettled([
      startDynamoDbLocal({ dataDir: options.inMemory ? undefined : join(options.dataDir, 'dynamodb') }),
      startS3Emulator({ dataDir: join(options.dataDir, 's3') }),
    ]);
    for (const s of started) if (s.status === 'fulfilled') emulators.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
      await Promise.all(emulators.map((e) => e.stop()));
      throw failed.reason;
    }
    const [dynamodb, s3] = emulators as [Emulator, Emulator];
    config = { ...base, endpoints: { dynamodb: dynamodb.endpoint, s3: s3.endpoint }, credentials: EMULATOR_CREDENTIALS };
  }
  const clients = createClients(config);
  await provision(config, clients);
  clients.s3.destroy();
  clients.dynamodb.destroy();
  return { config, emulators, stop: () => Promise.all(emulators.map((e) => e.stop())).then(() => undefined) };
}
