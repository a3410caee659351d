// Runs the CLI in-process, as `brook …` would run, with its own stdin text, environment and
// captured stdout/stderr.
import { Readable, Writable } from 'node:stream';
import { main } from '../../lib/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** `env` replaces the environment entirely (so the machine's AWS_* never leak in). */
export async function brook(args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<CliRun> {
  const out = sink();
  const err = sink();
  const stdin = Readable.from(options.stdin === undefined ? [] : [options.stdin]);
  const code = await main(args, { stdout: out.stream, stderr: err.stream, stdin, env: options.env ?? {}, signal: options.signal });
  return { code, stdout: out.text(), stderr: err.text() };
}

/** A CLI bound to one server: `run('topics', '--list')`. */
export const cliFor =
  (url: string) =>
  (...args: Array<string | number>) =>
    brook(args.map(String), { env: { BROOK_URL: url } });

/** Lines of a table, split on runs of spaces (Kafka's padded columns). */
export const rows = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/ +/));
