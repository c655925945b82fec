/**
 * An upgrade without a failed request: two servers on one PostgreSQL database behind nginx
 * (Debian's, as a team would run it) are restarted one after the other under steady API
 * writes and reads, alert intake and event streams. Not one request fails, every
 * acknowledged write is kept, each stream resumes by id with nothing lost or repeated, and
 * every reminder due meanwhile fires exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { ADMIN_TOKEN, PG_URL, ROOT, freePort, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { SseClient } from '../realtime/sse-client.js';
import { UPDATE } from '../api/helpers.js';

const NGINX = '/usr/sbin/nginx';
const hasNginx = existsSync(NGINX);
if (!PG_URL) console.log('rolling restart: SKIPPED (needs PostgreSQL: INCIDENT_TEST_DATABASE_URL is not set)');
else if (!hasNginx) console.log(`rolling restart: SKIPPED (${NGINX} is missing; apt-get install nginx, as .ci/run does)`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DUE_SOON_MS = 2_000;

/** The configuration README recommends (docs/nginx-instances.conf), pointed at this test's servers, in a throwaway nginx. */
function nginxConfig(dir: string, listen: number, upstreams: number[]): string {
  const shipped = readFileSync(join(ROOT, 'docs/nginx-instances.conf'), 'utf8');
  const servers = shipped.match(/^ {2}server 127\.0\.0\.1:\d+ max_fails=0;$/gm) ?? [];
  expect(servers).toHaveLength(2);
  const site = shipped
    .replace(servers.join('\n'), upstreams.map((p) => `  server 127.0.0.1:${p} max_fails=0;`).join('\n'))
    .replace(/^ {2}listen 80;$/m, `  listen 127.0.0.1:${listen};`);
  return `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${site}
}
`;
}

interface Tally {
  ok: number;
  failed: string[];
}

describe.skipIf(!PG_URL || !hasNginx)('a rolling restart of two instances on PostgreSQL', () => {
  let db: Database;
  let a: ServerProcess;
  let b: ServerProcess;
  let nginx: ChildProcess;
  let client: pg.Client;
  afterAll(async () => {
    // QUIT: the master stops its worker too (a killed master leaves the worker running).
    if (nginx && nginx.exitCode === null && nginx.signalCode === null) {
      const exited = new Promise((done) => nginx.once('exit', done));
      nginx.kill('SIGQUIT');
      await exited;
    }
    await a?.stop('SIGKILL');
    await b?.stop('SIGKILL');
    await client?.end();
    await db?.cleanup();
  });

  it('fails no request, loses no write or stream message, and fires each reminder exactly once', async () => {
    db = await freshDatabase('postgres');
    const configFile = join(db.dataDir, 'rolling.config.yaml');
    writeFileSync(configFile, `reminders: { dueSoon: ${DUE_SOON_MS / 1000}s, escalateAfter: 1h }\n`);
    const env = { INCIDENT_CONFIG: configFile };
    const [portA, portB, front] = [await freePort(), await freePort(), await freePort()];
    a = await startServerProcess(db, env, portA);
    b = await startServerProcess(db, env, portB);
    const proxyDir = join(db.dataDir, 'nginx');
    mkdirSync(proxyDir);
    writeFileSync(join(proxyDir, 'nginx.conf'), nginxConfig(proxyDir, front, [portA, portB]));
    nginx = spawn(NGINX, ['-p', proxyDir, '-c', join(proxyDir, 'nginx.conf')], { stdio: 'ignore' });
    const base = `http://127.0.0.1:${front}`;
    for (let i = 0; i < 100; i++) {
      if (await fetch(`${base}/readyz`).then((r) => r.ok, () => false)) break;
      await sleep(100);
    }
    client = new pg.Client({ connectionString: db.env.DATABASE_URL });
    await client.connect();

    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: await res.text(), nextCursor: res.headers.get('x-next-cursor') };
    };
    const json = async (method: string, path: string, body?: unknown) => {
      const res = await call(method, path, body);
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
      return JSON.parse(res.body) as Record<string, unknown>;
    };

    const room = (await json('POST', '/api/v1/incidents', { title: 'Checkout errors', severity: 'SEV2' })).id as string;
    const source = (await json('POST', '/api/v1/alert-sources', { name: 'prometheus', type: 'events' })).key as string;
    // Ten incidents whose next updates fall due while the instances restart.
    const reminded: number[] = [];
    const restartsBegin = Date.now() + 6_000;
    for (let i = 0; i < 10; i++) {
      const incident = await json('POST', '/api/v1/incidents', { title: `Due during the restart ${i}`, severity: 'SEV2' });
      reminded.push(incident.number as number);
      await json('POST', `/api/v1/incidents/${incident.id as string}/updates`, { ...UPDATE, nextUpdateBy: new Date(restartsBegin + i * 1_000).toISOString() });
    }

    // The stream: resumed by the last id whenever a restart ends it.
    const streamed: number[] = [];
    let streaming = true;
    const follow = (async () => {
      let last: string | null = null;
      while (streaming) {
        const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` };
        if (last) headers['last-event-id'] = last;
        const sse: SseClient | null = await SseClient.open(`${base}/api/v1/events?incident=${room}`, headers).catch(() => null);
        if (!sse) {
          await sleep(100);
          continue;
        }
        let seen = 0;
        while (streaming && !sse.ended) {
          await sse.until((c: SseClient) => c.ended || c.incidents.length > seen || !streaming, 500).catch(() => undefined);
          for (const message of sse.incidents.slice(seen)) streamed.push(message.eventId);
          seen = sse.incidents.length;
          last = sse.incidents.at(-1)?.eventId.toString() ?? last;
        }
        sse.close();
      }
    })();

    const writes: Tally = { ok: 0, failed: [] };
    const reads: Tally = { ok: 0, failed: [] };
    const intake: Tally = { ok: 0, failed: [] };
    const acknowledged: string[] = [];
    let loading = true;
    const loop = async (tally: Tally, step: (i: number) => Promise<{ status: number; body: string }>, ok: (status: number) => boolean) => {
      for (let i = 0; loading; i++) {
        const res = await step(i).catch((error: Error) => ({ status: 0, body: error.message }));
        if (ok(res.status)) tally.ok++;
        else tally.failed.push(`${res.status} ${res.body.slice(0, 200)}`);
        // Steady, not flat out: about 20 a second from each loop, as a busy team and its alerting would send.
        await sleep(50);
      }
    };
    const load = Promise.all([
      loop(
        writes,
        async (i) => {
          const res = await call('POST', `/api/v1/incidents/${room}/timeline`, { kind: 'note', text: `note ${i}` }, { 'idempotency-key': randomUUID() });
          if (res.status === 201) acknowledged.push(`note ${i}`);
          return res;
        },
        (s) => s === 201,
      ),
      loop(reads, () => call('GET', `/api/v1/incidents/${room}`), (s) => s === 200),
      loop(
        intake,
        (i) =>
          call('POST', '/api/v1/alerts/events', { routing_key: source, event_action: 'trigger', dedup_key: `alert-${i}`, payload: { summary: `Alert ${i}`, source: 'checkout', severity: 'error' } }, { authorization: `Bearer ${source}` }),
        (s) => s === 202,
      ),
    ]);

    await sleep(Math.max(0, restartsBegin - Date.now()));
    await a.stop('SIGTERM');
    expect(a.child.exitCode, `A drained within its grace:\n${a.output()}`).toBe(0);
    a = await startServerProcess(db, env, portA);
    await sleep(1_000);
    await b.stop('SIGTERM');
    expect(b.child.exitCode, `B drained within its grace:\n${b.output()}`).toBe(0);
    b = await startServerProcess(db, env, portB);
    await sleep(Math.max(3_000, restartsBegin + 10 * 1_000 + 2_000 - Date.now()));
    loading = false;
    await load;
    await sleep(1_500);
    streaming = false;
    await follow;

    console.log(`rolling restart: ${writes.ok} writes, ${reads.ok} reads, ${intake.ok} alert deliveries answered; ${streamed.length} stream messages`);
    expect(writes.failed, 'failed writes').toEqual([]);
    expect(reads.failed, 'failed reads').toEqual([]);
    expect(intake.failed, 'failed alert deliveries').toEqual([]);
    expect(writes.ok).toBeGreaterThan(20);

    // The timeline pages (100 entries by default, 500 at most): follow the cursor to its end.
    const timeline: { text: string }[] = [];
    for (let cursor: string | null = '', pages = 0; cursor !== null && pages < 50; pages++) {
      const page = await call('GET', `/api/v1/incidents/${room}/timeline?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      timeline.push(...(JSON.parse(page.body) as { text: string }[]));
      cursor = page.nextCursor;
    }
    const kept = new Set(timeline.map((e) => e.text));
    expect(acknowledged.filter((text) => !kept.has(text)), 'acknowledged writes lost').toEqual([]);
    expect(timeline.filter((e) => e.text.startsWith('note ')).length, 'writes applied twice').toBe(acknowledged.length);

    const { rows: events } = await client.query<{ id: string }>(`select e.id from incident_events e join incidents i on i.number = e.incident where i.number = $1 order by e.id`, [Number(room.slice(4))]);
    const after = events.map((e) => Number(e.id)).filter((id) => id > (streamed[0] ?? 0) - 1);
    expect(streamed, 'the stream, resumed across restarts: every event once, in order').toEqual(after);

    const { rows: reminders } = await client.query<{ incident: number; kind: string; fired_at: string | null }>(
      `select incident, kind, fired_at from reminders where kind in ('update_due_soon', 'update_overdue') and incident = any($1)`,
      [reminded],
    );
    expect(reminders.filter((r) => r.fired_at === null).map((r) => `${r.incident}:${r.kind}`), 'reminders missed').toEqual([]);
    const { rows: fired } = await client.query<{ incident: number; type: string; n: string }>(
      `select incident, type, count(*) as n from incident_events where type in ('UpdateDueSoon', 'UpdateOverdue') and incident = any($1) group by incident, type`,
      [reminded],
    );
    expect(fired.filter((r) => Number(r.n) > 1).map((r) => `${r.incident}:${r.type}`), 'reminders doubled').toEqual([]);
    expect(fired.filter((r) => r.type === 'UpdateOverdue')).toHaveLength(reminded.length);
  }, 120_000);
});
