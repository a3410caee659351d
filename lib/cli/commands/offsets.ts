// brook offsets: kafka-get-offsets.sh. One `topic:partition:offset` line per partition.
import type { Command } from 'commander';
import { action, mapLimit, topicMatcher, type Ctx, type Opts } from '../command';
import { clusterPath, connect, withConnection } from '../connection';
import { CliError, println, UsageError } from '../io';

export function registerOffsets(cmd: Command, ctx: Ctx): void {
  withConnection(
    cmd
      .option('--topic <topic>', 'the topic, or a regular expression (default: every topic)')
      .option('--partitions <list>', 'comma-separated partition ids (default: all)')
      .option('--time <time>', '-1 or latest (default): the log end; -2 or earliest: the log start; epoch ms: the first offset at or after that time (-1 if none)', '-1'),
  );
  action(cmd, (opts) => offsets(ctx, opts));
}

/** What --time asks for: the log end, the log start, or a timestamp. */
export function parseTime(time: string): 'latest' | 'earliest' | number {
  if (time === '-1' || time === 'latest') return 'latest';
  if (time === '-2' || time === 'earliest') return 'earliest';
  if (time === '-3' || time === 'max-timestamp') throw new UsageError('--time -3 (max-timestamp) is not supported by Brook.');
  if (!/^\d+$/.test(time)) throw new UsageError(`--time must be -1, -2, latest, earliest or epoch milliseconds; got '${time}'.`);
  return Number(time);
}

async function offsets(ctx: Ctx, opts: Opts): Promise<void> {
  const time = parseTime(opts.time);
  const wanted = opts.partitions === undefined ? undefined : String(opts.partitions).split(',').map((p) => {
    if (!/^\d+$/.test(p.trim())) throw new UsageError(`--partitions must be partition ids separated by commas; got '${opts.partitions}'.`);
    return Number(p);
  });
  const { http } = await connect(ctx, opts);
  const match = topicMatcher(opts.topic) ?? (() => true);
  const { data } = await http.json<{ data: Array<{ topic_name: string; partitions_count: number }> }>({ method: 'GET', path: clusterPath('topics') });
  const topics = data.filter((t) => match(t.topic_name)).sort((a, b) => (a.topic_name < b.topic_name ? -1 : 1));
  if (opts.topic !== undefined && topics.length === 0) throw new CliError('UNKNOWN_TOPIC_OR_PARTITION', `No topic matches '${opts.topic}'.`);
  const asked = topics.flatMap((t) => Array.from({ length: t.partitions_count }, (_, p) => [t.topic_name, p] as const).filter(([, p]) => !wanted || wanted.includes(p)));
  const answers = await mapLimit(asked, 16, ([topic, p]) =>
      http.json<{ earliest_offset: number; latest_offset: number; timestamp_offset?: number }>({
        method: 'GET',
        path: `${clusterPath('topics', topic, 'partitions', p)}/offset`,
        query: { timestamp: typeof time === 'number' ? time : undefined },
      }),
  );
  println(ctx.io.stdout, ...asked.map(([topic, p], i) => {
    const a = answers[i]!;
    return `${topic}:${p}:${time === 'latest' ? a.latest_offset : time === 'earliest' ? a.earliest_offset : (a.timestamp_offset ?? -1)}`;
  }));
}
