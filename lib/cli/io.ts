// What a command reads and writes. `main(argv, io)` takes these instead of touching `process`,
// so the tests run the CLI in-process with their own streams and environment.

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** Where BROOK_URL, AWS_* and BROOK_* settings are read (default process.env). */
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C: long-running commands (consume, produce) stop cleanly. */
  signal?: AbortSignal;
}

/** A failure with Kafka's error name, printed as `Error: NAME: message` (exit 1). */
export class CliError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

/** A mistake on the command line: printed with the command's usage, exit 2. */
export class UsageError extends Error {}

/** Writes lines to a stream, waiting when it is full (a consumer piped into a slow reader). */
export async function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> {
  if (!stream.write(`${line}\n`)) await new Promise<void>((resolve) => stream.once('drain', resolve));
}

export const println = (stream: NodeJS.WritableStream, ...lines: string[]) => {
  for (const line of lines) stream.write(`${line}\n`);
};
