// The real `brook` executable, spawned once: the shebang, the tsx loader, the lazy command
// import and the exit code, end to end.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, uniqueTopic, type TestServer } from '../client/support';
import { cliFor } from './helpers';

const bin = fileURLToPath(new URL('../../bin/brook', import.meta.url));
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function run(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, BROOK_URL: server.url }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

it('bin/brook runs a command from a shell, reads stdin and exits with its code', async () => {
  const topic = uniqueTopic('cli-bin');
  const cli = cliFor(server.url);
  await cli('topics', '--create', '--topic', topic);
  // The first line is produced; the second has no key, which ends the run with exit 1.
  expect(await run(['produce', '--topic', topic, '--property', 'parse.key=true'], 'k\tfrom the launcher\nno key here\n')).toEqual({
    code: 1,
    stdout: '',
    stderr: "Error: INVALID_RECORD: No key separator found on line number 2: 'no key here'\n",
  });
  expect(await cli('consume', '--topic', topic, '--from-beginning', '--max-messages', 1, '--property', 'print.key=true')).toMatchObject({ code: 0, stdout: 'k\tfrom the launcher\n' });
}, 30_000);
