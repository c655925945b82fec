/** `incident status INC-n`: the role checklists, the built CLI against a real server process. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { incident } from './run.js';

describe('incident CLI: role checklists', () => {
  let db: Database;
  let server: ServerProcess;
  const run = (args: string[]) => incident(args, { INCIDENT_URL: server.url, INCIDENT_TOKEN: ADMIN_TOKEN });

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServerProcess(db);
  });

  afterAll(async () => {
    await server?.stop();
    await db?.cleanup();
  });

  it('prints each role’s checklist with ticks from the record and [?] for what only a person can tick', async () => {
    const declared = await run(['declare', 'Checkout errors', '--severity', 'SEV1', '--json']);
    expect(declared.code, declared.stderr).toBe(0);
    const id: string = JSON.parse(declared.stdout).id;
    const noted = await run(['note', id, 'Throttle the batch job', '--kind', 'decision']);
    expect(noted.code, noted.stderr).toBe(0);

    const ran = await run(['status', id]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain(`${id} checklists:\nIncident Commander (@admin)\n  [x] Severity declared — SEV1, set at`);
    expect(ran.stdout).toContain('  [ ] Comms Lead named — Nobody is Comms Lead; SEV1 needs one besides the IC.');
    expect(ran.stdout).toContain('  [?] The IC coordinates and does not debug — ');
    expect(ran.stdout).toContain('Scribe (@admin)\n  [x] Timeline captured as it happens — 1 entry on the timeline');
    expect(ran.stdout).toContain('  [x] Key decisions noted');
    expect(ran.stdout).toContain('SME (nobody yet)\n  [ ] Findings and hypotheses posted — No SME pulled in yet.');

    const json = await run(['status', id, '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).checklists.map((l: { role: string }) => l.role)).toEqual(['incident_commander', 'comms_lead', 'scribe', 'sme']);
  });

  it('the status page verbs still take their own --json; a bad id is a usage error', async () => {
    const declared = await run(['declare', 'Cart slow', '--severity', 'SEV3', '--json']);
    const id: string = JSON.parse(declared.stdout).id;
    const published = await run(['status', 'publish', id, '--json']);
    expect(published.code, published.stderr).toBe(0);
    expect(JSON.parse(published.stdout)).toMatchObject({ id, statusPage: { public: true } });
    const bad = await run(['status', 'nope']);
    expect(bad.code).toBe(2);
  });
});
