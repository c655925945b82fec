/** `incident task add|done|block|reopen|list` and findings (`incident note --kind finding`): the built CLI against a real server process. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { incident } from './run.js';

describe('incident CLI: who is on what', () => {
  let db: Database;
  let server: ServerProcess;
  let danaToken: string;
  const as = (token: string, args: string[]) => incident(args, { INCIDENT_URL: server.url, INCIDENT_TOKEN: token });
  const admin = (args: string[]) => as(ADMIN_TOKEN, args);
  const json = async (args: string[], token = ADMIN_TOKEN) => {
    const ran = await as(token, [...args, '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    return JSON.parse(ran.stdout);
  };

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServerProcess(db);
    for (const [h, name] of [['dana', 'Dana Kim'], ['lee', 'Lee Park']]) expect((await admin(['people', 'add', h!, name!])).code).toBe(0);
    const issued = await admin(['token', 'create', 'dana']);
    expect(issued.code, issued.stderr).toBe(0);
    danaToken = issued.stdout.trim();
  });
  afterAll(async () => {
    await server?.stop();
    await db?.cleanup();
  });

  it('add, block, done, reopen and list; the owner works their own task; each change is on the timeline', async () => {
    const declared = await json(['declare', 'Checkout errors', '--severity', 'SEV1']);
    const added = await admin(['task', 'add', declared.id, 'Check the batch job', '--owner', '@dana']);
    expect(added.code, added.stderr).toBe(0);
    const id = /task (t\d+) added/.exec(added.stdout)?.[1];
    expect(added.stdout).toBe(`${declared.id}: task ${id} added: Check the batch job (@dana, open).\n`);
    await json(['task', 'add', declared.id, 'Throttle the job', '--owner', 'lee']);

    const blocked = await as(danaToken, ['task', 'block', declared.id, id!, '--reason', 'Waiting on DBA access']);
    expect(blocked.code, blocked.stderr).toBe(0);
    expect(blocked.stdout).toContain(`task ${id} blocked: Check the batch job (@dana, blocked: Waiting on DBA access)`);

    const list = await admin(['task', 'list', declared.id]);
    expect(list.code, list.stderr).toBe(0);
    const rows = list.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^TASK\s+STATE\s+OWNER\s+TITLE/);
    expect(rows[1]).toMatch(new RegExp(`^${id}\\s+blocked\\s+@dana\\s+Check the batch job — blocked: Waiting on DBA access`));
    expect(rows[2]).toMatch(/open\s+@lee\s+Throttle the job/);

    const shown = await admin(['show', declared.id]);
    expect(shown.stdout).toContain(`TASKS\n  ! BLOCKED ${id} @dana: Check the batch job (Waiting on DBA access)\n  - open    `);
    expect(shown.stdout).toMatch(/- open {4}t\d+ @lee: Throttle the job\n/);

    expect((await as(danaToken, ['task', 'done', declared.id, id!])).code).toBe(0);
    expect((await admin(['show', declared.id])).stdout).toContain(`  1 done (all: incident task list ${declared.id})`);
    expect((await json(['task', 'reopen', declared.id, id!, '--reason', 'Errors are back'])).state).toBe('open');
    const timeline = await json(['timeline', declared.id, '--kind', 'task']);
    expect(timeline.map((e: { actor: string }) => e.actor)).toEqual(['admin', 'admin', 'dana', 'dana', 'admin']);
  });

  it('refusals: block without a reason or a bad task id is a usage error; someone else\'s task is refused by the server', async () => {
    const declared = await json(['declare', 'Search slow', '--severity', 'SEV3']);
    const task = await json(['task', 'add', declared.id, 'Read the slow log', '--owner', 'lee']);
    expect((await admin(['task', 'block', declared.id, task.id])).code).toBe(2);
    const badId = await admin(['task', 'done', declared.id, 'twelve']);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('not a task id');
    const notYours = await as(danaToken, ['task', 'done', declared.id, task.id]);
    expect(notYours.code).toBe(1);
    expect(notYours.stderr).toContain("is @lee's");
    const unknown = await admin(['task', 'add', declared.id, 'x', '--owner', 'nobody']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('(field: owner)');
  });

  it('a finding goes up to the IC by default (or --to someone) and the timeline says to whom', async () => {
    const declared = await json(['declare', 'Cart empty', '--severity', 'SEV2']);
    const noted = await as(danaToken, ['note', declared.id, 'The cache was flushed at 14:02', '--kind', 'finding']);
    expect(noted.code, noted.stderr).toBe(0);
    expect(noted.stdout).toMatch(/^Recorded #\d+ finding for @admin at /);
    expect((await json(['note', declared.id, 'TTL is 0', '--kind', 'finding', '--to', 'lee'], danaToken)).to).toBe('lee');
    const shown = await admin(['timeline', declared.id, '--kind', 'finding']);
    expect(shown.stdout).toContain('The cache was flushed at 14:02  (to @admin)');
    expect(shown.stdout).toContain('TTL is 0  (to @lee)');
  });
});
