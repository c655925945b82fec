/** Issue 16: `incident postmortem schedule|review|publish` and `incident postmortems`: the built CLI against a real server process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { incident } from './run.js';

describe('incident CLI: the postmortem through to published', () => {
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

  it('schedule, review (refused before a document, then accepted), publish; listed by stage', async () => {
    const declared = await json(['declare', 'Checkout errors', '--severity', 'SEV2']);
    await json(['resolve', declared.id, '--impact', 'Checkouts failed.', '--what-we-know', 'Pool exhausted.']);
    const scheduled = await run(['postmortem', 'schedule', declared.id, '--owner', 'admin', '--at', '3d', '--duration', '45']);
    expect(scheduled.code, scheduled.stderr).toBe(0);
    expect(scheduled.stdout).toMatch(new RegExp(`^${declared.id} postmortem scheduled: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC for 45 min, owned by @admin\\.\\n$`));

    const early = await run(['postmortem', 'review', declared.id]);
    expect(early.code).not.toBe(0);
    expect(early.stderr).toContain('The postmortem is scheduled: it goes to review once a document has been saved (drafting).');

    const saved = await fetch(`${server.url}/api/v1/incidents/${declared.id}/postmortem/document`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'if-match': '"0"' },
      body: JSON.stringify({ markdown: '# Postmortem\n\nWhat happened.' }),
    });
    expect(saved.status).toBe(200);
    expect((await run(['postmortem', 'review', declared.id])).stdout).toBe(`${declared.id} postmortem in review: revision 1, owned by @admin.\n`);
    const published = await run(['postmortem', 'publish', declared.id, '--status-page']);
    expect(published.stdout).toBe(`${declared.id} postmortem published (revision 1, frozen), linked from the status page.\n`);
    expect((await json(['postmortems', '--state', 'published'])).map((i: { id: string }) => i.id)).toEqual([declared.id]);
    expect((await run(['postmortems', '--state', 'drafting'])).stdout).toBe('No postmortems.\n');
    expect((await run(['postmortem', declared.id])).stdout).toContain('Stage: published (revision 1, frozen)');
  });
});
