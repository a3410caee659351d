import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { READY_LINE } from './protocol';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../..');

/**
 * The Brook chaos server as a child process: started, killed with SIGKILL, restarted on the same
 * port and the same emulators. Its stdin is a pipe from us, so it exits if the runner dies.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private readonly log: WriteStream;
  incarnation = 0;

  constructor(
    private readonly options: { port: number; env: NodeJS.ProcessEnv; logFile: string },
  ) {
    this.log = createWriteStream(options.logFile, { flags: 'a' });
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 60_000): Promise<number> {
    // The port may be briefly busy after a kill: try a few times.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce(timeoutMs);
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  private startOnce(timeoutMs: number): Promise<number> {
    const n = ++this.incarnation;
    this.log.write(`--- server incarnation ${n} ---\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'server.ts')], {
      cwd: REPO_ROOT,
      env: { ...this.options.env, BROOK_PORT: String(this.options.port) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr!.on('data', (d) => this.log.write(d));
    return new Promise<number>((resolvePid, reject) => {
      let out = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the chaos server did not start within ${timeoutMs} ms: ${out}`));
      }, timeoutMs);
      child.stdout!.on('data', (d) => {
        this.log.write(d);
        out += d;
        if (out.includes(READY_LINE)) {
          clearTimeout(timer);
          resolvePid(child.pid!);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the chaos server exited (${code ?? signal}) before it was ready: ${out}`));
      });
    });
  }

  /** kill -9, and wait until the process is gone. */
  kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((done) => {
      child.once('exit', () => done());
      child.kill('SIGKILL');
    });
  }

  async close(): Promise<void> {
    await this.kill();
    await new Promise<void>((r) => this.log.end(() => r()));
  }
}
