// Usage errors (exit 2 with the usage), help, and the CLI's pure parts: connection and signing
// rules, line parsing, durations, error lines, finding npm start's emulators.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { resolveUrl, signingCredentials } from '../../lib/cli/connection';
import { parseLine } from '../../lib/cli/commands/produce';
import { durationMs, topicPartitions } from '../../lib/cli/commands/groups-reset';
import { parseTime } from '../../lib/cli/commands/offsets';
import { errorLine } from '../../lib/cli/errors';
import { findEmulators } from '../../lib/cli/local-stack';
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from '../../lib/client/errors';
import { brook } from './helpers';

describe('usage', () => {
  it.each([
    [['topics'], 'error: Give exactly one of --list, --create, --describe, --alter, --delete.', 'Usage: brook topics'],
    [['topics', '--create'], 'error: --create needs --topic.', 'Usage: brook topics'],
    [['topics', '--create', '--topic', 't', '--partitions', 'two'], "error: option '--partitions <n>' argument 'two' is invalid. Not an integer ≥ 1.", 'Usage: brook topics'],
    [['produce'], "error: required option '--topic <topic>' not specified", 'Usage: brook produce'],
    [['produce', '--topic', 't', '--compression-codec', 'brotli'], "error: Unknown compression codec 'brotli'; use none, gzip, snappy, lz4, zstd.", 'Usage: brook produce'],
    [['consume', '--topic', 't', '--offset', '3'], 'error: --offset needs --partition.', 'Usage: brook consume'],
    [['consume', '--topic', 't', '--property', 'print.colour=true'], "error: Unknown --property 'print.colour'", 'Usage: brook consume'],
    [['offsets', '--time', '-3'], 'error: --time -3 (max-timestamp) is not supported by Brook.', 'Usage: brook offsets'],
    [['groups', '--describe'], 'error: --describe needs --group.', 'Usage: brook groups'],
    [['groups', '--reset-offsets', '--group', 'g', '--topic', 't'], 'error: --reset-offsets needs exactly one of --to-earliest, --to-latest, --to-datetime, --by-duration, --shift-by, --to-offset.', 'Usage: brook groups'],
    [['groups', '--reset-offsets', '--group', 'g', '--to-earliest'], 'error: --reset-offsets needs --topic or --all-topics (not both).', 'Usage: brook groups'],
    [['lag'], "error: required option '--group <group>' not specified", 'Usage: brook lag'],
    [['topics', '--list', '--bootstrap-server', 'a', '--url', 'b'], 'error: Give --bootstrap-server or --url, not both.', 'Usage: brook topics'],
    [['nope'], "error: unknown command 'nope'", 'Usage: brook [options] [command]'],
    [['maintenance'], '', 'Usage: brook maintenance'],
  ])('brook %j exits 2 with the usage', async (args, message, usage) => {
    const res = await brook(args as string[]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr.startsWith(message)).toBe(true);
    expect(res.stderr).toContain(usage);
  });

  it('prints help and the version with exit 0', async () => {
    const help = await brook(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['topics', 'produce', 'consume', 'offsets', 'groups', 'lag', 'delete-records', 'maintenance']) expect(help.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect((await brook(['groups', '--help'])).stdout).toContain('--reset-offsets');
    expect((await brook(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('connection', () => {
  it('takes --bootstrap-server, --url, BROOK_URL or the default, adding a scheme to host:port', () => {
    expect(resolveUrl({}, {})).toBe('http://localhost:8082');
    expect(resolveUrl({}, { BROOK_URL: 'http://brook.test:9/stage/' })).toBe('http://brook.test:9/stage');
    expect(resolveUrl({ url: 'localhost:8082' }, { BROOK_URL: 'x' })).toBe('http://localhost:8082');
    expect(resolveUrl({ bootstrapServer: 'abc.execute-api.eu-west-1.amazonaws.com' }, {})).toBe('https://abc.execute-api.eu-west-1.amazonaws.com');
  });

  it('signs with credentials from the environment for remote URLs or --sign, never with --no-sign', () => {
    const creds = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' };
    const remote = 'https://abc.execute-api.eu-west-1.amazonaws.com';
    expect(signingCredentials({}, remote, creds)).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'token' });
    expect(signingCredentials({}, 'http://localhost:8082', creds)).toBeUndefined();
    expect(signingCredentials({ sign: true }, 'http://localhost:8082', creds)).toMatchObject({ accessKeyId: 'AKID' });
    expect(signingCredentials({ sign: false }, remote, creds)).toBeUndefined();
    expect(signingCredentials({}, remote, {})).toBeUndefined(); // nothing to sign with: unsigned (a public function URL)
    expect(() => signingCredentials({ sign: true }, remote, {})).toThrow(/--sign needs AWS_ACCESS_KEY_ID/);
  });

  it('sends SigV4-signed requests with --sign', async () => {
    const seen: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/v3/clusters' ? { data: [{ cluster_id: 'c1' }] } : { data: [{ topic_name: 'signed' }] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const env = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' };
    try {
      expect(await brook(['topics', '--list', '--url', url, '--sign'], { env })).toEqual({ code: 0, stdout: 'signed\n', stderr: '' });
      expect(seen).toHaveLength(2);
      for (const a of seen) expect(a).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/[a-z0-9-]+\/execute-api\/aws4_request, SignedHeaders=/);
      seen.length = 0;
      await brook(['topics', '--list', '--url', url], { env }); // localhost: unsigned unless --sign
      expect(seen).toEqual([undefined, undefined]);
    } finally {
      server.close();
    }
  });
});

describe('parsing', () => {
  const format = { parseKey: true, keySeparator: ':', parseHeaders: false, headersDelimiter: '\t', headersSeparator: ',', headersKeySeparator: ':', ignoreError: false };
  it('splits lines as kafka-console-producer does', () => {
    expect(parseLine('k:v:w', 1, format)).toEqual({ key: 'k', value: 'v:w' });
    expect(parseLine('k:', 1, format)).toEqual({ key: 'k', value: '' });
    expect(() => parseLine('nokey', 7, format)).toThrow("No key separator found on line number 7: 'nokey'");
    expect(parseLine('nokey', 7, { ...format, ignoreError: true })).toEqual({ value: 'nokey' });
    expect(parseLine('h=1|h=2|x#k:v', 1, { ...format, parseHeaders: true, headersDelimiter: '#', headersSeparator: '|', headersKeySeparator: '=' })).toEqual({ headers: { h: ['1', '2'], x: null }, key: 'k', value: 'v' });
  });

  it('reads durations, topic:partitions and --time as Kafka does', () => {
    expect(durationMs('PT1H')).toBe(3_600_000);
    expect(durationMs('P1DT12H30M0.5S')).toBe(((36 * 60 + 30) * 60 + 0.5) * 1000);
    expect(() => durationMs('1h')).toThrow(/not an ISO-8601 duration/);
    expect(() => durationMs('PT')).toThrow();
    expect(topicPartitions('orders')).toEqual({ topic_name: 'orders' });
    expect(topicPartitions('orders:0,2')).toEqual({ topic_name: 'orders', partitions: [0, 2] });
    expect(() => topicPartitions('orders:x')).toThrow();
    expect([parseTime('-1'), parseTime('latest'), parseTime('-2'), parseTime('earliest'), parseTime('1700000000000')]).toEqual(['latest', 'latest', 'earliest', 'earliest', 1_700_000_000_000]);
  });

  it('turns errors into one line with the Kafka error name', () => {
    const refused = new KafkaJSConnectionError('GET /v3/clusters failed: fetch failed', { cause: Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }) });
    expect(errorLine(new KafkaJSNumberOfRetriesExceeded(refused, 2, 500), 'http://localhost:8082')).toBe('Error: NETWORK_EXCEPTION: Could not reach Brook at http://localhost:8082: ECONNREFUSED (is `npm start` running?)');
    expect(errorLine(new KafkaJSProtocolError('GROUP_ID_NOT_FOUND', "Consumer group 'g' does not exist."))).toBe("Error: GROUP_ID_NOT_FOUND: Consumer group 'g' does not exist.");
    expect(errorLine(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }))).toBe('Error: ResourceNotFoundException: Requested resource not found');
    expect(errorLine(new Error('two\nlines'))).toBe('Error: two lines');
  });

  it("finds npm start's emulators for a data folder from ps output", () => {
    const ps = [
      'java -Djava.library.path=/x/DynamoDBLocal_lib -jar /x/DynamoDBLocal.jar -sharedDb -disableTelemetry -port 40553 -dbPath /home/me/app/.brook/dynamodb',
      '/usr/bin/node --openssl-legacy-provider /x/lib/local/s3-emulator.cjs 37971 /home/me/app/.brook/s3',
      'java -jar /x/DynamoDBLocal.jar -sharedDb -port 41865 -inMemory',
      '/usr/bin/node /x/lib/local/s3-emulator.cjs 42721 /tmp/brook-test-1/s3',
    ].join('\n');
    expect(findEmulators(ps, '/home/me/app/.brook')).toEqual({ dynamodb: 'http://127.0.0.1:40553', s3: 'http://127.0.0.1:37971' });
    expect(findEmulators(ps, '/home/me/app/.bro')).toBeUndefined();
    expect(findEmulators(ps, '/tmp/brook-test-1')).toBeUndefined(); // DynamoDB in memory: not npm start's stack
  });
});
