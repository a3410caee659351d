// brook topics: kafka-topics.sh over the REST v3 topic routes.
//   --list | --create | --describe | --alter | --delete, with --topic, --partitions, --config.
import type { Command } from 'commander';
import { action, collect, int, keyValues, need, oneMode, topicMatcher, type Ctx, type Opts } from '../command';
import { clusterPath, connect, withConnection } from '../connection';
import { CliError, println, UsageError } from '../io';
import type { HttpClient } from '../../client/http';

interface TopicResource {
  topic_name: string;
  topic_id: string;
  partitions_count: number;
  replication_factor: number;
}

const MODES = ['list', 'create', 'describe', 'alter', 'delete'] as const;

export function registerTopics(cmd: Command, ctx: Ctx): void {
  withConnection(
    cmd
      .option('--list', 'list the topics')
      .option('--create', 'create a topic')
      .option('--describe', 'describe topics: partitions and config overrides')
      .option('--alter', 'add partitions, or set or remove configs')
      .option('--delete', 'delete a topic')
      .option('--topic <topic>', 'the topic (--list and --describe also take a regular expression)')
      .option('--partitions <n>', 'partition count for --create (default 1); --alter raises it', int(1))
      .option('--replication-factor <n>', "accepted as Kafka does: -1 or 1 to 3 (S3 and DynamoDB keep 3 copies whatever it says)", int(-1))
      .option('--config <name=value>', 'a topic config for --create or --alter (repeatable)', collect)
      .option('--delete-config <name>', 'remove a config override with --alter (repeatable)', collect)
      .option('--if-exists', 'with --alter or --delete: do nothing if the topic does not exist')
      .option('--if-not-exists', 'with --create: do nothing if the topic exists'),
  );
  action(cmd, async (opts) => {
    const mode = oneMode(opts, MODES);
    if (mode !== 'list' && mode !== 'describe') need(opts, 'topic', `--${mode}`);
    const { http } = await connect(ctx, opts);
    await { list, create, describe, alter, delete: remove }[mode](http, opts, ctx);
  });
}

const topicPath = (t: string) => clusterPath('topics', t);

async function listTopics(http: HttpClient): Promise<TopicResource[]> {
  const { data } = await http.json<{ data: TopicResource[] }>({ method: 'GET', path: clusterPath('topics') });
  return data.sort((a, b) => (a.topic_name < b.topic_name ? -1 : 1));
}

/** Unknown topics are ignored with --if-exists / --if-not-exists, as kafka-topics.sh does. */
async function unlessMissing(opts: Opts, fn: () => Promise<void>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    if (opts.ifExists && (err as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return false;
    throw err;
  }
}

async function list(http: HttpClient, opts: Opts, { io }: Ctx): Promise<void> {
  const match = topicMatcher(opts.topic) ?? (() => true);
  println(io.stdout, ...(await listTopics(http)).map((t) => t.topic_name).filter(match));
}

async function create(http: HttpClient, opts: Opts, { io }: Ctx): Promise<void> {
  const configs = keyValues(opts.config, '--config').map(([name, value]) => ({ name, value }));
  try {
    await http.json({
      method: 'POST',
      path: clusterPath('topics'),
      json: { topic_name: opts.topic, partitions_count: opts.partitions ?? 1, ...(opts.replicationFactor !== undefined ? { replication_factor: opts.replicationFactor } : {}), configs },
    });
  } catch (err) {
    if (opts.ifNotExists && (err as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') return;
    throw err;
  }
  println(io.stdout, `Created topic ${opts.topic}.`);
}

/**
 * kafka-topics.sh's layout, tab-separated. Brook has no brokers: every partition shows leader,
 * replica and ISR node 0 (the one node the SDK's describeCluster lists); ReplicationFactor is
 * the server's answer, 3, for the three copies S3 and DynamoDB keep.
 */
async function describe(http: HttpClient, opts: Opts, { io }: Ctx): Promise<void> {
  const match = topicMatcher(opts.topic);
  const exact = opts.topic !== undefined && /^[A-Za-z0-9._-]+$/.test(opts.topic);
  const topics = exact ? [await http.json<TopicResource>({ method: 'GET', path: topicPath(opts.topic) })] : (await listTopics(http)).filter((t) => !match || match(t.topic_name));
  if (opts.topic !== undefined && topics.length === 0) throw new CliError('UNKNOWN_TOPIC_OR_PARTITION', `No topic matches '${opts.topic}'.`);
  const configs = await Promise.all(
    topics.map((t) => http.json<{ data: Array<{ name: string; value: string | null; is_default: boolean }> }>({ method: 'GET', path: `${topicPath(t.topic_name)}/configs` })),
  );
  topics.forEach((t, i) => {
    const overrides = configs[i]!.data.filter((c) => !c.is_default).map((c) => `${c.name}=${c.value}`);
    println(io.stdout, `Topic: ${t.topic_name}\tTopicId: ${t.topic_id}\tPartitionCount: ${t.partitions_count}\tReplicationFactor: ${t.replication_factor}\tConfigs: ${overrides.join(',')}`);
    for (let p = 0; p < t.partitions_count; p++) println(io.stdout, `\tTopic: ${t.topic_name}\tPartition: ${p}\tLeader: 0\tReplicas: 0\tIsr: 0`);
  });
}

async function alter(http: HttpClient, opts: Opts, { io }: Ctx): Promise<void> {
  const set = keyValues(opts.config, '--config');
  const removed: string[] = opts.deleteConfig ?? [];
  if (opts.partitions === undefined && set.length === 0 && removed.length === 0) throw new UsageError('--alter needs --partitions, --config or --delete-config.');
  if (opts.partitions !== undefined) {
    if (!(await unlessMissing(opts, () => http.json({ method: 'PATCH', path: topicPath(opts.topic), json: { partitions_count: opts.partitions } })))) return;
  }
  if (set.length || removed.length) {
    const data = [...set.map(([name, value]) => ({ name, value, operation: 'SET' })), ...removed.map((name) => ({ name, operation: 'DELETE' }))];
    if (await unlessMissing(opts, () => http.json({ method: 'POST', path: `${topicPath(opts.topic)}/configs:alter`, json: { data } }))) {
      println(io.stdout, `Completed updating config for topic ${opts.topic}.`);
    }
  }
}

async function remove(http: HttpClient, opts: Opts): Promise<void> {
  await unlessMissing(opts, () => http.json({ method: 'DELETE', path: topicPath(opts.topic) }));
}
