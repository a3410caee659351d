// Where `npm start`'s emulators are. The local server starts DynamoDB Local and s3rver on free
// ports and records them nowhere, so `brook maintenance run --local` finds them by their command
// lines (`-port N … -dbPath <dataDir>/dynamodb`, `s3-emulator.cjs N <dataDir>/s3`), as `ps` shows
// them on Linux and macOS. If lib/local ever writes its endpoints to a file, read that instead.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface LocalEndpoints {
  dynamodb: string;
  s3: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The emulators serving `dataDir`, from `ps -o args=` output; undefined unless both run. */
export function findEmulators(psOutput: string, dataDir: string): LocalEndpoints | undefined {
  const dbPath = new RegExp(`-dbPath ${escape(join(dataDir, 'dynamodb'))}(?:\\s|$)`);
  const s3rver = new RegExp(`s3-emulator\\.cjs (\\d+) ${escape(join(dataDir, 's3'))}(?:\\s|$)`);
  let dynamodb: string | undefined;
  let s3: string | undefined;
  for (const line of psOutput.split('\n')) {
    const port = /DynamoDBLocal\.jar\b.*-port (\d+)/.exec(line)?.[1];
    if (port && dbPath.test(line)) dynamodb = `http://127.0.0.1:${port}`;
    const s3Port = s3rver.exec(line)?.[1];
    if (s3Port) s3 = `http://127.0.0.1:${s3Port}`;
  }
  return dynamodb && s3 ? { dynamodb, s3 } : undefined;
}

export function runningEmulators(dataDir: string): Promise<LocalEndpoints | undefined> {
  return new Promise((resolve) =>
    execFile('ps', ['-axww', '-o', 'args='], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => resolve(err ? undefined : findEmulators(stdout, dataDir))),
  );
}
