/**
 * The seed's checkout incident, walked end to end with the built `incident` binary
 * against a real server: declare, roles, SMEs, updates, an IC handoff that gets a yes,
 * resolve, and a postmortem built from the timeline.
 *
 * Set CLI_TRANSCRIPT=<file> to keep the terminal transcript of the run (for the README).
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { incident, Transcript, type Ran } from './run.js';

describe('incident CLI: the checkout walk-through', () => {
  let db: Database;
  let server: ServerProcess;
  const tokens = new Map<string, string>([['admin', ADMIN_TOKEN]]);
  const transcript = new Transcript();
  const postmortemDate = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10) + 'T15:00:00Z';

  type Step = { who: string; args: string[]; expectCode?: number; hideOutput?: boolean; display?: string };

  /** Runs the steps at once (they are independent), then records them in order; each must exit as expected (0 by default). */
  async function all(steps: Step[]): Promise<Ran[]> {
    const runs = await Promise.all(
      steps.map((s) => incident(s.args, { INCIDENT_URL: server.url, INCIDENT_TOKEN: tokens.get(s.who), INCIDENT_DATA_DIR: db.dataDir })),
    );
    runs.forEach((ran, i) => {
      const s = steps[i]!;
      const prefix = s.who === 'admin' ? '' : `INCIDENT_TOKEN=$${s.who.toUpperCase()} `;
      transcript.record(s.args, ran, { prefix, display: s.display, hideOutput: s.hideOutput });
      if (ran.code !== (s.expectCode ?? 0)) throw new Error(`incident ${s.args.join(' ')} exited ${ran.code}:\n${ran.stdout}\n${ran.stderr}`);
    });
    return runs;
  }

  /** Runs `incident <args>` as `who`, records it, and expects success unless told otherwise. */
  async function as(who: string, args: string[], options: Omit<Step, 'who' | 'args'> = {}): Promise<Ran> {
    const [ran] = await all([{ who, args, ...options }]);
    return ran!;
  }

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServerProcess(db);
  });

  afterAll(async () => {
    if (process.env.CLI_TRANSCRIPT) writeFileSync(process.env.CLI_TRANSCRIPT, transcript.text());
    await server?.stop();
    await db?.cleanup();
  });

  it('an admin adds the team and issues their tokens', async () => {
    const team = [
      ['alex', 'Alex Kim'],
      ['priya', 'Priya Shah'],
      ['sam', 'Sam Ortiz'],
      ['dana', 'Dana Wu'],
      ['lee', 'Lee Park'],
    ] as const;
    const added = await all(team.map(([handle, name]) => ({ who: 'admin', args: ['people', 'add', handle, name] })));
    added.forEach((ran, i) => expect(ran.stdout).toContain(`Added @${team[i]![0]} (${team[i]![1]}, responder)`));
    const issuedTo = ['alex', 'priya', 'sam'];
    const issued = await all(
      issuedTo.map((handle) => ({ who: 'admin', args: ['token', handle], hideOutput: true, display: `export ${handle.toUpperCase()}=$(incident token ${handle})` })),
    );
    issued.forEach((ran, i) => {
      const token = ran.stdout.trim();
      expect(token).toMatch(/^\S{20,}$/);
      tokens.set(issuedTo[i]!, token);
    });
    const people = await as('admin', ['people', 'list']);
    expect(people.stdout).toMatch(/^HANDLE\s+NAME\s+ROLE/);
    for (const [handle] of team) expect(people.stdout).toContain(`@${handle}`);
  });

  it('alex declares a SEV2: the channel announcement, with alex as IC and a nudge for a Comms Lead', async () => {
    const ran = await as('alex', [
      'declare',
      'Checkout errors',
      '--severity',
      'SEV2',
      '--summary',
      'Checkout returning 500s for ~30% of users',
      '--component',
      'checkout',
      '--status-page',
      'https://status.example.com/incidents/4821',
      '--dashboard',
      'https://grafana.example.com/d/checkout',
      '--runbook',
      'https://wiki.example.com/runbooks/checkout-5xx',
    ]);
    expect(ran.stdout).toMatch(/^🚨 INCIDENT DECLARED, #inc-\d{4}-\d{2}-\d{2}-checkout-errors\nSeverity: SEV2\nStarted: .* UTC\nSummary: Checkout returning 500s for ~30% of users\n/);
    expect(ran.stdout).toContain('Incident Commander: @alex\nComms Lead: (unassigned)');
    expect(ran.stdout).toContain('Dashboard: https://grafana.example.com/d/checkout');
    expect(ran.stdout).toContain('Post updates in this thread. Keep side-chatter out.\nThe Scribe owns the timeline.\n');
    expect(ran.stderr).toContain('WARNING: SEV2 expects a Comms Lead besides the IC.');
  });

  it('alex names Comms and Scribe and pulls in two SMEs; the announcement fills in', async () => {
    expect((await as('alex', ['role', 'INC-1', 'comms_lead', 'priya'])).stdout).toContain('INC-1: @priya is Comms Lead.');
    expect((await as('alex', ['role', 'INC-1', 'scribe', 'sam'])).stdout).toContain('Roles: IC @alex · Comms @priya · Scribe @sam');
    await as('alex', ['sme', 'INC-1', 'dana', '--specialty', 'payments']);
    const lee = await as('alex', ['sme', 'INC-1', 'lee', '--specialty', 'database']);
    expect(lee.stdout).toContain('SMEs @dana (payments), @lee (database)');
    expect(lee.stderr).toBe('');

    const announcement = await as('alex', ['show', 'INC-1', '--announcement']);
    expect(announcement.stdout).toContain(
      'ROLES\nIncident Commander: @alex\nComms Lead: @priya\nScribe: @sam\nSMEs: @dana (payments), @lee (database)\n\nLINKS\nStatus page: https://status.example.com/incidents/4821\n',
    );
  });

  it('the Scribe keeps the timeline and the Comms Lead posts the update, exactly as the template renders it', async () => {
    expect((await as('sam', ['note', 'INC-1', 'Checkout 500s on ~30% of attempts since 14:14', '--kind', 'observation'])).stdout).toMatch(
      /^Recorded #\d+ observation at .* UTC\.\n$/,
    );
    await as('sam', ['note', 'INC-1', 'Rolled back deploy 4821: errors continue', '--kind', 'ruled_out']);
    await as('sam', ['note', 'INC-1', 'A batch job is holding most DB connections', '--kind', 'hypothesis']);

    const update = await as('priya', [
      'update',
      'INC-1',
      '--status',
      'investigating',
      '--impact',
      '~30% of checkout attempts failing with a 500 error. Browsing, cart, and account features are unaffected.',
      '--what-we-know',
      "Errors began at 14:14 after a batch job exhausted the DB connection pool. We're isolating the job now.",
      '--next-step',
      'Throttle the batch job and add pool headroom.',
    ]);
    expect(update.stdout).toMatch(
      /^\*\*\[SEV2\] Checkout errors, UPDATE \d\d:\d\d UTC\*\*\nStatus: Investigating\nImpact: ~30% of checkout attempts failing with a 500 error\. Browsing, cart, and account features are unaffected\.\nWhat we know:\nErrors began at 14:14 .*\nNext step: Throttle the batch job and add pool headroom\.\nNext update: by \d\d:\d\d UTC \(or sooner if status changes\)\.\n$/,
    );
    const shown = JSON.parse((await incident(['show', 'INC-1', '--json'], { INCIDENT_URL: server.url, INCIDENT_TOKEN: ADMIN_TOKEN })).stdout);
    expect(update.stdout).toBe(shown.lastUpdate.markdown);
  });

  it('R6: alex going hands-on is warned on stderr (exit 0), so he offers IC to priya; it is pending until she says yes', async () => {
    const action = await as('alex', ['note', 'INC-1', 'Checking the pool metrics myself', '--kind', 'action']);
    expect(action.stderr).toContain('WARNING: The Incident Commander is going hands-on');

    const offer = await as('alex', ['role', 'INC-1', 'ic', 'priya']);
    const handoff = /handoff (h\d+)/.exec(offer.stdout)?.[1];
    expect(handoff).toBeDefined();
    expect(offer.stdout).toContain(`@priya accepts with:  incident accept INC-1 ${handoff}`);

    const show = await as('alex', ['show', 'INC-1']);
    expect(show.stdout).toContain('Incident Commander: @alex');
    expect(show.stdout).toContain(`PENDING HANDOFF ${handoff}: @alex offered Incident Commander to @priya`);
    expect(show.stdout).toContain(`incident accept INC-1 ${handoff}`);
    expect(show.stdout).toMatch(/Next update by: .* UTC \(in \d+m/);
  });

  it('R3: priya accepts with her own token (the pending handoff is found for her)', async () => {
    const accepted = await as('priya', ['accept', 'INC-1']);
    expect(accepted.stdout).toContain('INC-1: @priya is now the Incident Commander.');
    expect(accepted.stderr).toContain('SEV2 expects the Comms Lead to be someone other than the IC.');
    const ruledOut = await as('priya', ['timeline', 'INC-1', '--kind', 'ruled_out']);
    expect(ruledOut.stdout).toMatch(/^\d{4}-\d{2}-\d{2} \d\d:\d\d:\d\d UTC {2}#\d+ {2}ruled_out {2}@sam {2}Rolled back deploy 4821: errors continue\n$/);
  });

  it('R11: priya resolves with a final update; the incident owes a postmortem until it has an owner and a date', async () => {
    const resolved = await as('priya', [
      'resolve',
      'INC-1',
      '--impact',
      '~30% of checkout attempts failed with a 500 error for 48 minutes.',
      '--what-we-know',
      'A batch job exhausted the DB connection pool. The job is throttled and the pool has headroom.',
    ]);
    expect(resolved.stdout).toMatch(/^\*\*\[SEV2\] Checkout errors, UPDATE \d\d:\d\d UTC\*\*\nStatus: Resolved\n/);
    expect(resolved.stdout).toContain('Next update: none, this incident is resolved.');
    expect(resolved.stderr).toContain('A postmortem is owed');
    expect((await as('priya', ['list'])).stdout).toMatch(/INC-1\s+SEV2\s+Resolved\s+\S+\s+@priya\s+\[postmortem owed\]\s+Checkout errors/);

    const assigned = await as('priya', ['postmortem', 'INC-1', '--owner', 'alex', '--date', postmortemDate]);
    expect(assigned.stdout).toBe(`INC-1 postmortem: owned by @alex, scheduled for ${postmortemDate.slice(0, 10)} 15:00 UTC.\n`);
    expect((await as('priya', ['list'])).stdout).not.toContain('postmortem owed');
  });

  it('R12: the postmortem draft is built from the timeline', async () => {
    const draft = await as('alex', ['postmortem', 'INC-1', '--draft']);
    expect(draft.stdout).toContain('# Postmortem: INC-1');
    expect(draft.stdout).toContain('## Timeline');
    expect(draft.stdout).toContain('Rolled back deploy 4821: errors continue');
    expect(draft.stdout).toContain('@priya accepted Incident Commander from @alex.');
    expect(draft.stdout).toContain('A batch job is holding most DB connections');

    const timeline = await as('alex', ['timeline', 'INC-1']);
    const kinds = timeline.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s{2,}/)[2]);
    expect(kinds).toEqual([
      'declared',
      'role_assigned',
      'role_assigned',
      'sme_added',
      'sme_added',
      'observation',
      'ruled_out',
      'hypothesis',
      'update_posted',
      'action',
      'commander_hands_on',
      'role_offered',
      'role_accepted',
      'update_posted',
      'status_changed',
      'resolved',
      'postmortem_assigned',
    ]);
  });
});
