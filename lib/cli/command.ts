// What every command module shares: the run's context and the action wrapper that turns a
// UsageError into commander's "error: … + usage" (exit 2).
import { InvalidArgumentError, type Command } from 'commander';
import { UsageError, type CliIo } from './io';

export interface Ctx {
  io: CliIo;
  /** Set by commands that finish but had failures (a record that was not produced): exit 1. */
  exitCode: number;
  /** The server's URL once connected, for error messages. */
  url?: string;
}

/** Options as commander parsed them; each command reads the ones it declared. */
export type Opts = Record<string, any>;

export function action(cmd: Command, fn: (opts: Opts, cmd: Command) => Promise<void>): Command {
  return cmd.action(async () => {
    try {
      await fn(cmd.opts(), cmd);
    } catch (err) {
      if (err instanceof UsageError) cmd.error(`error: ${err.message}`, { exitCode: 2, code: 'brook.usage' });
      throw err;
    }
  });
}

/** Exactly one of the mode flags (kafka-topics.sh's --list | --create | …), or a usage error. */
export function oneMode<T extends string>(opts: Opts, modes: readonly T[], flag: (m: T) => string = (m) => `--${m.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`): T {
  const given = modes.filter((m) => opts[m]);
  if (given.length !== 1) throw new UsageError(`Give exactly one of ${modes.map(flag).join(', ')}.`);
  return given[0]!;
}

export function need(opts: Opts, name: string, why: string): void {
  if (opts[name] === undefined) throw new UsageError(`${why} needs --${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.`);
}

/** Option parsers: integers (negative ones too: --shift-by -10, --time -2) and repeatable k=v pairs. */
export const int = (min = -Infinity) => (v: string) => {
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`Not an integer${min > -Infinity ? ` ≥ ${min}` : ''}.`);
  return n;
};

export const collect = (v: string, prev: string[] = []) => [...prev, v];

/** --isolation-level, kafka-console-consumer.sh's flag and values. */
export const isolationLevel = (v: string) => {
  if (v !== 'read_committed' && v !== 'read_uncommitted') throw new InvalidArgumentError('Must be read_committed or read_uncommitted.');
  return v;
};
export const ISOLATION_HELP = "measure lag to the last stable offset (read_committed) or the high watermark (read_uncommitted); default: each partition at its consumer's level";

/** `k=v` strings → pairs; the value may itself contain '='. */
export function keyValues(list: string[] | undefined, what: string): Array<[string, string]> {
  return (list ?? []).map((kv) => {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`${what} '${kv}' is not name=value.`);
    return [kv.slice(0, i).trim(), kv.slice(i + 1)];
  });
}

/** A topic name with regex characters is a pattern (Kafka's --topic accepts both), matched whole. */
export function topicMatcher(topic: string | undefined): ((name: string) => boolean) | undefined {
  if (topic === undefined) return undefined;
  if (/^[A-Za-z0-9._-]+$/.test(topic)) return (name) => name === topic;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${topic})$`);
  } catch {
    throw new UsageError(`--topic '${topic}' is neither a topic name nor a regular expression.`);
  }
  return (name) => re.test(name);
}

/** `fn` over `items`, at most `limit` at a time, answers in order (a topic with 500 partitions is 500 requests). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
