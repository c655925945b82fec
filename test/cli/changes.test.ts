/** `incident change`, `incident changes` and `incident suspect` (README "What changed"): the built CLI against a real server process. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { incident } from './run.js';

describe('incident CLI: what changed', () => {
  let db: Database;
  let server: ServerProcess;
  const admin = (args: string[]) => incident(args, { INCIDENT_URL: server.url, INCIDENT_TOKEN: ADMIN_TOKEN });
  const json = async (args: string[]) => {
    const ran = await admin([...args, '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    return JSON.parse(ran.stdout);
  };

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServerProcess(db);
  });
  afterAll(async () => {
    await server?.stop();
    await db?.cleanup();
  });

  it('records changes, lists them filtered, shows those around an incident marked, and suspects one once', async () => {
    const deploy = await admin(['change', 'Deployed checkout-api v2.14.0', '--kind', 'deploy', '--component', 'checkout', '--link', 'https://ci.example.com/812', '--at', '10m ago']);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stdout).toMatch(/^Recorded change chg_[0-9a-f]{16} \(deploy\) at \d\d:\d\d UTC: Deployed checkout-api v2\.14\.0\n$/);
    const batch = await json(['change', 'Nightly reconciliation batch', '--kind', 'batch-job', '--at', '5m ago', '--source', 'cron@batch-01']);
    expect(batch.change).toMatchObject({ kind: 'batch-job', source: 'cron@batch-01', components: [], sentBy: { person: 'admin', source: null } });

    const deploys = await json(['changes', '--kind', 'deploy']);
    expect(deploys.map((c: { summary: string }) => c.summary)).toEqual(['Deployed checkout-api v2.14.0']);
    const listed = await admin(['changes']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^CHANGE\s+AT \(UTC\)\s+KIND\s+COMPONENTS\s+SUMMARY$/);
    expect(listed.stdout.split('\n')[1]).toContain('Nightly reconciliation batch');

    const declared = await json(['declare', 'Checkout errors', '--severity', 'SEV2', '--component', 'checkout', '--started-at', '2m ago']);
    const around = await admin(['changes', declared.id]);
    expect(around.code, around.stderr).toBe(0);
    const rows = around.stdout.trim().split('\n');
    expect(rows[0]).toMatch(new RegExp(`^Changes around ${declared.id}, `));
    expect(rows[2]).toMatch(/deploy\s+checkout\s+\* \(before\) Deployed checkout-api v2\.14\.0$/);
    expect(rows[3]).toMatch(/batch-job\s+-\s+\(before\) Nightly reconciliation batch$/);

    const id = JSON.parse((await admin(['changes', '--kind', 'deploy', '--json'])).stdout)[0].id as string;
    const suspected = await admin(['suspect', declared.id, id]);
    expect(suspected.code, suspected.stderr).toBe(0);
    expect(suspected.stdout).toMatch(new RegExp(`^Hypothesis #\\d+ on ${declared.id}: Suspect deploy at \\d\\d:\\d\\d UTC on checkout: Deployed checkout-api v2\\.14\\.0\\n$`));
    expect((await admin(['suspect', declared.id, id])).stdout).toBe(suspected.stdout);
    expect((await admin(['changes', declared.id])).stdout).toContain('[hypothesis #');

    const bad = await admin(['suspect', declared.id, 'deploy-42']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a change id');
  }, 120_000);

  it('a changes source is added with its key and a curl to send change events', async () => {
    const added = await admin(['alert-sources', 'add', 'deploys', '--type', 'changes']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`Send change events (PagerDuty Change Events format) to ${server.url}/api/v1/changes`);
    expect(added.stdout).toMatch(/curl -sS -X POST .*\/api\/v1\/changes/);
    const key = /^\s+(ics_\S+)$/m.exec(added.stdout)?.[1];
    const sent = await fetch(`${server.url}/api/v1/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ routing_key: key, payload: { summary: 'Flag checkout-v2 on' }, kind: 'feature-flag' }) });
    expect(sent.status).toBe(202);
  }, 60_000);
});
