// brook produce (stdin lines, kafka-console-producer.sh's properties), brook consume (its
// formatter properties) and brook offsets, against a real server on the emulators.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, uniqueTopic, type TestServer } from '../client/support';
import { brook, cliFor } from './helpers';

let server: TestServer;
let cli: ReturnType<typeof cliFor>;
const produce = (args: Array<string | number>, stdin: string) => brook(['produce', ...args.map(String)], { stdin, env: { BROOK_URL: server.url } });

beforeAll(async () => {
  server = await startTestServer();
  cli = cliFor(server.url);
});
afterAll(() => server.close());

describe('brook produce, consume and offsets', () => {
  it('produces keyed lines and consumes them back with their keys, partitions and offsets', async () => {
    const t = uniqueTopic('cli-pc');
    await cli('topics', '--create', '--topic', t, '--partitions', 3);
    const lines = ['alice:one', 'bob:two', 'alice:three', 'carol:{"amount": 42}', 'bob:five:with:colons'];
    expect(await produce(['--topic', t, '--property', 'parse.key=true', '--property', 'key.separator=:', '--compression-codec', 'gzip'], `${lines.join('\n')}\n`)).toEqual({ code: 0, stdout: '', stderr: '' });

    const res = await cli('consume', '--topic', t, '--from-beginning', '--max-messages', 5, '--property', 'print.key=true', '--property', 'print.partition=true', '--property', 'print.offset=true');
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('Processed a total of 5 messages\n');
    const got = res.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
    // Same key, same partition (murmur2), in order; each partition's offsets from 0.
    const byKey = (k: string) => got.filter((g) => g[2] === k);
    expect(byKey('alice').map((g) => g[3])).toEqual(['one', 'three']);
    expect(byKey('bob').map((g) => g[3])).toEqual(['two', 'five:with:colons']);
    expect(byKey('carol').map((g) => g[3])).toEqual(['{"amount": 42}']);
    for (const k of ['alice', 'bob']) expect(new Set(byKey(k).map((g) => g[0])).size).toBe(1);
    expect(got.every((g) => /^Partition:[0-2]$/.test(g[0]!) && /^Offset:\d$/.test(g[1]!))).toBe(true);

    // kafka-get-offsets.sh: topic:partition:offset, the log end by default
    const ends = (await cli('offsets', '--topic', t)).stdout.trimEnd().split('\n');
    expect(ends.map((l) => l.split(':').slice(0, 2).join(':'))).toEqual([`${t}:0`, `${t}:1`, `${t}:2`]);
    expect(ends.reduce((sum, l) => sum + Number(l.split(':')[2]), 0)).toBe(5);
    expect((await cli('offsets', '--topic', t, '--time', -2)).stdout).toBe(`${t}:0:0\n${t}:1:0\n${t}:2:0\n`);
    expect((await cli('offsets', '--topic', t, '--time', Date.now() + 3_600_000, '--partitions', '1')).stdout).toBe(`${t}:1:-1\n`);
    expect((await cli('offsets', '--topic', t, '--time', 0, '--partitions', '0,2')).stdout).toBe(`${t}:0:0\n${t}:2:0\n`);
  });

  it('reads headers and null markers as kafka-console-producer does, and prints them as the console consumer does', async () => {
    const t = uniqueTopic('cli-headers');
    await cli('topics', '--create', '--topic', t);
    const props = ['--property', 'parse.headers=true', '--property', 'parse.key=true', '--property', 'null.marker=NULL'];
    expect((await produce(['--topic', t, ...props], 'source:web,trace:7\tk1\tv1\n\tNULL\tv2\nempty:\tk3\tNULL\n')).code).toBe(0);
    const res = await cli('consume', '--topic', t, '--from-beginning', '--max-messages', 3, '--property', 'print.headers=true', '--property', 'print.key=true', '--property', 'print.timestamp=true');
    const got = res.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
    expect(got.map((g) => g.slice(1))).toEqual([
      ['source:web,trace:7', 'k1', 'v1'],
      ['NO_HEADERS', 'null', 'v2'],
      ['empty:', 'k3', 'null'],
    ]);
    expect(got.every((g) => /^CreateTime:\d{13}$/.test(g[0]!))).toBe(true);
  });

  it('consumes one partition from an offset, and stops after --timeout-ms without records', async () => {
    const t = uniqueTopic('cli-partition');
    await cli('topics', '--create', '--topic', t, '--partitions', 2);
    await produce(['--topic', t], 'a\nb\nc\nd\n');
    const [p, count] = (await cli('offsets', '--topic', t)).stdout.split('\n').map((l) => l.split(':')).find((x) => Number(x[2]) >= 2)!.slice(1);
    const res = await cli('consume', '--topic', t, '--partition', p!, '--offset', 1, '--timeout-ms', 1000, '--property', 'print.offset=true');
    expect(res.code).toBe(0);
    expect(res.stdout.trimEnd().split('\n').map((l) => l.split('\t')[0])).toEqual(Array.from({ length: Number(count) - 1 }, (_, i) => `Offset:${i + 1}`));
    expect(res.stderr).toBe(`Processed a total of ${Number(count) - 1} messages\n`);
  });

  it('refuses a line without the key separator, after producing the lines before it', async () => {
    const t = uniqueTopic('cli-badline');
    await cli('topics', '--create', '--topic', t);
    const res = await produce(['--topic', t, '--property', 'parse.key=true'], 'k\tfine\nno separator here\nk\tnever sent\n');
    expect(res).toEqual({ code: 1, stdout: '', stderr: "Error: INVALID_RECORD: No key separator found on line number 2: 'no separator here'\n" });
    expect((await cli('offsets', '--topic', t)).stdout).toBe(`${t}:0:1\n`);
  });

  it('reports records the server refused, one line each, and exits 1', async () => {
    const t = uniqueTopic('cli-refused');
    await cli('topics', '--create', '--topic', t, '--config', 'max.message.bytes=200');
    const res = await produce(['--topic', t, '--sync'], `small\n${'x'.repeat(500)}\n`);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`^ERROR Error when sending message to topic ${t} with key: null, value: 500 bytes with error: MESSAGE_TOO_LARGE: `, 'm'));
    expect(res.stderr).toMatch(/^1 of 2 records were not produced\.$/m);
  });
});
