// brook groups: kafka-consumer-groups.sh over the consumer group routes (docs/GROUPS.md).
//   --list [--state] | --describe [--members [--verbose] | --state] | --reset-offsets | --delete
import type { Command } from 'commander';
import { action, collect, int, isolationLevel, ISOLATION_HELP, oneMode, type Ctx, type Opts } from '../command';
import { clusterPath, connect, withConnection } from '../connection';
import { errorLine } from '../errors';
import { println, UsageError } from '../io';
import { table } from '../table';
import type { HttpClient } from '../../client/http';
import { describeGroups, kafkaState, type GroupResource } from './groups-describe';
import { resetGroupOffsets } from './groups-reset';

const MODES = ['list', 'describe', 'resetOffsets', 'delete'] as const;

export function registerGroups(cmd: Command, ctx: Ctx): void {
  withConnection(
    cmd
      .option('--list', 'list the consumer groups')
      .option('--describe', 'describe groups: offsets and lag per partition (default), --members or --state')
      .option('--reset-offsets', 'reset committed offsets (a dry run unless --execute)')
      .option('--delete', 'delete groups and their committed offsets')
      .option('--group <group>', 'the group (repeatable)', collect)
      .option('--all-groups', 'with --describe: every group')
      .option('--members', 'with --describe: one line per member')
      .option('--verbose', 'with --describe --members: each member\'s partitions')
      .option('--isolation-level <level>', `with --describe: ${ISOLATION_HELP}`, isolationLevel)
      .option('--state [states]', "with --describe: the group's state; with --list: a STATE column, or only groups in these states (comma-separated)")
      .option('--topic <topic[:partitions]>', "with --reset-offsets: a topic, or some partitions of it ('orders:0,1') (repeatable)", collect)
      .option('--all-topics', 'with --reset-offsets: every topic the group has committed offsets for')
      .option('--to-earliest', 'reset to the log start')
      .option('--to-latest', 'reset to the log end')
      .option('--to-datetime <time>', "reset to the first offset at or after this time ('2026-11-26T10:00:00.000', local time unless it ends in Z or an offset)")
      .option('--by-duration <duration>', "reset to the first offset at or after now minus this duration ('PT1H', 'P1DT12H')")
      .option('--shift-by <n>', 'move each committed offset by n (may be negative)', int())
      .option('--to-offset <n>', 'reset to this offset', int(0))
      .option('--dry-run', 'with --reset-offsets: only print the new offsets (the default)')
      .option('--execute', 'with --reset-offsets: write the new offsets'),
  );
  action(cmd, async (opts) => {
    const mode = oneMode(opts, MODES);
    const groups: string[] = opts.group ?? [];
    if (mode !== 'list' && !(mode === 'describe' && opts.allGroups) && groups.length === 0) throw new UsageError(`--${mode === 'resetOffsets' ? 'reset-offsets' : mode} needs --group.`);
    if (opts.allGroups && groups.length) throw new UsageError('Give --group or --all-groups, not both.');
    const conn = await connect(ctx, opts);
    if (mode === 'list') return list(conn.http, opts, ctx);
    if (mode === 'describe') return describeGroups(conn, opts.allGroups ? (await listGroups(conn.http)).map((g) => g.consumer_group_id) : groups, opts, ctx);
    if (mode === 'resetOffsets') return resetGroupOffsets(conn.http, groups, opts, ctx);
    return remove(conn.http, groups, ctx);
  });
}

export async function listGroups(http: HttpClient): Promise<GroupResource[]> {
  const { data } = await http.json<{ data: GroupResource[] }>({ method: 'GET', path: clusterPath('consumer-groups') });
  return data.sort((a, b) => (a.consumer_group_id < b.consumer_group_id ? -1 : 1));
}

async function list(http: HttpClient, opts: Opts, { io }: Ctx): Promise<void> {
  const groups = await listGroups(http);
  if (!opts.state) return println(io.stdout, ...groups.map((g) => g.consumer_group_id));
  const only = typeof opts.state === 'string' ? opts.state.split(',').map((s: string) => s.trim().toLowerCase()) : undefined;
  const rows = groups.filter((g) => !only || only.includes(g.state.toLowerCase())).map((g) => [g.consumer_group_id, kafkaState(g.state)]);
  println(io.stdout, ...table(['GROUP', 'STATE'], rows, [15]));
}

/** Kafka prints one line for all deleted groups; each failure is its own error line (exit 1). */
async function remove(http: HttpClient, groups: string[], ctx: Ctx): Promise<void> {
  const deleted: string[] = [];
  for (const g of groups) {
    try {
      await http.json({ method: 'DELETE', path: clusterPath('consumer-groups', g) });
      deleted.push(g);
    } catch (err) {
      if (groups.length === 1) throw err;
      ctx.io.stderr.write(`${errorLine(err, ctx.url)}\n`);
      ctx.exitCode = 1;
    }
  }
  if (deleted.length) println(ctx.io.stdout, `Deletion of requested consumer groups (${deleted.map((g) => `'${g}'`).join(', ')}) was successful.`);
}
