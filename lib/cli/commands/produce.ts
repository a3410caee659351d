// brook produce: kafka-console-producer.sh. One record per line of stdin, sent through the SDK's
// batching, idempotent producer; every line is handed over at once (not awaited one by one), so a
// piped file travels in a few large requests.
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { action, collect, int, keyValues, type Ctx, type Opts } from '../command';
import { connect, withConnection } from '../connection';
import { errorLine } from '../errors';
import { CliError, UsageError } from '../io';
import type { Message } from '../../client/producer/messages';

const CODECS: Record<string, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };
/** Sends not yet acknowledged before reading more stdin waits for the oldest. */
const MAX_PENDING = 10_000;

export function registerProduce(cmd: Command, ctx: Ctx): void {
  withConnection(
    cmd
      .requiredOption('--topic <topic>', 'the topic')
      .option('--property <name=value>', 'line parsing: parse.key, key.separator (tab), parse.headers, headers.delimiter (tab), headers.separator (,), headers.key.separator (:), null.marker, ignore.error (repeatable)', collect)
      .option('--compression-codec [codec]', 'none, gzip (if given without a value), snappy, lz4 or zstd (Node ≥ 22.15)')
      .option('--compression <codec>', 'the same as --compression-codec')
      .option('--request-required-acks <acks>', '-1 or all (default), 1, or 0 (do not wait)')
      .option('--timeout <ms>', 'linger.ms: how long a batch waits for more lines (default 100)', int(0))
      .option('--batch-size <bytes>', 'batch.size in bytes (default 1048576)', int(1))
      .option('--sync', 'send each line on its own and wait for it (one request per line)')
      .option('--producer-property <name=value>', 'linger.ms, batch.size, acks, compression.type, enable.idempotence (repeatable)', collect),
  );
  action(cmd, (opts) => produce(ctx, opts));
}

interface LineFormat {
  parseKey: boolean;
  keySeparator: string;
  parseHeaders: boolean;
  headersDelimiter: string;
  headersSeparator: string;
  headersKeySeparator: string;
  nullMarker?: string;
  ignoreError: boolean;
}

function lineFormat(props: Map<string, string>): LineFormat {
  const known = ['parse.key', 'key.separator', 'parse.headers', 'headers.delimiter', 'headers.separator', 'headers.key.separator', 'null.marker', 'ignore.error'];
  for (const k of props.keys()) if (!known.includes(k)) throw new UsageError(`Unknown --property '${k}'; known: ${known.join(', ')}.`);
  return {
    parseKey: props.get('parse.key') === 'true',
    keySeparator: props.get('key.separator') ?? '\t',
    parseHeaders: props.get('parse.headers') === 'true',
    headersDelimiter: props.get('headers.delimiter') ?? '\t',
    headersSeparator: props.get('headers.separator') ?? ',',
    headersKeySeparator: props.get('headers.key.separator') ?? ':',
    nullMarker: props.get('null.marker'),
    ignoreError: props.get('ignore.error') === 'true',
  };
}

/** Kafka's LineMessageReader: [headers <delimiter>] [key <separator>] value. */
export function parseLine(line: string, n: number, f: LineFormat): Message {
  const orNull = (s: string) => (f.nullMarker !== undefined && s === f.nullMarker ? null : s);
  let rest = line;
  const message: Message = { value: null };
  if (f.parseHeaders) {
    const i = rest.indexOf(f.headersDelimiter);
    if (i < 0 && !f.ignoreError) throw new CliError('INVALID_RECORD', `No headers delimiter found on line number ${n}: '${line}'`);
    if (i >= 0) {
      const headers: Record<string, Array<string | null>> = {};
      for (const h of rest.slice(0, i).split(f.headersSeparator).filter(Boolean)) {
        const j = h.indexOf(f.headersKeySeparator);
        const key = j < 0 ? h : h.slice(0, j);
        const value = j < 0 ? null : orNull(h.slice(j + f.headersKeySeparator.length));
        (headers[key] ??= []).push(value);
      }
      // A repeated header becomes an array (the SDK writes each); a null value only stands alone.
      message.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.length === 1 ? v[0]! : v.filter((x): x is string => x !== null)]));
      rest = rest.slice(i + f.headersDelimiter.length);
    }
  }
  if (f.parseKey) {
    const i = rest.indexOf(f.keySeparator);
    if (i < 0 && !f.ignoreError) throw new CliError('INVALID_RECORD', `No key separator found on line number ${n}: '${line}'`);
    if (i >= 0) {
      message.key = orNull(rest.slice(0, i));
      rest = rest.slice(i + f.keySeparator.length);
    }
  }
  message.value = orNull(rest);
  return message;
}

function producerSettings(opts: Opts) {
  const pp = new Map(keyValues(opts.producerProperty, '--producer-property'));
  const known = ['linger.ms', 'batch.size', 'acks', 'compression.type', 'enable.idempotence'];
  for (const k of pp.keys()) if (!known.includes(k)) throw new UsageError(`Unknown --producer-property '${k}'; known: ${known.join(', ')}.`);
  const codecName = opts.compressionCodec === true ? 'gzip' : (opts.compressionCodec ?? opts.compression ?? pp.get('compression.type') ?? 'none');
  const compression = CODECS[String(codecName).toLowerCase()];
  if (compression === undefined) throw new UsageError(`Unknown compression codec '${codecName}'; use ${Object.keys(CODECS).join(', ')}.`);
  const acksName = String(opts.requestRequiredAcks ?? pp.get('acks') ?? '-1');
  const acks = acksName === 'all' ? -1 : Number(acksName);
  if (![-1, 0, 1].includes(acks)) throw new UsageError(`--request-required-acks must be -1 (all), 1 or 0; got '${acksName}'.`);
  const num = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new UsageError(`${name} must be a non-negative integer; got '${v}'.`);
    return Number(v);
  };
  return {
    compression,
    acks,
    lingerMs: opts.timeout ?? num(pp.get('linger.ms'), 'linger.ms'),
    batchSize: opts.batchSize ?? num(pp.get('batch.size'), 'batch.size'),
    idempotent: pp.has('enable.idempotence') ? pp.get('enable.idempotence') === 'true' : undefined,
  };
}

async function produce(ctx: Ctx, opts: Opts): Promise<void> {
  const { io } = ctx;
  const format = lineFormat(new Map(keyValues(opts.property, '--property')));
  const settings = producerSettings(opts);
  const [{ supportsCodec }, { DEFAULT_RETRY }, conn] = await Promise.all([import('../../log/compression'), import('../../client/retry'), connect(ctx, opts)]);
  if (!supportsCodec(settings.compression, 'compress')) throw new CliError('UNSUPPORTED_COMPRESSION_TYPE', `zstd compression needs Node.js ≥ 22.15; this is ${process.version}.`);
  const brook = await conn.brook();
  // Sends retry as the SDK does by default; only the CLI's admin calls fail fast.
  const producer = brook.producer({ lingerMs: settings.lingerMs, batchSize: settings.batchSize, idempotent: settings.idempotent, acks: settings.acks, compression: settings.compression, retry: DEFAULT_RETRY });
  await producer.connect();

  let failures = 0;
  const pending: Array<Promise<void>> = [];
  const send = (message: Message) =>
    producer.send({ topic: opts.topic, messages: [message] }).then(
      () => {},
      (err: unknown) => {
        failures++;
        const size = (v: unknown) => (v === null || v === undefined ? 'null' : `${Buffer.byteLength(String(v))} bytes`);
        const why = errorLine(err, ctx.url).replace(/^Error: /, '');
        io.stderr.write(`ERROR Error when sending message to topic ${opts.topic} with key: ${size(message.key)}, value: ${size(message.value)} with error: ${why}\n`);
      },
    );

  const prompt = (io.stdin as { isTTY?: boolean }).isTTY ? () => io.stdout.write('>') : () => {};
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  const stop = () => lines.close();
  io.signal?.addEventListener('abort', stop, { once: true });
  let n = 0;
  try {
    prompt();
    for await (const line of lines) {
      const message = parseLine(line, ++n, format);
      if (opts.sync) await send(message);
      else pending.push(send(message));
      if (pending.length >= MAX_PENDING) await pending.shift();
      prompt();
    }
  } finally {
    io.signal?.removeEventListener('abort', stop);
    await Promise.all(pending);
    await producer.disconnect(); // flushes what the accumulator still holds
  }
  if (failures > 0) {
    io.stderr.write(`${failures} of ${n} records were not produced.\n`);
    ctx.exitCode = 1;
  }
}
