/**
 * PostgreSQL drops our connections (a restart, a failover, pg_terminate_backend): the server
 * stays up, its pool replaces the dropped connections, and the LISTEN connection comes back
 * after every drop, not only the first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { ADMIN_TOKEN, PG_URL, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { call } from '../robustness/http.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!PG_URL)('dropped PostgreSQL connections (postgres)', () => {
  let db: Database;
  let server: ServerProcess;
  let admin: pg.Client;
  const name = `ic_drop_${randomBytes(4).toString('hex')}`;

  const ours = async (listening = false) =>
    (
      await admin.query<{ pid: number }>(
        `select pid from pg_stat_activity where application_name = $1 ${listening ? "and query ilike 'listen%'" : ''}`,
        [name],
      )
    ).rows.map((r) => r.pid);

  const until = async (what: string, check: () => Promise<boolean>, ms = 15_000) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${server.output()}`);
      await wait(100);
    }
  };

  beforeAll(async () => {
    db = await freshDatabase('postgres');
    const url = new URL(db.env.DATABASE_URL!);
    url.searchParams.set('application_name', name);
    server = await startServerProcess({ ...db, env: { ...db.env, DATABASE_URL: url.toString() } });
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await server?.stop('SIGKILL');
    await db?.cleanup();
  });

  it('survives its connections being terminated again and again, and recovers each time', async () => {
    // The realtime stream is what starts LISTENing; one stream open keeps it so.
    const stream = new AbortController();
    const opened = await fetch(`${server.url}/api/v1/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: stream.signal });
    expect(opened.status).toBe(200);
    await until('the LISTEN connection', async () => (await ours(true)).length === 1);
    for (let round = 1; round <= 3; round++) {
      // Some idle pooled connections to drop, besides the LISTEN one.
      await Promise.all([1, 2, 3].map((i) => call(server.url, 'POST', '/incidents', { title: `Round ${round}.${i}`, severity: 'SEV3' })));
      const pids = await ours();
      expect(pids.length).toBeGreaterThan(1);
      await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [pids]);
      await wait(500);
      expect(server.child.exitCode, server.output()).toBeNull();
      await until(`LISTEN again after round ${round}`, async () => (await ours(true)).length === 1);
      const declared = await call(server.url, 'POST', '/incidents', { title: `After round ${round}`, severity: 'SEV3' });
      expect(declared.status, declared.text).toBe(201);
    }
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    stream.abort();
    expect(server.output()).toContain('dropped');
  });
});
