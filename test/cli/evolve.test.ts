/** `incident edit`, `incident reopen`, `incident merge`: the built CLI against a real server process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { incident } from './run.js';

describe('incident CLI: understanding evolves', () => {
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

  it('edit corrects the details with a reason; without a change or a reason it is a usage error', async () => {
    const declared = await json(['declare', 'Checkout errors', '--severity', 'SEV2', '--dashboard', 'https://grafana.example.com/d/1']);
    const edited = await json(['edit', declared.id, '--title', 'Checkout 500s', '--summary', 'Pool exhausted', '--dashboard', 'none', '--reason', 'Found it']);
    expect(edited).toMatchObject({ title: 'Checkout 500s', summary: 'Pool exhausted', links: { dashboard: null } });
    const human = await run(['edit', declared.id, '--started-at', '2020-01-01T00:00:00Z', '--reason', 'Older than we thought']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toBe(`${declared.id} now reads: Checkout 500s (impact since 2020-01-01 00:00 UTC).\n`);
    const nothing = await run(['edit', declared.id, '--reason', 'x']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('say what to change');
    expect((await run(['edit', declared.id, '--title', 'x'])).code).toBe(2);
    const timeline = await json(['timeline', declared.id]);
    expect(timeline.filter((e: { kind: string }) => e.kind === 'edited')).toHaveLength(4);
  });

  it('reopen brings a resolved incident back; reopening an open one is refused, saying why', async () => {
    const declared = await json(['declare', 'Search slow', '--severity', 'SEV3']);
    expect((await run(['resolve', declared.id, '--impact', 'Slow search', '--what-we-know', 'Index rebuild'])).code).toBe(0);
    const reopened = await run(['reopen', declared.id, '--reason', 'Slow again']);
    expect(reopened.code, reopened.stderr).toBe(0);
    expect(reopened.stdout).toMatch(new RegExp(`^${declared.id} is open again \\(investigating\\)\\. Next update by \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\.\\n$`));
    const again = await run(['reopen', declared.id, '--reason', 'Slow again']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is still open');
  });

  it('merge closes one incident into another with a pointer', async () => {
    const first = await json(['declare', 'Payments down', '--severity', 'SEV1']);
    const second = await json(['declare', 'Card errors', '--severity', 'SEV2']);
    await run(['note', second.id, 'Card processor timing out']);
    const merged = await run(['merge', second.id, '--into', first.id, '--reason', 'Same failure']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(`${second.id} is merged into ${first.id}: follow it there.\n`);
    expect(await json(['show', second.id])).toMatchObject({ state: 'closed', mergedInto: first.id });
    const self = await run(['merge', first.id, '--into', first.id]);
    expect(self.code).toBe(1);
    expect(self.stderr).toContain('cannot be merged into itself');
  });

  it('show --at: the incident as it stood then, folded from its timeline', async () => {
    const declared = await json(['declare', 'Login errors', '--severity', 'SEV2']);
    await json(['severity', declared.id, 'SEV1', '--reason', 'Nobody can sign in']);
    expect(await json(['show', declared.id, '--at', declared.declaredAt])).toMatchObject({ severity: 'SEV2', asOf: declared.declaredAt, version: 1 });
    expect((await json(['show', declared.id])).severity).toBe('SEV1');
    const human = await run(['show', declared.id, '--at', declared.declaredAt]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^As it stood at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC:\\n${declared.id}  \\[SEV2\\] Login errors`));
    const before = await run(['show', declared.id, '--at', '2020-01-01T00:00:00Z']);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('at must not be before');
    expect((await run(['show', declared.id, '--at', 'soonish'])).code).toBe(2);
  });
});
