/**
 * R8 against real server processes: a deadline that passes while the server is down
 * fires once after it comes back (SQLite); two servers on one PostgreSQL database fire
 * every reminder exactly once, also when one of them is SIGKILLed midway.
 * Needs the build (`npm run build`; `npm test` does it).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { ADMIN_TOKEN, PG_URL, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { UPDATE } from '../api/helpers.js';

async function api(server: ServerProcess, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const iso = (ms: number) => new Date(ms).toISOString();

function writeConfig(db: Database, yaml: string): Record<string, string> {
  const file = join(db.dataDir, 'reminders.config.yaml');
  writeFileSync(file, yaml);
  return { INCIDENT_CONFIG: file };
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('R8: a restarted server fires what it missed, once (sqlite)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('R8: deadlines that pass while the server is down fire once after it comes back', async () => {
    const db = await freshDatabase('sqlite');
    cleanups.push(() => db.cleanup());
    const env = writeConfig(
      db,
      `severities:
  - { id: SEV1, name: Critical, impact: Core down, response: All hands, updateEvery: 1m, audience: public, roles: combined, postmortem: optional }
reminders: { dueSoon: 20s, escalateAfter: 2s, roleGap: 1h }
`,
    );
    let server = await startServerProcess(db, env);
    cleanups.push(() => server.stop('SIGKILL'));
    const { id } = await api(server, 'POST', '/incidents', { title: 'Checkout errors', severity: 'SEV1' });
    const promisedBy = iso(Date.now() + 2_000);
    await api(server, 'POST', `/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: promisedBy });
    await server.stop('SIGKILL');

    // Overdue at +2s and the first escalation at +4s both pass while it is down.
    await sleep(Math.max(0, Date.parse(promisedBy) + 2_500 - Date.now()));
    server = await startServerProcess(db, env);
    const restartedAt = Date.now();
    const kinds = async () => ((await api(server, 'GET', `/incidents/${id}/timeline`)) as { kind: string; text: string; recordedAt: string }[]).filter((e) =>
      ['update_due_soon', 'update_overdue', 'overdue_escalated'].includes(e.kind),
    );
    const fired = await until('the missed reminders', async () => {
      const entries = await kinds();
      return entries.some((e) => e.kind === 'overdue_escalated') ? entries : null;
    }, 10_000);
    await server.stop('SIGTERM');
    expect(fired.slice(0, 2).map((e) => e.kind)).toEqual(['update_overdue', 'overdue_escalated']);
    expect(fired[0]!.text).toMatch(/^Update overdue: no update since \d\d:\d\d UTC, promised by \d\d:\d\d UTC\.$/);
    expect(Date.parse(fired[0]!.recordedAt)).toBeGreaterThanOrEqual(restartedAt - 1_000);

    // Again after another restart: nothing fires twice.
    server = await startServerProcess(db, env);
    await sleep(500);
    const after = await kinds();
    await server.stop('SIGTERM');
    expect(after.filter((e) => e.kind === 'update_overdue')).toHaveLength(1);
    expect(after.filter((e) => e.kind === 'update_due_soon')).toHaveLength(0);
    const escalations = after.filter((e) => e.kind === 'overdue_escalated').map((e) => e.text);
    expect(new Set(escalations).size).toBe(escalations.length);
    expect(escalations[0]).toMatch(/^Overdue escalated: /);
  }, 40_000);
});

describe.skipIf(!PG_URL)('R8: two servers on one PostgreSQL database fire each reminder exactly once', () => {
  const N = 50;
  let db: Database;
  let client: pg.Client;
  let a: ServerProcess;
  let b: ServerProcess;
  afterAll(async () => {
    await a?.stop('SIGKILL');
    await b?.stop('SIGKILL');
    await client?.end();
    await db?.cleanup();
  });

  /** Declares N incidents on both servers in turn and promises their next updates `lead`…`lead + spread` from now. */
  async function schedule(leadMs: number, spreadMs: number): Promise<{ numbers: number[]; firstDue: number; lastDue: number }> {
    const servers = [a, b];
    const numbers: number[] = [];
    for (let i = 0; i < N; i++) numbers.push((await api(servers[i % 2]!, 'POST', '/incidents', { title: `Burst ${i}`, severity: 'SEV2' })).number);
    const base = Date.now() + leadMs;
    await Promise.all(
      numbers.map((n, i) =>
        api(servers[i % 2]!, 'POST', `/incidents/INC-${n}/updates`, { ...UPDATE, nextUpdateBy: iso(base + Math.round((i * spreadMs) / N)) }),
      ),
    );
    // Due-soon is 2s before each promise.
    return { numbers, firstDue: base - 2_000, lastDue: base + spreadMs };
  }

  async function firings(numbers: number[]) {
    const { rows } = await client.query<{ incident: number; type: string; recorded_at: string; data: string }>(
      `select incident, type, recorded_at, data from incident_events where type in ('UpdateDueSoon', 'UpdateOverdue') and incident = any($1)`,
      [numbers],
    );
    return rows.map((r) => {
      const promisedBy = (JSON.parse(r.data) as { promisedBy: string }).promisedBy;
      const due = Date.parse(promisedBy) - (r.type === 'UpdateDueSoon' ? 2_000 : 0);
      return { key: `${r.incident}:${r.type}`, lateness: Date.parse(r.recorded_at) - due };
    });
  }

  function check(fired: { key: string; lateness: number }[], numbers: number[]) {
    const keys = fired.map((f) => f.key);
    expect(new Set(keys).size, 'duplicates').toBe(keys.length);
    expect(keys.length, 'missed').toBe(numbers.length * 2);
    for (const n of numbers) for (const type of ['UpdateDueSoon', 'UpdateOverdue']) expect(keys).toContain(`${n}:${type}`);
    const lateness = fired.map((f) => f.lateness).sort((x, y) => x - y);
    expect(lateness[0]).toBeGreaterThanOrEqual(0);
    return { p50: lateness[Math.floor(lateness.length / 2)], p99: lateness[Math.floor(lateness.length * 0.99)], max: lateness[lateness.length - 1] };
  }

  it('R8: 50 incidents with deadlines within 3 s: every firing exactly once, from both instances', async () => {
    db = await freshDatabase('postgres');
    const env = writeConfig(db, 'reminders: { dueSoon: 2s, escalateAfter: 1h }\n');
    a = await startServerProcess(db, env);
    b = await startServerProcess(db, env);
    client = new pg.Client({ connectionString: db.env.DATABASE_URL });
    await client.connect();

    const { numbers, lastDue } = await schedule(4_000, 3_000);
    const fired = await until('100 firings', async () => {
      const rows = await firings(numbers);
      return rows.length >= N * 2 && Date.now() > lastDue + 1_000 ? rows : null;
    }, 20_000);
    const lateness = check(fired, numbers);
    const { rows: byInstance } = await client.query<{ claimed_by: string; n: string }>(
      `select claimed_by, count(*) as n from reminders where fired_at is not null and outcome = 'fired' group by claimed_by`,
    );
    console.log(`two instances: lateness p50 ${lateness.p50} ms, p99 ${lateness.p99} ms, max ${lateness.max} ms; fired by ${byInstance.map((r) => `${r.claimed_by}=${r.n}`).join(', ')}`);
    expect(lateness.p99).toBeLessThan(1_000);
  }, 45_000);

  it('R8: with one instance SIGKILLed midway, still exactly once, none missed: the survivor takes over', async () => {
    const { numbers, firstDue, lastDue } = await schedule(4_000, 3_000);
    await sleep(Math.max(0, (firstDue + lastDue) / 2 - Date.now()));
    await a.stop('SIGKILL');
    const killedAt = Date.now();
    // A claim the dead one held runs out with its 10 s lease.
    const fired = await until('100 firings after the kill', async () => {
      const rows = await firings(numbers);
      return rows.length >= N * 2 ? rows : null;
    }, 25_000);
    await sleep(1_000);
    const lateness = check(await firings(numbers), numbers);
    expect(fired.length).toBe(N * 2);
    console.log(`one instance killed at ${iso(killedAt)}: lateness p50 ${lateness.p50} ms, p99 ${lateness.p99} ms, max ${lateness.max} ms`);
  }, 45_000);
});
