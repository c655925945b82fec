/**
 * Drills through the built `incident` binary against a real server process (started in its
 * data directory, so the shipped scripts are found from the install, not the cwd): the
 * scripts on offer, a drill started at speed 1000 and run with the real verbs, its DRILL
 * mark in the list, its scorecard once resolved; a second drill stopped; the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { incident, type Ran } from './run.js';

interface Drill {
  id: string;
  script: string;
  state: string;
  speed: number;
  stepsDone: number;
  steps: number;
  incident: string | null;
  endedHow: string | null;
  scorecard: { declared: boolean; ruledOut: { found: string[] }; roles: { person: string | null }[] } | null;
}

describe('incident CLI: drills', () => {
  let db: Database;
  let server: ServerProcess;
  const tokens = new Map<string, string>([['admin', ADMIN_TOKEN]]);

  const as = (who: string, args: string[]) => incident(args, { INCIDENT_URL: server.url, INCIDENT_TOKEN: tokens.get(who), INCIDENT_DATA_DIR: db.dataDir });
  async function ok(who: string, args: string[]): Promise<Ran> {
    const ran = await as(who, args);
    if (ran.code !== 0) throw new Error(`incident ${args.join(' ')} exited ${ran.code}:\n${ran.stdout}\n${ran.stderr}`);
    return ran;
  }
  const json = async <T>(who: string, args: string[]): Promise<T> => JSON.parse((await ok(who, [...args, '--json'])).stdout) as T;

  async function until<T>(what: string, check: () => Promise<T | null | undefined | false>): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServerProcess(db);
    for (const [handle, role] of [
      ['priya', 'responder'],
      ['sam', 'responder'],
      ['vic', 'viewer'],
    ] as const) {
      await ok('admin', ['people', 'add', handle, handle.toUpperCase(), '--role', role]);
      tokens.set(handle, (await ok('admin', ['token', handle])).stdout.trim());
    }
  });

  afterAll(async () => {
    await server?.stop();
    await db?.cleanup();
  });

  it('drill scripts lists the shipped checkout script', async () => {
    const ran = await ok('vic', ['drill', 'scripts']);
    expect(ran.stdout).toMatch(/^SCRIPT\s+STEPS\s+TITLE\n/);
    expect(ran.stdout).toMatch(/checkout\s+10\s+Checkout returning 500s/);
  });

  it('a drill run with the real verbs: DRILL in the list, then its scorecard', async () => {
    const started = await ok('admin', ['drill', 'start', 'checkout', '--speed', '1000']);
    const id = /Started drill (drl_[0-9a-f]{12}) "Checkout returning 500s" at 1000x \(10 steps\)/.exec(started.stdout)?.[1];
    expect(id, started.stdout).toBeTruthy();

    const group = await until('the drill alert group', async () => (await json<{ id: number }[]>('admin', ['alerts']))[0]);
    await ok('admin', ['alerts', 'declare', String(group.id), '--severity', 'SEV2', '--title', 'Checkout returning 500s']);
    const drill = await until('the drill incident', async () => {
      const d = await json<Drill>('admin', ['drill', 'show', id!]);
      return d.incident ? d : null;
    });
    const inc = drill.incident!;
    expect((await ok('admin', ['list'])).stdout).toMatch(new RegExp(`${inc}\\s+SEV2.*\\[DRILL\\].*Checkout returning 500s`));
    const card = await ok('admin', ['show', inc]);
    expect(card.stdout).toMatch(new RegExp(`^${inc} {2}\\[SEV2\\] Checkout returning 500s {2}.*\\[DRILL\\]`));
    expect(card.stdout).toContain(`Drill:       ${id}, practice: kept off the status page, chat, e-mail and webhooks (incident drill show ${id})`);

    await ok('admin', ['role', inc, 'comms', 'priya']);
    await ok('admin', ['role', inc, 'scribe', 'sam']);
    await ok('priya', ['update', inc, '--status', 'investigating', '--impact', 'About 30% of checkouts fail.', '--what-we-know', 'Errors since 14:14.', '--next-step', 'SMEs are looking.']);
    await until('every step', async () => {
      const d = await json<Drill>('admin', ['drill', 'show', id!]);
      return d.stepsDone === d.steps;
    });
    const running = await ok('admin', ['drill', 'list']);
    expect(running.stdout).toMatch(/^ID\s+SCRIPT\s+STATE\s+SPEED\s+STEPS\s+INCIDENT\s+BY\s+STARTED\n/);
    expect(running.stdout).toMatch(new RegExp(`${id}\\s+checkout\\s+running\\s+1000x\\s+10/10\\s+${inc}\\s+@admin`));

    await ok('admin', ['resolve', inc, '--impact', 'None now.', '--what-we-know', 'A batch job held the DB pool; throttled.']);
    await until('the drill to end', async () => (await json<Drill>('admin', ['drill', 'show', id!])).state === 'ended');
    const shown = await ok('vic', ['drill', 'show', id!]);
    expect(shown.stdout).toContain(`${id} "Checkout returning 500s" (script checkout, 1000x) — ended (resolved)`);
    expect(shown.stdout).toContain(`Incident: ${inc}`);
    expect(shown.stdout).toMatch(/Scorecard\n {2}Time to declare: +\S+/);
    expect(shown.stdout).toContain('Incident Commander: @admin');
    expect(shown.stdout).toMatch(/Comms Lead: @priya/);
    expect(shown.stdout).toMatch(/Scribe: @sam/);
    expect(shown.stdout).toMatch(/IC kept hands off: +yes/);
    expect(shown.stdout).toMatch(/Updates on time: +(\d+) of \1 on time\n/);
    expect(shown.stdout).toMatch(/Ruled out: +deploy, payment provider \(of deploy, payment provider\)/);
    expect(shown.stdout).toContain('drill:lee: The 14:00 deploy: rolled back, no change in the error rate.');
    expect(shown.stdout).toMatch(/Resolved: +yes/);
    expect((await json<Drill>('admin', ['drill', 'show', id!])).scorecard?.ruledOut.found).toEqual(['deploy', 'payment provider']);
  });

  it('drill stop ends a running drill with its scorecard; stopping again answers it as it is', async () => {
    const d = await json<Drill>('admin', ['drill', 'start', 'checkout', '--speed', '1']);
    expect(d).toMatchObject({ script: 'checkout', state: 'running', speed: 1, stepsDone: 0, incident: null });
    const stopped = await ok('admin', ['drill', 'stop', d.id]);
    expect(stopped.stdout).toMatch(new RegExp(`^Stopped\\.\\n${d.id} .* — ended \\(stopped\\)`));
    expect(stopped.stdout).toMatch(/Time to declare: +never declared/);
    expect(stopped.stdout).toMatch(/Missed: +deploy, payment provider/);
    expect((await json<Drill>('admin', ['drill', 'stop', d.id])).endedHow).toBe('stopped');
    const listed = await json<Drill[]>('admin', ['drill', 'list']);
    expect(listed[0]!.id).toBe(d.id);
  });

  it('refusals: an unknown script names the field, a bad id or speed is a usage error, a viewer may not start one', async () => {
    const unknown = await as('admin', ['drill', 'start', 'no-such-script']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no drill script "no-such-script". (field: script)');
    const badId = await as('admin', ['drill', 'show', 'INC-1']);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('is not a drill id');
    const badSpeed = await as('admin', ['drill', 'start', 'checkout', '--speed', 'fast']);
    expect(badSpeed.code).toBe(2);
    expect(badSpeed.stderr).toContain('--speed must be a number above 0');
    const tooFast = await as('admin', ['drill', 'start', 'checkout', '--speed', '5000']);
    expect(tooFast.code).toBe(1);
    expect(tooFast.stderr).toContain('speed');
    const viewer = await as('vic', ['drill', 'start', 'checkout']);
    expect(viewer.code).toBe(1);
    const missing = await as('admin', ['drill', 'show', 'drl_000000000000']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no drill drl_000000000000.');
  });
});
