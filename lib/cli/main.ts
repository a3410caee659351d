// `brook`: the command Brook users run instead of Kafka's kafka-*.sh tools, with their flag names
// and output layouts. Each command lives in lib/cli/commands/ and imports the SDK (or the AWS SDK,
// for maintenance) only when it runs, so start-up and --help stay quick.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { Ctx } from './command';
import { errorLine } from './errors';
import type { CliIo } from './io';

type Register = (cmd: Command, ctx: Ctx) => void;

/** Each command's summary, and its module: only the command being run is loaded. */
const COMMANDS: Record<string, [summary: string, load: () => Promise<Register>]> = {
  topics: ['Create, list, describe, alter and delete topics (kafka-topics.sh)', () => import('./commands/topics').then((m) => m.registerTopics)],
  produce: ['Produce one record per line of stdin (kafka-console-producer.sh)', () => import('./commands/produce').then((m) => m.registerProduce)],
  consume: ['Print records to stdout, one per line (kafka-console-consumer.sh)', () => import('./commands/consume').then((m) => m.registerConsume)],
  offsets: ['Print partition offsets as topic:partition:offset (kafka-get-offsets.sh)', () => import('./commands/offsets').then((m) => m.registerOffsets)],
  groups: ['List, describe, reset and delete consumer groups (kafka-consumer-groups.sh)', () => import('./commands/groups').then((m) => m.registerGroups)],
  lag: ["A consumer group's lag and its Burrow-style status (docs/GROUPS.md)", () => import('./commands/lag').then((m) => m.registerLag)],
  'delete-records': ['Delete every record below an offset (kafka-delete-records.sh)', () => import('./commands/delete-records').then((m) => m.registerDeleteRecords)],
  maintenance: ['Log maintenance: retention, compaction, merging, garbage collection', () => import('./commands/maintenance').then((m) => m.registerMaintenance)],
};

function version(): string {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** The program; `name` (argv's first word) gets its full command, the others only their summary for --help. */
export async function buildProgram(ctx: Ctx, name?: string): Promise<Command> {
  const { io } = ctx;
  const program = new Command('brook')
    .description("Brook's command-line tools, with the flags and output of Kafka's kafka-*.sh tools.")
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError()
    .helpCommand(false);
  for (const [command, [summary, load]] of Object.entries(COMMANDS)) {
    const cmd = program.command(command).description(summary);
    if (command === name) (await load())(cmd, ctx);
  }
  program.addHelpText('after', '\nEvery command takes --bootstrap-server URL (default $BROOK_URL or http://localhost:8082). See docs/CLI.md.');
  return program;
}

/**
 * Runs one command line (`argv` without `node` and the script) and answers the exit code: 0 done,
 * 1 the command failed (one line on stderr, with Kafka's error name), 2 a usage error.
 */
export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const ctx: Ctx = {
    io: { stdout: io.stdout ?? process.stdout, stderr: io.stderr ?? process.stderr, stdin: io.stdin ?? process.stdin, env: io.env ?? process.env, signal: io.signal },
    exitCode: 0,
  };
  try {
    await (await buildProgram(ctx, argv[0])).parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
    ctx.io.stderr.write(`${errorLine(err, ctx.url)}\n`);
    return 1;
  }
}
