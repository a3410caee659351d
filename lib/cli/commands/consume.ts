// brook consume: kafka-console-consumer.sh over the SDK consumer. Without --group it reads every
// partition and commits nothing (Kafka's console consumer would make up a group); with --group it
// is a member of that consumer group, through the SDK's groupId.
import type { Command } from 'commander';
import { action, collect, int, keyValues, type Ctx, type Opts } from '../command';
import { clusterPath, connect, withConnection } from '../connection';
import { CliError, UsageError } from '../io';
import type { HttpClient } from '../../client/http';
import type { Consumer } from '../../client/consumer/consumer';
import type { KafkaMessage } from '../../client/consumer/messages';

export function registerConsume(cmd: Command, ctx: Ctx): void {
  withConnection(
    cmd
      .option('--topic <topic>', 'the topic')
      .option('--include <regex>', 'every topic matching this regular expression, instead of --topic')
      .option('--group <group>', 'consume as a member of this consumer group (commits its offsets)')
      .option('--from-beginning', 'start at the log start when there is no committed offset (default: the log end)')
      .option('--partition <p>', 'only this partition (without --group)', int(0))
      .option('--offset <offset>', "with --partition: 'earliest', 'latest' (default) or an offset")
      .option('--max-messages <n>', 'exit after this many records', int(1))
      .option('--timeout-ms <ms>', 'exit when no record arrived for this long', int(0))
      .option('--property <name=value>', 'output: print.key, print.value (true), print.timestamp, print.partition, print.offset, print.headers, key.separator (tab), line.separator (\\n), headers.separator (,), headers.key.separator (:), null.literal (null) (repeatable)', collect),
  );
  action(cmd, (opts) => consume(ctx, opts));
}

interface Formatter {
  (topic: string, partition: number, m: KafkaMessage): Promise<Buffer>;
}

/** Kafka's DefaultMessageFormatter: [timestamp] [Partition:p] [Offset:o] [headers] [key] [value], separated by key.separator. */
export function formatter(props: Map<string, string>, timestampType: (topic: string) => Promise<string>): Formatter {
  const known = ['print.key', 'print.value', 'print.timestamp', 'print.partition', 'print.offset', 'print.headers', 'key.separator', 'line.separator', 'headers.separator', 'headers.key.separator', 'null.literal'];
  for (const k of props.keys()) if (!known.includes(k)) throw new UsageError(`Unknown --property '${k}'; known: ${known.join(', ')}.`);
  const on = (k: string, dflt = false) => (props.has(k) ? props.get(k) === 'true' : dflt);
  const text = (k: string, dflt: string) => Buffer.from(props.get(k) ?? dflt);
  const [sep, lineSep, hSep, hKeySep, nullLiteral] = [text('key.separator', '\t'), text('line.separator', '\n'), text('headers.separator', ','), text('headers.key.separator', ':'), text('null.literal', 'null')];
  const show = { timestamp: on('print.timestamp'), partition: on('print.partition'), offset: on('print.offset'), headers: on('print.headers'), key: on('print.key'), value: on('print.value', true) };
  return async (topic, partition, m) => {
    const columns: Buffer[] = [];
    if (show.timestamp) columns.push(Buffer.from(`${await timestampType(topic)}:${m.timestamp}`));
    if (show.partition) columns.push(Buffer.from(`Partition:${partition}`));
    if (show.offset) columns.push(Buffer.from(`Offset:${m.offset}`));
    if (show.headers) {
      const pairs = Object.entries(m.headers).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => Buffer.concat([Buffer.from(k), hKeySep, x ?? nullLiteral])));
      columns.push(pairs.length ? Buffer.concat(pairs.flatMap((p, i) => (i ? [hSep, p] : [p]))) : Buffer.from('NO_HEADERS'));
    }
    if (show.key) columns.push(m.key ?? nullLiteral);
    if (show.value) columns.push(m.value ?? nullLiteral);
    return Buffer.concat([...columns.flatMap((c, i) => (i ? [sep, c] : [c])), lineSep]);
  };
}

function check(opts: Opts): void {
  if ((opts.topic === undefined) === (opts.include === undefined)) throw new UsageError('Give exactly one of --topic, --include.');
  if (opts.partition !== undefined && opts.topic === undefined) throw new UsageError('--partition needs --topic.');
  if (opts.group !== undefined && opts.partition !== undefined) throw new UsageError('--group and --partition cannot be used together.');
  if (opts.offset !== undefined && opts.partition === undefined) throw new UsageError('--offset needs --partition.');
  if (opts.offset !== undefined && opts.fromBeginning) throw new UsageError('--from-beginning and --offset cannot be used together.');
  if (opts.offset !== undefined && !/^(earliest|latest|\d+)$/.test(opts.offset)) throw new UsageError(`--offset must be 'earliest', 'latest' or an offset; got '${opts.offset}'.`);
}

/** CreateTime or LogAppendTime, from the topic's message.timestamp.type (read once per topic). */
function timestampTypes(http: HttpClient) {
  const seen = new Map<string, Promise<string>>();
  return (topic: string) => {
    let t = seen.get(topic);
    if (!t) {
      t = http
        .json<{ data: Array<{ name: string; value: string }> }>({ method: 'GET', path: `${clusterPath('topics', topic)}/configs` })
        .then((r) => r.data.find((c) => c.name === 'message.timestamp.type')?.value ?? 'CreateTime', () => 'CreateTime');
      seen.set(topic, t);
    }
    return t;
  };
}

async function consume(ctx: Ctx, opts: Opts): Promise<void> {
  const { io } = ctx;
  check(opts);
  const [conn, { DEFAULT_RETRY }] = await Promise.all([connect(ctx, opts), import('../../client/retry')]);
  const format = formatter(new Map(keyValues(opts.property, '--property')), timestampTypes(conn.http));
  const consumer = (await conn.brook()).consumer({ groupId: opts.group, clientId: 'console-consumer', retry: DEFAULT_RETRY });
  await consumer.connect();
  const topic = opts.topic ?? new RegExp(opts.include);
  await consumer.subscribe({ topics: [topic], fromBeginning: opts.fromBeginning ? true : undefined });
  if (opts.partition !== undefined) await onePartition(conn.http, consumer, opts);

  let count = 0;
  let lastRecordAt = Date.now();
  let handling: Promise<void> | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    consumer.on(consumer.events.CRASH, (e) => reject((e.payload as { error: unknown }).error));
  });
  // stop() first: the SDK then hands over no further record, so none counts as processed unprinted.
  const end = () => {
    consumer.stop().catch(() => {}); // a failure shows as the crash it came from
    finish();
  };
  io.signal?.addEventListener('abort', end, { once: true });
  const idle = opts.timeoutMs === undefined ? undefined : setInterval(() => Date.now() - lastRecordAt >= opts.timeoutMs && end(), Math.min(100, opts.timeoutMs || 1));
  const handle = async (topic: string, partition: number, message: KafkaMessage) => {
    const line = await format(topic, partition, message);
    if (!io.stdout.write(line)) await new Promise((r) => io.stdout.once('drain', r));
    count++;
    lastRecordAt = Date.now();
    if (opts.maxMessages !== undefined && count >= opts.maxMessages) end();
  };
  try {
    await consumer.run({ eachMessage: ({ topic, partition, message }) => (handling = handle(topic, partition, message)) });
    await finished;
  } finally {
    if (idle) clearInterval(idle);
    io.signal?.removeEventListener('abort', end);
    // disconnect() waits for the poll loop (and, in a group, commits and leaves) only when no
    // handler is running, so let the last one return first.
    await handling?.catch(() => {});
    await new Promise((r) => setImmediate(r));
    await consumer.disconnect();
    io.stderr.write(`Processed a total of ${count} messages\n`);
  }
}

/** --partition p [--offset o]: every other partition paused, this one seeked. */
async function onePartition(http: HttpClient, consumer: Consumer, opts: Opts): Promise<void> {
  const { partitions_count } = await http.json<{ partitions_count: number }>({ method: 'GET', path: clusterPath('topics', opts.topic) });
  if (opts.partition >= partitions_count) throw new CliError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${opts.partition} of topic '${opts.topic}' does not exist; it has ${partitions_count}.`);
  const others = Array.from({ length: partitions_count }, (_, p) => p).filter((p) => p !== opts.partition);
  if (others.length) consumer.pause([{ topic: opts.topic, partitions: others }]);
  const offset = opts.offset === 'earliest' ? -2 : opts.offset === undefined || opts.offset === 'latest' ? -1 : Number(opts.offset);
  consumer.seek({ topic: opts.topic, partition: opts.partition, offset });
}
