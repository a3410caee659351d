// kafka-consumer-groups.sh --describe: offsets (default), --members or --state, with Kafka's columns.
import { mapLimit, type Ctx, type Opts } from '../command';
import { clusterPath, type Connection } from '../connection';
import { println, UsageError } from '../io';
import { MISSING, table } from '../table';
import type { HttpClient } from '../../client/http';

export interface GroupResource {
  consumer_group_id: string;
  state: string;
  partition_assignor: string;
  members_count: number;
  isolation_level?: string | null;
}

/** Kafka's names for the group states (the REST resource says EMPTY, STABLE, …). */
export const kafkaState = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s);

interface Member {
  consumer_id: string;
  instance_id: string | null;
  client_id: string;
  host: string;
  assigned_partitions: Array<{ topic_name: string; partition_id: number }>;
  pending_revocation: Array<{ topic_name: string; partition_id: number }>;
  isolation_level?: string | null;
}

interface Lag {
  topic_name: string;
  partition_id: number;
  current_offset: number;
  log_end_offset: number;
  lag: number;
  consumer_id: string;
  client_id: string;
  host: string;
}

const orMissing = (s: string | null | undefined) => (s ? s : MISSING);
const byTopicPartition = (a: { topic: string; partition: number }, b: { topic: string; partition: number }) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1);

export async function describeGroups(conn: Connection, groups: string[], opts: Opts, ctx: Ctx): Promise<void> {
  if (opts.members && opts.state) throw new UsageError('Give --members or --state, not both.');
  if (opts.verbose && !opts.members) throw new UsageError('--verbose goes with --members.');
  for (const g of groups) {
    const [group, { data: members }] = await Promise.all([
      conn.http.json<GroupResource>({ method: 'GET', path: clusterPath('consumer-groups', g) }),
      conn.http.json<{ data: Member[] }>({ method: 'GET', path: `${clusterPath('consumer-groups', g)}/consumers` }),
    ]);
    const lines = opts.state ? stateLines(conn.url, group) : opts.members ? memberLines(g, members, opts.verbose) : await offsetLines(conn.http, g, members, opts.isolationLevel, group.isolation_level);
    // As kafka-consumer-groups.sh: the state on stderr, then (if there is anything to show) a blank line and the table.
    if (group.state === 'EMPTY' && !opts.state) ctx.io.stderr.write(`\nConsumer group '${g}' has no active members.\n`);
    if ((group.state === 'ASSIGNING' || group.state === 'RECONCILING') && !opts.state) ctx.io.stderr.write(`\nWarning: Consumer group '${g}' is rebalancing.\n`);
    if (lines.length > 1) println(ctx.io.stdout, '', ...lines);
  }
}

/**
 * GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID: every
 * committed partition (lags), every assigned partition without a commit (CURRENT-OFFSET and LAG
 * "-", as Kafka shows them) and every member without partitions (a row of "-"). LOG-END-OFFSET is
 * the last stable offset for read_committed consumers (or all rows with --isolation-level
 * read_committed), as their own endOffsets() says: the server picks each committed partition's
 * level; an uncommitted one is at the option's, else its member's, else the group's.
 */
async function offsetLines(http: HttpClient, g: string, members: Member[], asked?: string, groupLevel?: string | null): Promise<string[]> {
  const { data: lags } = await http.json<{ data: Lag[] }>({ method: 'GET', path: `${clusterPath('consumer-groups', g)}/lags`, query: { isolation_level: asked } });
  const committed = new Set(lags.map((l) => `${l.topic_name}:${l.partition_id}`));
  const uncommitted = members.flatMap((m) =>
    [...m.assigned_partitions, ...m.pending_revocation].filter((a) => !committed.has(`${a.topic_name}:${a.partition_id}`)).map((a) => ({ m, topic: a.topic_name, partition: a.partition_id })),
  );
  const logEnds = await mapLimit(uncommitted, 16, (u) =>
    http
      .json<{ latest_offset: number }>({ method: 'GET', path: `${clusterPath('topics', u.topic, 'partitions', u.partition)}/offset`, query: { isolation_level: asked ?? u.m.isolation_level ?? groupLevel ?? undefined } })
      .then((o) => String(o.latest_offset), () => MISSING),
  );
  const rows = [
    ...lags.map((l) => ({ topic: l.topic_name, partition: l.partition_id, cells: [l.current_offset, l.log_end_offset, l.lag, orMissing(l.consumer_id), orMissing(l.host), orMissing(l.client_id)] })),
    ...uncommitted.map((u, i) => ({ topic: u.topic, partition: u.partition, cells: [MISSING, logEnds[i]!, MISSING, u.m.consumer_id, orMissing(u.m.host), orMissing(u.m.client_id)] })),
  ].sort(byTopicPartition);
  const idle = members.filter((m) => m.assigned_partitions.length + m.pending_revocation.length === 0);
  const header = ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'];
  return table(
    header,
    [
      ...rows.map((r) => [g, r.topic, r.partition, ...r.cells.map(String)]),
      ...idle.map((m) => [g, MISSING, MISSING, MISSING, MISSING, MISSING, m.consumer_id, orMissing(m.host), orMissing(m.client_id)]),
    ],
    [15, 15, 10, 15, 15, 15, 15, 15],
  );
}

/** GROUP CONSUMER-ID [GROUP-INSTANCE-ID] HOST CLIENT-ID #PARTITIONS [ASSIGNMENT]. */
function memberLines(g: string, members: Member[], verbose: boolean): string[] {
  const statics = members.some((m) => m.instance_id);
  const assignment = (m: Member) => {
    const byTopic = new Map<string, number[]>();
    for (const a of [...m.assigned_partitions, ...m.pending_revocation]) byTopic.set(a.topic_name, [...(byTopic.get(a.topic_name) ?? []), a.partition_id]);
    const parts = [...byTopic].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, ps]) => `${t}(${ps.sort((a, b) => a - b).join(',')})`);
    return parts.length ? parts.join(',') : MISSING;
  };
  const header = ['GROUP', 'CONSUMER-ID', ...(statics ? ['GROUP-INSTANCE-ID'] : []), 'HOST', 'CLIENT-ID', '#PARTITIONS', ...(verbose ? ['ASSIGNMENT'] : [])];
  const rows = members.map((m) => [
    g,
    m.consumer_id,
    ...(statics ? [orMissing(m.instance_id)] : []),
    orMissing(m.host),
    orMissing(m.client_id),
    String(m.assigned_partitions.length + m.pending_revocation.length),
    ...(verbose ? [assignment(m)] : []),
  ]);
  return table(header, rows, [15, 15, ...(statics ? [17] : []), 15, 15, 15]);
}

/** GROUP COORDINATOR (ID) ASSIGNMENT-STRATEGY STATE #MEMBERS; any server coordinates, shown as node 0 at the URL. */
function stateLines(url: string, group: GroupResource): string[] {
  const u = new URL(url);
  const coordinator = `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}  (0)`;
  return table(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'], [[group.consumer_group_id, coordinator, group.partition_assignor, kafkaState(group.state), String(group.members_count)]], [15, 25, 20, 20]);
}
