// brook delete-records (kafka-delete-records.sh's flags, file and output) and brook maintenance
// run, on tables and a bucket of their own (a maintenance pass sweeps the whole bucket).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionForKey } from '../../lib/log/partitioner';
import { isolatedBroker, uniqueTopic, type TestBroker } from '../support/broker';
import { brook } from './helpers';

let isolated: TestBroker;
let server: ServerType;
let url: string;
const cli = (...args: Array<string | number>) => brook(args.map(String), { env: { BROOK_URL: url } });

beforeAll(async () => {
  isolated = await isolatedBroker();
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: isolated.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** The deployment's environment, as the maintenance Lambda gets it, pointing at the isolated tables. */
const deploymentEnv = () => {
  const c = isolated.broker.config;
  return {
    BROOK_METADATA_TABLE: c.metadataTable,
    BROOK_BATCHES_TABLE: c.batchesTable,
    BROOK_BUCKET: c.bucket,
    AWS_REGION: c.region,
    AWS_ENDPOINT_URL_S3: c.endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: c.endpoints.dynamodb,
    AWS_ACCESS_KEY_ID: c.credentials!.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.credentials!.secretAccessKey,
  };
};

describe('brook delete-records and maintenance run', () => {
  it('deletes records below an offset, from flags or an offset JSON file, and a maintenance pass collects their objects', async () => {
    const t = uniqueTopic('cli-dr');
    await cli('topics', '--create', '--topic', t, '--partitions', 2);
    // Keys that murmur2 places in partition 0 and 1, three records each, one request (one object) each.
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const keyFor = (p: number) => keys.find((k) => partitionForKey(Buffer.from(k), 2) === p)!;
    const lines = [0, 1].flatMap((p) => [0, 1, 2].map((i) => `${keyFor(p)}\tp${p}-${i}`));
    expect((await brook(['produce', '--topic', t, '--sync', '--property', 'parse.key=true'], { stdin: `${lines.join('\n')}\n`, env: { BROOK_URL: url } })).code).toBe(0);
    expect((await cli('offsets', '--topic', t)).stdout).toBe(`${t}:0:3\n${t}:1:3\n`);
    const p0 = 3;

    expect(await cli('delete-records', '--topic', t, '--partition', 0, '--offset', 1)).toEqual({
      code: 0,
      stdout: `Executing records delete operation\nRecords delete operation completed:\npartition: ${t}-0\tlow_watermark: 1\n`,
      stderr: '',
    });

    const file = join(mkdtempSync(join(tmpdir(), 'brook-cli-')), 'offsets.json');
    writeFileSync(file, JSON.stringify({ partitions: [{ topic: t, partition: 0, offset: -1 }, { topic: t, partition: 1, offset: 99 }], version: 1 }));
    const res = await cli('delete-records', '--offset-json-file', file);
    expect(res.code).toBe(1); // partition 1 has no offset 99
    expect(res.stdout.split('\n')).toEqual([
      'Executing records delete operation',
      'Records delete operation completed:',
      `partition: ${t}-0\tlow_watermark: ${p0}`,
      expect.stringMatching(new RegExp(`^partition: ${t}-1\\terror: OFFSET_OUT_OF_RANGE: `)),
      '',
    ]);
    expect((await cli('offsets', '--topic', t, '--time', 'earliest')).stdout).toBe(`${t}:0:${p0}\n${t}:1:0\n`);

    // Partition 0's objects are now unreferenced: with no grace period, one pass deletes them.
    const pass = await brook(['maintenance', 'run', '--grace-ms', 0, '--json'].map(String), { env: deploymentEnv() });
    expect(pass.stderr).toBe('');
    expect(pass.code).toBe(0);
    const report = JSON.parse(pass.stdout);
    expect(report).toMatchObject({ partitionsChecked: 2, objectsDeleted: expect.any(Number) });
    expect(report.objectsDeleted).toBeGreaterThanOrEqual(1);
    // What was not deleted still reads.
    expect((await cli('consume', '--topic', t, '--partition', 1, '--offset', 'earliest', '--max-messages', 3)).stdout).toBe('p1-0\np1-1\np1-2\n');

    const text = await brook(['maintenance', 'run'], { env: deploymentEnv() });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Maintenance pass over ${isolated.broker.config.metadataTable}, .* took [\\d.]+ s:\\n  partitions checked +2\\n`));
  });

  it('refuses to guess where the deployment is, and bad delete-records arguments, with exit 2', async () => {
    const where = await brook(['maintenance', 'run'], { env: {} });
    expect(where.code).toBe(2);
    expect(where.stderr).toMatch(/^error: Say where the deployment is: set BROOK_METADATA_TABLE/);
    expect((await cli('delete-records', '--topic', 't', '--partition', 0)).code).toBe(2);
    const file = join(mkdtempSync(join(tmpdir(), 'brook-cli-')), 'bad.json');
    writeFileSync(file, '{"partitions": [{"topic": "t", "offset": 1}]}');
    expect(await cli('delete-records', '--offset-json-file', file)).toMatchObject({ code: 2, stderr: expect.stringContaining('partitions[0] needs "topic", "partition" ≥ 0 and "offset" ≥ -1.') });
  });
});
