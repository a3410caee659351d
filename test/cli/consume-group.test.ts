// brook consume --group: a member of the group through the SDK consumer's groupId, committing
// what it printed and leaving on exit; a second run resumes from the commit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, uniqueTopic, type TestServer } from '../client/support';
import { brook, cliFor, rows } from './helpers';

let server: TestServer;
let cli: ReturnType<typeof cliFor>;

beforeAll(async () => {
  server = await startTestServer();
  cli = cliFor(server.url);
});
afterAll(() => server.close());

describe('brook consume --group', () => {
  it('commits what it printed, leaves the group on exit, and resumes from the commit', async () => {
    const topic = uniqueTopic('cli-cg');
    const group = uniqueTopic('cg');
    await cli('topics', '--create', '--topic', topic, '--partitions', 2);
    const produce = (text: string) => brook(['produce', '--topic', topic, '--property', 'parse.key=true'], { stdin: text, env: { BROOK_URL: server.url } });
    expect((await produce('a\t1\nb\t2\nc\t3\nd\t4\n')).code).toBe(0);

    const first = await cli('consume', '--topic', topic, '--group', group, '--from-beginning', '--max-messages', 4, '--timeout-ms', 20_000);
    expect(first.code).toBe(0);
    expect(first.stdout.trimEnd().split('\n').sort()).toEqual(['1', '2', '3', '4']);

    // It left: no members, and every partition committed at its log end.
    const described = await cli('groups', '--describe', '--group', group);
    expect(described.stderr).toBe(`\nConsumer group '${group}' has no active members.\n`);
    const table = rows(described.stdout).slice(1);
    expect(table.map((r) => r[2])).toEqual(['0', '1']);
    for (const r of table) expect([r[3], r[5], r[6]]).toEqual([r[4], '0', '-']);

    // A new run of the same group prints only what came after the commit.
    expect((await produce('e\t5\nf\t6\n')).code).toBe(0);
    const second = await cli('consume', '--topic', topic, '--group', group, '--max-messages', 2, '--timeout-ms', 20_000, '--property', 'print.key=true');
    expect(second.stdout.trimEnd().split('\n').sort()).toEqual(['e\t5', 'f\t6']);
    expect(second.stderr).toBe('Processed a total of 2 messages\n');
  });
});
