// brook topics against a real server on the emulators: the kafka-topics.sh layout and errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../lib/local/free-port';
import { startTestServer, uniqueTopic, type TestServer } from '../client/support';
import { brook, cliFor } from './helpers';

let server: TestServer;
let cli: ReturnType<typeof cliFor>;

beforeAll(async () => {
  server = await startTestServer();
  cli = cliFor(server.url);
});
afterAll(() => server.close());

describe('brook topics', () => {
  it('creates, lists, describes, alters and deletes a topic', async () => {
    const t = uniqueTopic('cli-topics');
    expect(await cli('topics', '--create', '--topic', t, '--partitions', 2, '--config', 'retention.ms=86400000')).toEqual({ code: 0, stdout: `Created topic ${t}.\n`, stderr: '' });

    const list = await cli('topics', '--list');
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')).toContain(t);

    const described = await cli('topics', '--describe', '--topic', t);
    const [head, ...partitions] = described.stdout.trimEnd().split('\n');
    expect(head).toMatch(new RegExp(`^Topic: ${t}\\tTopicId: [0-9a-f-]{36}\\tPartitionCount: 2\\tReplicationFactor: 3\\tConfigs: retention.ms=86400000$`));
    expect(partitions).toEqual([0, 1].map((p) => `\tTopic: ${t}\tPartition: ${p}\tLeader: 0\tReplicas: 0\tIsr: 0`));

    expect(await cli('topics', '--alter', '--topic', t, '--partitions', 3, '--config', 'cleanup.policy=compact', '--delete-config', 'retention.ms')).toMatchObject({
      code: 0,
      stdout: `Completed updating config for topic ${t}.\n`,
    });
    const altered = (await cli('topics', '--describe', '--topic', t)).stdout.split('\n');
    expect(altered[0]).toMatch(/PartitionCount: 3\tReplicationFactor: 3\tConfigs: cleanup.policy=compact$/);
    expect(altered[3]).toBe(`\tTopic: ${t}\tPartition: 2\tLeader: 0\tReplicas: 0\tIsr: 0`);

    // --topic takes a regular expression for --describe and --list, as kafka-topics.sh does
    expect((await cli('topics', '--list', '--topic', `${t.slice(0, -2)}.*`)).stdout).toBe(`${t}\n`);

    expect(await cli('topics', '--delete', '--topic', t)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await cli('topics', '--list')).stdout.split('\n')).not.toContain(t);
  });

  it('answers Kafka error names with exit 1, and honours --if-exists / --if-not-exists', async () => {
    const t = uniqueTopic('cli-errors');
    await cli('topics', '--create', '--topic', t, '--partitions', 2);
    expect(await cli('topics', '--create', '--topic', t)).toEqual({ code: 1, stdout: '', stderr: `Error: TOPIC_ALREADY_EXISTS: Topic '${t}' already exists.\n` });
    expect(await cli('topics', '--create', '--topic', t, '--if-not-exists')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await cli('topics', '--alter', '--topic', t, '--partitions', 1)).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Error: INVALID_PARTITIONS: /) });
    expect(await cli('topics', '--create', '--topic', uniqueTopic(), '--config', 'nope=1')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Error: INVALID_CONFIG: Unknown topic config 'nope'/) });
    const missing = uniqueTopic('missing');
    expect(await cli('topics', '--describe', '--topic', missing)).toEqual({ code: 1, stdout: '', stderr: `Error: UNKNOWN_TOPIC_OR_PARTITION: Topic '${missing}' does not exist.\n` });
    expect(await cli('topics', '--delete', '--topic', missing, '--if-exists')).toMatchObject({ code: 0 });
    expect(await cli('topics', '--delete', '--topic', missing)).toMatchObject({ code: 1, stderr: expect.stringContaining('UNKNOWN_TOPIC_OR_PARTITION') });
  });

  it('says NETWORK_EXCEPTION when nothing answers', async () => {
    const port = await freePort(); // free a moment ago: connections are refused
    const res = await brook(['topics', '--list', '--bootstrap-server', `localhost:${port}`]);
    expect(res).toEqual({ code: 1, stdout: '', stderr: `Error: NETWORK_EXCEPTION: Could not reach Brook at http://localhost:${port}: ECONNREFUSED\n` });
  });
});
