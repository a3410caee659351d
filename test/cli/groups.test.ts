// brook groups and brook lag against a real server: kafka-consumer-groups.sh's columns, "-" for
// assigned partitions without a commit, reset-offsets dry run vs --execute, delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, uniqueTopic, type TestServer } from '../client/support';
import { cliFor, rows } from './helpers';

let server: TestServer;
let cli: ReturnType<typeof cliFor>;

beforeAll(async () => {
  server = await startTestServer();
  cli = cliFor(server.url);
});
afterAll(() => server.close());

async function post(path: string, body: unknown) {
  const res = await fetch(`${server.url}/v3/clusters/brook-local/consumer-groups/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(JSON.stringify(json));
  return json;
}

/** A topic with 2 partitions and 3 + 2 records, a group whose one member owns both and committed only partition 0. */
async function groupWithMember() {
  const topic = uniqueTopic('cli-g');
  const group = uniqueTopic('group');
  await cli('topics', '--create', '--topic', topic, '--partitions', 2);
  await fetch(`${server.url}/v3/clusters/brook-local/topics/${topic}/records:batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ entries: [0, 0, 0, 1, 1].map((p, i) => ({ id: String(i), partition_id: p, value: { type: 'STRING', data: `r${i}` } })) }),
  });
  const joined = await post(`${group}/heartbeat`, { member_epoch: 0, client_id: 'billing-app', subscribed_topic_names: [topic] });
  expect(joined.assignment).toEqual([{ topic_name: topic, partitions: [0, 1] }]);
  await post(`${group}/offsets:commit`, { member_id: joined.member_id, member_epoch: joined.member_epoch, offsets: [{ topic_name: topic, partition_id: 0, offset: 1 }] });
  return { topic, group, member: joined.member_id as string, leave: () => post(`${group}/heartbeat`, { member_id: joined.member_id, member_epoch: -1 }) };
}

// The member's address as the server saw it; the test server's fetch wrapper hides the socket, so "-".
const host = expect.stringMatching(/^(\/127\.0\.0\.1|-)$/);

describe('brook groups', () => {
  it('describes offsets with Kafka\'s columns; an assigned partition without a commit shows "-"', async () => {
    const { topic, group, member, leave } = await groupWithMember();
    const res = await cli('groups', '--describe', '--group', group);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    expect(res.stdout.startsWith('\nGROUP ')).toBe(true); // Kafka prints a blank line first
    expect(rows(res.stdout)).toEqual([
      ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
      [group, topic, '0', '1', '3', '2', member, host, 'billing-app'],
      [group, topic, '1', '-', '2', '-', member, host, 'billing-app'],
    ]);
    // Columns line up: each header starts where its values start.
    const [header, first] = res.stdout.split('\n').slice(1);
    for (const name of ['PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']) expect(first![header!.indexOf(name) - 1]).toBe(' ');

    expect(rows((await cli('groups', '--describe', '--group', group, '--members', '--verbose')).stdout)).toEqual([
      ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'],
      [group, member, host, 'billing-app', '2', `${topic}(0,1)`],
    ]);
    const state = rows((await cli('groups', '--describe', '--group', group, '--state')).stdout);
    expect(state[0]).toEqual(['GROUP', 'COORDINATOR', '(ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS']);
    expect(state[1]).toEqual([group, `127.0.0.1:${new URL(server.url).port}`, '(0)', 'uniform', 'Stable', '1']);
    expect((await cli('groups', '--list')).stdout.split('\n')).toContain(group);

    // lag: the summary and the Burrow status of each committed partition
    const lag = rows((await cli('lag', '--group', group)).stdout);
    expect(lag[0]).toEqual(['GROUP', 'STATE', 'STATUS', 'PARTITIONS', 'TOTAL-LAG', 'MAX-LAG', 'MAX-LAG-PARTITION', 'MAX-LAG-CONSUMER-ID', 'COMPLETE']);
    expect(lag[1]).toEqual([group, 'Stable', expect.stringMatching(/^(OK|WARNING|ERROR)$/), '1', '2', '2', `${topic}-0`, member, expect.stringMatching(/%$/)]);
    expect(lag[2]).toEqual(['TOPIC', 'PARTITION', 'STATUS', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'CLIENT-ID']);
    expect(lag[3]).toEqual([topic, '0', expect.stringMatching(/^(OK|WARNING|STOP|STALL|REWIND)$/), '1', '3', '2', member, 'billing-app']);

    // Resetting needs the group empty (Kafka's rule), dry run included.
    expect(await cli('groups', '--reset-offsets', '--group', group, '--topic', topic, '--to-earliest')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Error: NON_EMPTY_GROUP: /) });
    await leave();
    const empty = await cli('groups', '--describe', '--group', group);
    expect(empty.stderr).toBe(`\nConsumer group '${group}' has no active members.\n`);
    expect(rows(empty.stdout).slice(1)).toEqual([[group, topic, '0', '1', '3', '2', '-', '-', '-']]);
  });

  it('resets offsets: a dry run prints the plan and writes nothing, --execute writes it', async () => {
    const { topic, group, leave } = await groupWithMember();
    await leave();
    const current = async () => rows((await cli('groups', '--describe', '--group', group)).stdout).slice(1).map((r) => [r[2], r[3]]);

    const dry = await cli('groups', '--reset-offsets', '--group', group, '--topic', topic, '--to-latest');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      [
        '',
        `${'GROUP'.padEnd(30)} ${'TOPIC'.padEnd(30)} PARTITION  NEW-OFFSET`,
        `${group.padEnd(30)} ${topic.padEnd(30)} ${'0'.padEnd(10)} 3`,
        `${group.padEnd(30)} ${topic.padEnd(30)} ${'1'.padEnd(10)} 2`,
        '',
      ].join('\n'),
    );
    expect(dry.stderr).toMatch(/dry run/);
    expect(await current()).toEqual([['0', '1']]);

    expect(rows((await cli('groups', '--reset-offsets', '--group', group, '--all-topics', '--shift-by', -5, '--dry-run')).stdout).slice(1)).toEqual([[group, topic, '0', '0']]);
    expect((await cli('groups', '--reset-offsets', '--group', group, '--topic', `${topic}:1`, '--to-offset', 1, '--execute')).code).toBe(0);
    expect(await current()).toEqual([['0', '1'], ['1', '1']]);
    expect((await cli('groups', '--reset-offsets', '--group', group, '--topic', topic, '--to-datetime', '2000-01-01T00:00:00Z', '--execute')).code).toBe(0);
    expect(await current()).toEqual([['0', '0'], ['1', '0']]);

    expect(await cli('groups', '--delete', '--group', group)).toEqual({ code: 0, stdout: `Deletion of requested consumer groups ('${group}') was successful.\n`, stderr: '' });
    expect(await cli('groups', '--describe', '--group', group)).toEqual({ code: 1, stdout: '', stderr: `Error: GROUP_ID_NOT_FOUND: Consumer group '${group}' does not exist.\n` });
  });
});
