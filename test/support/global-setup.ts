import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { BrookConfig } from '../../lib/config';
import { startLocalStack, type LocalStack } from '../../lib/local/stack';

declare module 'vitest' {
  export interface ProvidedContext {
    brookConfig: BrookConfig;
  }
}

let stack: LocalStack | undefined;
let dir: string | undefined;

/** One DynamoDB Local (in memory) and one s3rver for the whole run; tests use their own topics. */
export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'brook-test-'));
  const env = { ...process.env };
  delete env.AWS_ENDPOINT_URL;
  delete env.AWS_ENDPOINT_URL_S3;
  delete env.AWS_ENDPOINT_URL_DYNAMODB;
  stack = await startLocalStack({ dataDir: dir, inMemory: true, env });
  project.provide('brookConfig', stack.config);
}

export async function teardown(): Promise<void> {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
