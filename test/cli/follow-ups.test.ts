/** `incident follow-ups` and `incident follow-up add|done|wontdo|edit`: the built CLI against a real server process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { incident } from './run.js';
import { FakeTrackers } from '../support/fake-trackers.js';

const dayFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('incident CLI: follow-ups', () => {
  let db: Database;
  let server: ServerProcess;
  let emptyDir: string;
  const run = (args: string[]) => incident(args, { INCIDENT_URL: server.url, INCIDENT_TOKEN: ADMIN_TOKEN, INCIDENT_DATA_DIR: emptyDir });
  const json = async (args: string[]) => {
    const ran = await run([...args, '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    return JSON.parse(ran.stdout);
  };

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    emptyDir = mkdtempSync(join(tmpdir(), 'incident-cli-'));
    server = await startServerProcess(db);
  });

  afterAll(async () => {
    await server?.stop();
    await db?.cleanup();
    if (emptyDir) rmSync(emptyDir, { recursive: true, force: true });
  });

  it('adds from an incident and a timeline entry, lists with filters, edits, marks done and won\'t do', async () => {
    const declared = await json(['declare', 'Checkout errors', '--severity', 'SEV2']);
    const timeline = await json(['timeline', declared.id]);
    const due = dayFromNow(10);
    const added = await run(['follow-up', 'add', declared.id, 'Alert on checkout error rate', '--owner', '@admin', '--due', due, '--priority', 'P1', '--entry', String(timeline[0].id)]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(new RegExp(`^Opened fu_[0-9a-f]{16} \\(${declared.id}\\) open: Alert on checkout error rate — @admin, due ${due}, P1\\.\\n$`));
    const second = await json(['follow-up', 'add', declared.id, 'Runbook for rollback', '--owner', 'admin', '--due', dayFromNow(30)]);
    expect(second).toMatchObject({ priority: 'P2', sourceEntry: null });

    const listed = await run(['follow-ups', '--incident', declared.id]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID\s+INCIDENT\s+DUE\s+PRI\s+STATE\s+OWNER\s+ISSUE\s+TITLE/);
    expect(listed.stdout).toContain('Alert on checkout error rate');
    expect((await json(['follow-ups', '--due-before', dayFromNow(20)])).map((i: { title: string }) => i.title)).toEqual(['Alert on checkout error rate']);

    const id = second.id as string;
    expect((await json(['follow-up', 'edit', id, '--due', dayFromNow(40), '--priority', 'P3'])).priority).toBe('P3');
    expect((await run(['follow-up', 'done', id])).stdout).toContain(`${id} (${declared.id}) done: Runbook for rollback`);
    const again = await run(['follow-up', 'done', id]);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('already done')]);
    expect((await json(['follow-ups', '--state', 'done'])).map((i: { id: string }) => i.id)).toEqual([id]);
    const reopened = await json(['follow-up', 'edit', id, '--reopen']);
    expect(reopened.state).toBe('open');
    const dropped = await json(['follow-up', 'wontdo', id, '--reason', 'The new deploy system rolls back']);
    expect([dropped.state, dropped.reason]).toEqual(['wont_do', 'The new deploy system rolls back']);
    const notes = (await json(['timeline', declared.id])).map((e: { text: string }) => e.text).filter((t: string) => t.startsWith('Follow-up'));
    expect(notes).toHaveLength(4);
  });

  it('usage errors exit 2 and name what is wrong; refusals exit 1', async () => {
    const edit = await run(['follow-up', 'edit', 'fu_0123456789abcdef']);
    expect([edit.code, edit.stderr]).toEqual([2, expect.stringContaining('say what to change')]);
    const badDay = await run(['follow-up', 'add', 'INC-1', 'x', '--owner', 'admin', '--due', 'friday']);
    expect([badDay.code, badDay.stderr]).toEqual([2, expect.stringContaining('--due "friday" is not a day')]);
    const badId = await run(['follow-up', 'done', '42']);
    expect(badId.code).toBe(2);
    const past = await run(['follow-up', 'add', 'INC-1', 'x', '--owner', 'admin', '--due', dayFromNow(-3)]);
    expect([past.code, past.stderr]).toEqual([1, expect.stringContaining('(field: due)')]);
    const missing = await run(['follow-up', 'done', 'fu_ffffffffffffffff']);
    expect(missing.code).toBe(1);
  });
});

describe('incident CLI: follow-ups export, against a local GitHub', () => {
  const fake = new FakeTrackers();
  let db: Database;
  let server: ServerProcess;
  let emptyDir: string;
  const run = (args: string[]) => incident(args, { INCIDENT_URL: server.url, INCIDENT_TOKEN: ADMIN_TOKEN, INCIDENT_DATA_DIR: emptyDir });

  beforeAll(async () => {
    await fake.start();
    db = await freshDatabase('sqlite');
    emptyDir = mkdtempSync(join(tmpdir(), 'incident-cli-'));
    server = await startServerProcess(db, { GITHUB_TOKEN: 'ghp_test', GITHUB_REPOSITORY: 'acme/ops', GITHUB_API_URL: fake.url });
  });

  afterAll(async () => {
    await server?.stop();
    await db?.cleanup();
    await fake.stop();
    if (emptyDir) rmSync(emptyDir, { recursive: true, force: true });
  });

  it('exports once, shows the issue in the list, and the insights table counts follow-ups', async () => {
    const declared = JSON.parse((await run(['declare', 'Checkout errors', '--severity', 'SEV2', '--json'])).stdout);
    const item = JSON.parse((await run(['follow-up', 'add', declared.id, 'Alert on checkout error rate', '--owner', 'admin', '--due', dayFromNow(5), '--json'])).stdout);
    const exported = await run(['follow-ups', 'export', item.id, '--to', 'github']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(`Exported ${item.id} (${declared.id}) open: Alert on checkout error rate`);
    expect(exported.stdout).toContain('Issue: acme/ops#1 https://github.example/acme/ops/issues/1');
    expect((await run(['follow-ups', 'export', item.id, '--to', 'github'])).stdout).toContain('acme/ops#1');
    expect(fake.creates('github')).toHaveLength(1);
    expect(fake.refused).toEqual([]);
    expect((await run(['follow-ups'])).stdout).toMatch(/acme\/ops#1\s+Alert on checkout error rate/);
    const jira = await run(['follow-ups', 'export', item.id, '--to', 'trello']);
    expect(jira.code).toBe(2);
    const insights = await run(['insights']);
    expect(insights.stdout).toMatch(/FOLLOW-UPS\s+OPENED\s+DONE\s+WON'T DO\s+OVERDUE\n\s*in the period\s+1\s+0\s+0\s+0 at /);
  });
});
