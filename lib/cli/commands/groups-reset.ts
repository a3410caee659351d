// kafka-consumer-groups.sh --reset-offsets: one offsets:reset request per group, a dry run unless
// --execute, printed as Kafka's GROUP TOPIC PARTITION NEW-OFFSET table.
import type { Ctx, Opts } from '../command';
import { clusterPath } from '../connection';
import { println, UsageError } from '../io';
import { table } from '../table';
import type { HttpClient } from '../../client/http';

interface Plan {
  data: Array<{ topic_name: string; partition_id: number; new_offset: number }>;
}

/** `orders` or `orders:0,1,2`. */
export function topicPartitions(spec: string): { topic_name: string; partitions?: number[] } {
  const [topic, list, ...extra] = spec.split(':');
  if (!topic || extra.length || (list !== undefined && !/^\d+(,\d+)*$/.test(list))) throw new UsageError(`--topic '${spec}' is neither a topic nor topic:partition,partition.`);
  return list === undefined ? { topic_name: topic } : { topic_name: topic, partitions: list.split(',').map(Number) };
}

/** Java's Duration.parse, for whole days, hours, minutes and (fractional) seconds: PT1H, P1DT12H, PT0.5S. */
export function durationMs(iso: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(iso);
  if (!m || iso.toUpperCase() === 'P' || iso.toUpperCase().endsWith('T')) throw new UsageError(`--by-duration '${iso}' is not an ISO-8601 duration such as PT1H or P1DT12H.`);
  const [d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0));
  return Math.round((((d! * 24 + h!) * 60 + min!) * 60 + s!) * 1000);
}

/** The request's strategy fields: exactly one of Kafka's --to-* / --shift-by / --by-duration. */
export function strategy(opts: Opts, now = Date.now()): Record<string, unknown> {
  const given: Array<Record<string, unknown>> = [];
  if (opts.toEarliest) given.push({ to_earliest: true });
  if (opts.toLatest) given.push({ to_latest: true });
  if (opts.toOffset !== undefined) given.push({ to_offset: opts.toOffset });
  if (opts.shiftBy !== undefined) given.push({ shift_by: opts.shiftBy });
  if (opts.byDuration !== undefined) given.push({ to_datetime: now - durationMs(opts.byDuration) });
  if (opts.toDatetime !== undefined) {
    const ms = Date.parse(opts.toDatetime);
    if (Number.isNaN(ms)) throw new UsageError(`--to-datetime '${opts.toDatetime}' is not a time such as 2026-11-26T10:00:00.000.`);
    given.push({ to_datetime: ms });
  }
  if (given.length !== 1) throw new UsageError('--reset-offsets needs exactly one of --to-earliest, --to-latest, --to-datetime, --by-duration, --shift-by, --to-offset.');
  return given[0]!;
}

export async function resetGroupOffsets(http: HttpClient, groups: string[], opts: Opts, { io }: Ctx): Promise<void> {
  const topics: string[] = opts.topic ?? [];
  if ((topics.length === 0) === !opts.allTopics) throw new UsageError('--reset-offsets needs --topic or --all-topics (not both).');
  if (opts.dryRun && opts.execute) throw new UsageError('Give --dry-run or --execute, not both.');
  const body = { ...(opts.allTopics ? { all_topics: true } : { topics: topics.map(topicPartitions) }), ...strategy(opts), execute: Boolean(opts.execute) };
  const rows: string[][] = [];
  for (const g of groups) {
    const plan = await http.json<Plan>({ method: 'POST', path: `${clusterPath('consumer-groups', g)}/offsets:reset`, json: body });
    const entries = plan.data.sort((a, b) => (a.topic_name === b.topic_name ? a.partition_id - b.partition_id : a.topic_name < b.topic_name ? -1 : 1));
    rows.push(...entries.map((e) => [g, e.topic_name, String(e.partition_id), String(e.new_offset)]));
  }
  if (rows.length) println(io.stdout, '', ...table(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], rows, [30, 30, 10, 15]));
  if (!opts.dryRun && !opts.execute) io.stderr.write('(A dry run: nothing was written. Add --execute to write these offsets.)\n');
}
