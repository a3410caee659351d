// brook delete-records: kafka-delete-records.sh. Records below the offset become unreadable (the
// partition's log start moves); maintenance deletes their bytes later.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { action, int, type Ctx, type Opts } from '../command';
import { clusterPath, connect, withConnection } from '../connection';
import { errorLine } from '../errors';
import { println, UsageError } from '../io';

interface Target {
  topic: string;
  partition: number;
  offset: number;
}

export function registerDeleteRecords(cmd: Command, ctx: Ctx): void {
  withConnection(
    cmd
      .option('--offset-json-file <file>', 'kafka-delete-records.sh\'s file: {"partitions": [{"topic": "t", "partition": 0, "offset": 3}], "version": 1}')
      .option('--topic <topic>', 'the topic (instead of a file)')
      .option('--partition <p>', 'the partition', int(0))
      .option('--offset <n>', 'records below this offset are deleted; -1: all of them (the high watermark)', int(-1)),
  );
  action(cmd, (opts) => deleteRecords(ctx, opts));
}

/** Kafka's offset JSON file, checked field by field. */
export function parseOffsetJson(text: string, file: string): Target[] {
  let json: { partitions?: unknown };
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(json?.partitions) || json.partitions.length === 0) throw new UsageError(`${file} has no "partitions" array.`);
  return json.partitions.map((p: Record<string, unknown>, i: number) => {
    const ok = typeof p?.topic === 'string' && Number.isSafeInteger(p.partition) && (p.partition as number) >= 0 && Number.isSafeInteger(p.offset) && (p.offset as number) >= -1;
    if (!ok) throw new UsageError(`${file}: partitions[${i}] needs "topic", "partition" ≥ 0 and "offset" ≥ -1.`);
    return { topic: p.topic as string, partition: p.partition as number, offset: p.offset as number };
  });
}

async function targets(opts: Opts): Promise<Target[]> {
  const single = [opts.topic, opts.partition, opts.offset];
  if (opts.offsetJsonFile !== undefined) {
    if (single.some((x) => x !== undefined)) throw new UsageError('Give --offset-json-file or --topic/--partition/--offset, not both.');
    return parseOffsetJson(await readFile(opts.offsetJsonFile, 'utf8').catch(() => Promise.reject(new UsageError(`Cannot read ${opts.offsetJsonFile}.`))), opts.offsetJsonFile);
  }
  if (single.some((x) => x === undefined)) throw new UsageError('Give --offset-json-file, or all of --topic, --partition and --offset.');
  return [{ topic: opts.topic, partition: opts.partition, offset: opts.offset }];
}

async function deleteRecords(ctx: Ctx, opts: Opts): Promise<void> {
  const list = await targets(opts);
  const { http } = await connect(ctx, opts);
  println(ctx.io.stdout, 'Executing records delete operation');
  const results = await Promise.all(
    list.map((t) =>
      http.json<{ low_watermark: number }>({ method: 'POST', path: `${clusterPath('topics', t.topic, 'partitions', t.partition)}/records:delete`, json: { offset: t.offset } }).then(
        (r) => `low_watermark: ${r.low_watermark}`,
        (err) => {
          ctx.exitCode = 1;
          return errorLine(err, ctx.url).replace(/^Error: /, 'error: ');
        },
      ),
    ),
  );
  println(ctx.io.stdout, 'Records delete operation completed:', ...list.map((t, i) => `partition: ${t.topic}-${t.partition}\t${results[i]}`));
}
