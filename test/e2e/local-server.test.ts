import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../lib/local/free-port';

/** `npm start` as a user runs it: the real process, its emulators, its data folder. */
async function start(dataDir: string, port: number): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, BROOK_DATA_DIR: dataDir, BROOK_PORT: String(port) };
  delete env.AWS_ENDPOINT_URL;
  delete env.AWS_ENDPOINT_URL_S3;
  delete env.AWS_ENDPOINT_URL_DYNAMODB;
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/local/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('Brook is serving')) resolve();
    });
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${out}`)));
  });
  return child;
}

const emulatorsOf = (dataDir: string) => spawnSync('pgrep', ['-f', dataDir], { encoding: 'utf8' }).stdout.trim();

async function until(check: () => boolean, ms = 15_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

const stop = (child: ChildProcess, signal: NodeJS.Signals) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });

describe('the local server (npm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-local-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every record across a restart on the same data folder, and leaves no emulator running', async () => {
    const port = await freePort();
    const B = `http://127.0.0.1:${port}/v3/clusters/brook-local`;
    const post = (path: string, body: unknown) =>
      globalThis.fetch(`${B}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    let server = await start(dataDir, port);
    expect((await post('/topics', { topic_name: 'kept', partitions_count: 2 })).status).toBe(201);
    const entries = Array.from({ length: 20 }, (_, i) => ({ id: String(i), partition_id: i % 2, value: { type: 'STRING', data: `v${i}` } }));
    expect((await post('/topics/kept/records:batch', { entries })).status).toBe(207);
    await stop(server, 'SIGTERM');
    expect(await until(() => emulatorsOf(dataDir) === '')).toBe(true);

    server = await start(dataDir, port);
    for (const p of [0, 1]) {
      const res = await globalThis.fetch(`${B}/topics/kept/partitions/${p}/records?offset=0&value_format=STRING`);
      const body = (await res.json()) as { data: Array<{ value: { data: string } }> };
      expect(body.data.map((r) => r.value.data)).toEqual(entries.filter((e) => e.partition_id === p).map((e) => e.value.data));
    }

    // A server killed without a chance to clean up still takes its emulators down with it.
    await stop(server, 'SIGKILL');
    expect(await until(() => emulatorsOf(dataDir) === '')).toBe(true);
  });
});
