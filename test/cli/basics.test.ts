/** The CLI's contract around the walk-through: help, --json, refusals, usage errors, reaching the server, tokens. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, freePort, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { incident } from './run.js';

const VERBS = ['serve', 'declare', 'list', 'show', 'role', 'accept', 'decline', 'sme', 'note', 'timeline', 'task', 'update', 'severity', 'edit', 'resolve', 'reopen', 'merge', 'postmortem', 'alerts', 'ack', 'alert-sources', 'people', 'token', 'insights', 'drill', 'follow-ups', 'follow-up', 'change', 'changes', 'suspect'];


describe('incident CLI basics', () => {
  let db: Database;
  let server: ServerProcess;
  let emptyDir: string;
  const tokens = new Map<string, string>([['admin', ADMIN_TOKEN]]);
  const as = (who: string, args: string[]) => incident(args, { INCIDENT_URL: server.url, INCIDENT_TOKEN: tokens.get(who), INCIDENT_DATA_DIR: emptyDir });

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    emptyDir = mkdtempSync(join(tmpdir(), 'incident-cli-'));
    server = await startServerProcess(db);
    await Promise.all(['alex', 'sam'].map((h) => as('admin', ['people', 'add', h, h.toUpperCase()])));
    const issued = await Promise.all(['alex', 'sam'].map((h) => as('admin', ['token', h])));
    issued.forEach((ran, i) => tokens.set(['alex', 'sam'][i]!, ran.stdout.trim()));
    const declared = await as('alex', ['declare', 'Search is slow', '--severity', 'SEV3']);
    if (declared.code !== 0) throw new Error(declared.stderr);
  });

  afterAll(async () => {
    await server?.stop();
    await db?.cleanup();
    if (emptyDir) rmSync(emptyDir, { recursive: true, force: true });
  });

  it('--help lists every verb, alert intake included; each verb has examples', async () => {
    const help = await incident(['--help'], {});
    expect(help.code).toBe(0);
    for (const verb of VERBS) expect(help.stdout).toMatch(new RegExp(`^  ${verb}\\b`, 'm'));
    expect(help.stdout).toContain('INCIDENT_URL');
    const verbs = await Promise.all(['declare', 'update', 'timeline', 'accept', 'postmortem'].map((v) => incident([v, '--help'], {})));
    for (const ran of verbs) {
      expect(ran.code).toBe(0);
      expect(ran.stdout).toContain('Examples:\n  incident ');
      expect(ran.stdout).toContain('--json');
    }
  });

  it('insights: a compact table, CSV for a spreadsheet, JSON, and a refusal naming the field', async () => {
    const [human, csv, json, bad] = await Promise.all([
      as('alex', ['insights']),
      as('alex', ['insights', '--csv']),
      as('alex', ['insights', '--json', '--severity', 'SEV3']),
      as('alex', ['insights', '--to', 'tomorrow']),
    ]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC → \d{4}-\d\d-\d\d \d\d:\d\d UTC: 1 incident — SEV3 1\n/);
    expect(human.stdout).toMatch(/^time to first update\s+0\s+-\s+-$/m);
    expect(human.stdout).toContain('UPDATE PROMISES');
    // Printed through the terminal filter, which takes out carriage returns: lines end in \n.
    expect(csv.stdout.split('\n')[0]).toBe('section,metric,group,value');
    expect(csv.stdout).toContain('\nincidents,count,SEV3,1\n');
    expect(JSON.parse(json.stdout)).toMatchObject({ severity: 'SEV3', incidents: { total: 1 } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('to');
  });

  it('--json prints the raw answer, for reads and writes', async () => {
    const [list, show, timeline, people] = await Promise.all([
      as('alex', ['list', '--json']),
      as('alex', ['show', '1', '--json']),
      as('alex', ['timeline', 'INC-1', '--json']),
      as('alex', ['people', '--json']),
    ]);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: 'INC-1', severity: 'SEV3', overdue: false })]);
    expect(JSON.parse(show.stdout)).toMatchObject({ id: 'INC-1', roles: { incident_commander: 'alex' }, pendingHandoff: null, roleGaps: [] });
    expect(JSON.parse(timeline.stdout)[0]).toMatchObject({ id: 1, kind: 'declared', actor: 'alex' });
    expect(JSON.parse(people.stdout).map((p: { handle: string }) => p.handle)).toEqual(['admin', 'alex', 'sam']);

    const note = await as('alex', ['note', 'INC-1', 'Index rebuild is not the cause', '--kind', 'ruled_out', '--json']);
    expect(note.code).toBe(0);
    expect(JSON.parse(note.stdout)).toMatchObject({ kind: 'ruled_out', text: 'Index rebuild is not the cause', warnings: [] });
    const update = await as('alex', ['update', 'INC-1', '--status', 'identified', '--impact', 'Search p95 at 4s', '--what-we-know', 'A hot shard', '--next-step', 'Rebalance', '--json']);
    expect(update.code).toBe(0);
    expect(JSON.parse(update.stdout)).toMatchObject({ incident: 'INC-1', status: 'identified', markdown: expect.stringContaining('**[SEV3] Search is slow, UPDATE') });
  });

  it('a refusal by the API exits 1 with "error: <message> (field: …)" on stderr and nothing on stdout', async () => {
    const refused = await as('alex', ['severity', 'INC-1', 'SEV9', '--reason', 'testing']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe('error: Severity "SEV9" is not in the policy. (field: severity)\n');

    const missing = await as('alex', ['show', 'INC-99']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: .*INC-99/);

    const notYours = await as('sam', ['role', 'INC-1', 'scribe', 'sam']);
    expect(notYours.code).toBe(1);
    expect(notYours.stderr).toContain('error: Only the Incident Commander (@alex)');
  });

  it('usage errors exit 2: a bad id, role, time or kind, and commander\'s own', async () => {
    const cases: [string[], RegExp][] = [
      [['show', 'abc'], /error: "abc" is not an incident id/],
      [['role', 'INC-1', 'boss', 'sam'], /error: "boss" is not a role/],
      [['role', 'INC-1', 'scribe'], /error: name who takes Scribe/],
      [['note', 'INC-1', 'x', '--at', 'yesterday-ish'], /error: --at "yesterday-ish" is not a time/],
      [['timeline', 'INC-1', '--kind', 'rumours'], /error: unknown timeline kind "rumours"/],
      [['update', 'INC-1', '--status', 'fixed', '--impact', 'i', '--what-we-know', 'w', '--next-step', 'n'], /argument 'fixed' is invalid/],
      [['declare', 'No severity'], /required option '-s, --severity <level>' not specified/],
      [['decalre'], /unknown command 'decalre'/],
    ];
    const runs = await Promise.all(cases.map(([args]) => as('alex', args)));
    runs.forEach((ran, i) => {
      expect(ran.code, cases[i]![0].join(' ')).toBe(2);
      expect(ran.stderr).toMatch(cases[i]![1]);
    });
  });

  it('R3 from the CLI: an IC offer can be declined, and only by the person offered; IC stays where it was', async () => {
    const offer = await as('alex', ['role', 'INC-1', 'ic', 'sam']);
    expect(offer.code).toBe(0);
    const handoff = /handoff (h\d+)/.exec(offer.stdout)![1]!;
    const wrongPerson = await as('alex', ['accept', 'INC-1']);
    expect(wrongPerson.code).toBe(1);
    expect(wrongPerson.stderr).toBe('error: IC was offered to @sam; only they can answer.\n');
    const declined = await as('sam', ['decline', 'INC-1', handoff]);
    expect(declined.code).toBe(0);
    expect(declined.stdout).toBe('INC-1: offer declined; @alex is still the Incident Commander.\n');
    const again = await as('sam', ['accept', 'INC-1']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: INC-1 has no pending Incident Commander handoff.\n');
  });

  it('timeline --kind takes several kinds, and backdated entries say when they were recorded', async () => {
    const note = await as('alex', ['note', 'INC-1', 'Slow queries began', '--kind', 'observation', '--at', '20m ago']);
    expect(note.code).toBe(0);
    const ran = await as('alex', ['timeline', 'INC-1', '--kind', 'observation,ruled_out']);
    const lines = ran.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/observation\s+@alex\s+Slow queries began {2}\(recorded .* UTC\)$/);
    expect(lines[1]).toMatch(/ruled_out\s+@alex\s+Index rebuild is not the cause$/);
  });

  it('connection refused names INCIDENT_URL clearly', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const ran = await incident(['list'], { INCIDENT_URL: url, INCIDENT_TOKEN: ADMIN_TOKEN });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(
      `error: cannot reach the Incident Command server at ${url} (INCIDENT_URL): connection refused. Is it running ("incident serve")? Set INCIDENT_URL if it is elsewhere.\n`,
    );
  });

  it('without INCIDENT_TOKEN it uses <INCIDENT_DATA_DIR>/admin-token, and says what to do when there is none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'incident-cli-token-'));
    try {
      const none = await incident(['list'], { INCIDENT_URL: server.url, INCIDENT_DATA_DIR: dir });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('error: no API token: set INCIDENT_TOKEN');
      expect(none.stderr).toContain(join(dir, 'admin-token'));

      writeFileSync(join(dir, 'admin-token'), `${ADMIN_TOKEN}\n`, { mode: 0o600 });
      const fromFile = await incident(['people', 'list'], { INCIDENT_URL: server.url, INCIDENT_DATA_DIR: dir });
      expect(fromFile.code).toBe(0);
      expect(fromFile.stdout).toMatch(/^@admin\s+Administrator\s+admin/m);

      const bad = await incident(['list'], { INCIDENT_URL: server.url, INCIDENT_TOKEN: 'not-a-token', INCIDENT_DATA_DIR: dir });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toBe('error: That API token is not valid. (field: authorization)\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
