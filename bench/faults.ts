/**
 * `npm run bench -- faults` (issue 18, "How fast, how sure"): two servers on PostgreSQL behind
 * nginx (docs/nginx-instances.conf) under a steady mixed load — notes written with an
 * Idempotency-Key and retried with the same key, status updates that go out by webhook and
 * e-mail, reads, alert intake, two event streams resuming by Last-Event-ID — first without a
 * fault (the baseline), then with each fault in turn: PostgreSQL restarted, one server
 * SIGKILLed (and started again, as a supervisor would), the mail server accepting and never
 * answering, the webhook receiver answering slowly. Printed per phase: failed answers (those
 * while the database is down, those answered 503 with Retry-After, the rest), write latency,
 * delivery lag, reminders fired late, and how long after the fault ended everything worked
 * again; then acknowledged writes lost, reminders missed or doubled, and stream messages
 * missed or repeated over the whole run.
 *
 * PostgreSQL is a private cluster (initdb in a temp folder, a free port, pg_ctl), never the
 * shared one on 5432, removed at the end; everything listens on 127.0.0.1; at most 3 minutes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { bounded, fmt, percentile, running, sleep } from './support.js';
import { ADMIN_TOKEN, freePort, startServerProcess, type Database, type ServerProcess } from '../test/support/harness.js';
import { instancesServerBlock, nginxBinary, startNginx } from '../test/support/nginx.js';
import { SmtpReceiver } from '../test/support/smtp-receiver.js';
import { SseClient } from '../test/realtime/sse-client.js';

const LIMIT_MS = 180_000;
const DUE_SOON_S = 2;

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${output}`))));
  });
}

/** A PostgreSQL cluster of the bench's own: stopping it disturbs no one else. */
class PrivateCluster {
  private constructor(
    private readonly dir: string,
    private readonly bin: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<PrivateCluster> {
    const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
    if (!versions.length) throw new Error('no PostgreSQL server under /usr/lib/postgresql (Debian: apt-get install postgresql)');
    const dir = mkdtempSync(join(tmpdir(), 'faults-pg-'));
    // initdb refuses to run as root: the cluster then belongs to the postgres user.
    if (process.getuid?.() === 0) await run('chown', ['postgres:postgres', dir]);
    const cluster = new PrivateCluster(dir, join('/usr/lib/postgresql', versions[0]!, 'bin'), await freePort());
    await cluster.tool('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    return cluster;
  }

  private tool(name: string, args: string[]): Promise<string> {
    const path = join(this.bin, name);
    return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', path, ...args]) : run(path, args);
  }

  start(): Promise<string> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c max_connections=200`;
    return this.tool('pg_ctl', ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'log'), '-o', options, '-w', '-t', '30', 'start']);
  }

  /** A fast shutdown, as a restart or a failover does: sessions are ended, in-flight transactions rolled back. */
  stop(mode: 'fast' | 'immediate' = 'fast'): Promise<string> {
    return this.tool('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', '-t', '30', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A mail server in front of a real one (SmtpReceiver) that can be made to accept connections and never answer. */
class StallableSmtp {
  stalled = false;
  private readonly held = new Set<Socket>();
  private server: TcpServer | null = null;
  readonly arrivedAt = new Map<number, number>();
  port = 0;
  constructor(private readonly real: SmtpReceiver) {}

  async start(): Promise<void> {
    const target = Number(new URL(this.real.url).port);
    this.server = createTcpServer((socket) => {
      socket.on('error', () => undefined);
      if (this.stalled) {
        this.held.add(socket);
        socket.on('close', () => this.held.delete(socket));
        return;
      }
      const upstream = connect(target, '127.0.0.1');
      upstream.on('error', () => socket.destroy());
      socket.pipe(upstream).pipe(socket);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Stamps each update's first e-mail with its arrival time (the receiver keeps no times). */
  sample(): void {
    for (const message of this.real.messages) {
      const n = Number(/update-(\d+)\b/.exec(message.raw)?.[1] ?? NaN);
      if (!Number.isNaN(n) && !this.arrivedAt.has(n)) this.arrivedAt.set(n, Date.now());
    }
  }

  answerAgain(): void {
    this.stalled = false;
    for (const socket of this.held) socket.destroy();
  }

  async stop(): Promise<void> {
    this.answerAgain();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await this.real.stop();
  }
}

/** A webhook receiver that can be made slow; keeps when each update's first delivery arrived. */
class WebhookSink {
  delayMs = 0;
  readonly arrivedAt = new Map<number, number>();
  private server: HttpServer | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createHttpServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        setTimeout(() => {
          const n = Number(/update-(\d+)\b/.exec(raw)?.[1] ?? NaN);
          if (!Number.isNaN(n) && !this.arrivedAt.has(n)) this.arrivedAt.set(n, Date.now());
          res.writeHead(204).end();
        }, this.delayMs);
      });
    });
    this.server.keepAliveTimeout = 1_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/hook`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

interface Answer {
  phase: string;
  kind: string;
  startedAt: number;
  endedAt: number;
  status: number;
  retryAfter: boolean;
}

interface Phase {
  name: string;
  startedAt: number;
  /** When the fault was over (PostgreSQL up, the server ready again, the receiver fast again). */
  faultEndedAt: number;
  endedAt: number;
  /** Incidents whose reminders fall due in this phase. */
  reminded: number[];
}

export async function main(): Promise<number> {
  if (!nginxBinary()) {
    console.error('faults: nginx is needed in front of the two servers (Debian: apt-get install nginx)');
    return 2;
  }
  return bounded('faults', LIMIT_MS, body);
}

async function body(): Promise<number> {
  const began = Date.now();
  const cluster = await PrivateCluster.create();
  running.add({ stop: () => cluster.destroy() });
  await cluster.start();

  const smtp = new StallableSmtp(await new SmtpReceiver().start());
  await smtp.start();
  running.add({ stop: () => smtp.stop() });
  const sink = new WebhookSink();
  await sink.start();
  running.add({ stop: () => sink.stop() });

  const dataDir = mkdtempSync(join(tmpdir(), 'faults-data-'));
  const configFile = join(dataDir, 'faults.config.yaml');
  writeFileSync(configFile, `reminders: { dueSoon: ${DUE_SOON_S}s, escalateAfter: 1h }\nwebhooks:\n  allowTargets: [127.0.0.1]\n`);
  const database: Database = {
    kind: 'postgres',
    env: {
      INCIDENT_DATA_DIR: dataDir,
      DATABASE_URL: cluster.url,
      INCIDENT_CONFIG: configFile,
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      MAIL_FROM: 'Incidents <incidents@example.com>',
    },
    dataDir,
    cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
  running.add({ stop: () => database.cleanup() });
  const ports = [await freePort(), await freePort()];
  const servers: ServerProcess[] = [await startServerProcess(database, {}, ports[0]), await startServerProcess(database, {}, ports[1])];
  running.add({ stop: async () => void (await Promise.all(servers.map((s) => s.stop('SIGKILL')))) });
  const front = await freePort();
  const nginx = await startNginx(instancesServerBlock(front, ports), front, '/readyz');
  running.add(nginx);
  const base = nginx.url;
  const answers: Answer[] = [];
  let phase = 'warm-up';
  const call = async (kind: string, method: string, path: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const startedAt = Date.now();
    const current = phase;
    let status = 0;
    let retryAfter = false;
    let text = '';
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
        signal: AbortSignal.timeout(20_000),
      });
      status = res.status;
      retryAfter = res.headers.has('retry-after');
      text = await res.text();
    } catch (error) {
      text = String((error as Error).cause ?? error);
    }
    answers.push({ phase: current, kind, startedAt, endedAt: Date.now(), status, retryAfter });
    return { status, text, retryAfter };
  };
  const json = async (method: string, path: string, payload?: unknown) => {
    const res = await call('setup', method, path, payload);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return JSON.parse(res.text) as Record<string, unknown>;
  };
  /** A write as a careful client makes it: one Idempotency-Key, tried again (after Retry-After) until acknowledged or 20 s. */
  const write = async (kind: string, path: string, payload: unknown, ok: number) => {
    const key = randomUUID();
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await call(kind, 'POST', path, payload, { 'idempotency-key': key });
      if (res.status === ok) return true;
      if (Date.now() > deadline || (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)) return false;
      await sleep(res.retryAfter ? 1_000 : 250);
    }
  };

  await json('POST', '/api/v1/people', { handle: 'sam', name: 'Sam', role: 'viewer', email: 'sam@example.com' });
  const room = (await json('POST', '/api/v1/incidents', { title: 'Checkout errors', severity: 'SEV2' })).id as string;
  await json('POST', `/api/v1/incidents/${room}/subscribers`, { handle: 'sam' });
  await json('POST', '/api/v1/webhooks', { url: sink.url, events: ['incident.update_posted'] });
  const source = (await json('POST', '/api/v1/alert-sources', { name: 'prometheus', type: 'events' })).key as string;
  const update = (text: string, nextUpdateBy: number) => ({
    status: 'identified',
    impact: text,
    whatWeKnow: 'A bad deploy of the payments client.',
    nextStep: 'Rolling back the deploy.',
    nextUpdateBy: new Date(nextUpdateBy).toISOString(),
  });
  /** Three incidents whose next update falls due 3, 6 and 9 s after `at`: their reminders fire during that phase. */
  const remindAt = async (at: number) => {
    const numbers: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const incident = await json('POST', '/api/v1/incidents', { title: `Due at +${i * 3}s`, severity: 'SEV3' });
      numbers.push(incident.number as number);
      // Not sooner than the due-soon reminder needs: declaring takes a while under load, and a reminder already past is not scheduled.
      await json('POST', `/api/v1/incidents/${incident.id as string}/updates`, update('reminder', Math.max(at + i * 3_000, Date.now() + (DUE_SOON_S + 1) * 1_000)));
    }
    return numbers;
  };

  // The load: steady, not flat out, as a busy team and its alerting send: six loops, each pausing 60-700 ms after every answer.
  let loading = true;
  const acknowledged: string[] = [];
  const notesGivenUp: string[] = [];
  const updateAckedAt = new Map<number, number>();
  const loop = async (pauseMs: number, step: (i: number) => Promise<unknown>) => {
    for (let i = 0; loading; i++) {
      await step(i);
      await sleep(pauseMs);
    }
  };
  const streams = [0, 1].map(() => ({ ids: [] as number[], reconnects: 0 }));
  let streaming = true;
  const follow = async (into: { ids: number[]; reconnects: number }) => {
    let last: string | null = null;
    while (streaming) {
      const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` };
      if (last) headers['last-event-id'] = last;
      const sse = await SseClient.open(`${base}/api/v1/events?incident=${room}`, headers).catch(() => null);
      if (!sse || sse.status !== 200) {
        sse?.close();
        await sleep(250);
        continue;
      }
      let seen = 0;
      while (streaming && !sse.ended) {
        await sse.until((c) => c.ended || c.incidents.length > seen || !streaming, 500).catch(() => undefined);
        for (const message of sse.incidents.slice(seen)) into.ids.push(message.eventId);
        seen = sse.incidents.length;
        last = sse.incidents.at(-1)?.eventId.toString() ?? last;
      }
      sse.close();
      if (streaming) into.reconnects++;
    }
  };
  const following = streams.map((s) => follow(s));
  const sampling = (async () => {
    while (loading || streaming) {
      smtp.sample();
      await sleep(100);
    }
  })();
  const load = Promise.all([
    ...[0, 1].map((w) =>
      loop(60, async (i) => {
        const text = `note ${w}-${i}`;
        if (await write('write', `/api/v1/incidents/${room}/timeline`, { kind: 'note', text }, 201)) acknowledged.push(text);
        else notesGivenUp.push(text);
      }),
    ),
    loop(700, async (i) => {
      if (await write('update', `/api/v1/incidents/${room}/updates`, update(`update-${i}`, Date.now() + 3_600_000), 201)) updateAckedAt.set(i, Date.now());
    }),
    loop(100, () => call('read', 'GET', `/api/v1/incidents/${room}`)),
    loop(100, (i) =>
      call(
        'intake',
        'POST',
        '/api/v1/alerts/events',
        { routing_key: source, event_action: 'trigger', dedup_key: `alert-${i % 50}`, payload: { summary: `Alert ${i % 50}`, source: 'checkout', severity: 'error' } },
        { authorization: `Bearer ${source}` },
      ),
    ),
  ]);

  await sleep(3_000);
  const phases: Phase[] = [];
  const databaseDown: { from: number; to: number }[] = [];
  const runPhase = async (name: string, lengthMs: number, fault: () => Promise<void>) => {
    const reminded = await remindAt(Date.now() + 1_000);
    const startedAt = Date.now();
    phase = name;
    await fault();
    const faultEndedAt = Date.now();
    await sleep(Math.max(0, startedAt + lengthMs - Date.now()));
    phases.push({ name, startedAt, faultEndedAt, endedAt: Date.now(), reminded });
  };

  await runPhase('baseline', 12_000, async () => undefined);
  await runPhase('PostgreSQL restart', 15_000, async () => {
    await sleep(2_000);
    const from = Date.now();
    await cluster.stop('fast');
    // About as long as a restart or a failover leaves the database away.
    await sleep(2_000);
    await cluster.start();
    databaseDown.push({ from, to: Date.now() });
  });
  await runPhase('SIGKILL one server', 15_000, async () => {
    await sleep(2_000);
    await servers[0]!.stop('SIGKILL');
    // A supervisor starts it again after a moment.
    await sleep(1_000);
    servers[0] = await startServerProcess(database, {}, ports[0]);
  });
  await runPhase('SMTP stalled', 18_000, async () => {
    await sleep(1_000);
    smtp.stalled = true;
    await sleep(14_000);
    smtp.answerAgain();
  });
  await runPhase('slow webhook receiver', 18_000, async () => {
    await sleep(1_000);
    sink.delayMs = 5_000;
    await sleep(14_000);
    sink.delayMs = 0;
  });
  phase = 'drain';
  loading = false;
  await load;

  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  running.add({ stop: () => admin.end() });

  // What was queued during the faults is delivered, and every reminder due has fired, within the time left.
  const allDue = phases.flatMap((p) => p.reminded);
  const drainUntil = Math.min(Date.now() + 75_000, began + LIMIT_MS - 15_000);
  const unfired = async () =>
    Number(
      (
        await admin.query<{ n: string }>(
          "select count(*) as n from reminders where incident = any($1) and kind in ('update_due_soon', 'update_overdue') and fired_at is null and due_at < $2",
          [allDue, new Date().toISOString()],
        )
      ).rows[0]!.n,
    );
  for (;;) {
    smtp.sample();
    const undelivered = [...updateAckedAt.keys()].filter((n) => !sink.arrivedAt.has(n) || !smtp.arrivedAt.has(n)).length;
    if ((undelivered === 0 && (await unfired()) === 0) || Date.now() > drainUntil) break;
    await sleep(250);
  }
  // The streams stop once they have caught up with the room's last event (or after 10 s): an event
  // recorded in the last second of the drain is not one a stream missed, only one still on its way.
  await sleep(1_000);
  const roomId = Number(room.replace(/^INC-/, ''));
  const lastId = Number((await admin.query<{ id: string | null }>('select max(id) as id from incident_events where incident = $1', [roomId])).rows[0]!.id ?? 0);
  const caughtUpBy = Date.now() + 10_000;
  while (streams.some((s) => (s.ids.at(-1) ?? 0) < lastId) && Date.now() < caughtUpBy) await sleep(100);
  streaming = false;
  await Promise.all(following);
  await sampling;

  // Acknowledged writes, against what the database holds.
  const { rows: events } = await admin.query<{ id: string; data: string; type: string; recorded_at: string }>(
    'select id, data, type, recorded_at from incident_events where incident = $1 order by id',
    [roomId],
  );
  const noteCount = new Map<string, number>();
  for (const e of events) {
    const text = (JSON.parse(e.data) as { text?: unknown }).text;
    if (typeof text === 'string' && text.startsWith('note ')) noteCount.set(text, (noteCount.get(text) ?? 0) + 1);
  }
  const lost = acknowledged.filter((t) => !noteCount.has(t));
  const twice = [...noteCount.values()].filter((n) => n > 1).length;

  // Reminders: each due one fired exactly once.
  const { rows: reminders } = await admin.query<{ incident: number; kind: string; due_at: string; fired_at: string | null }>(
    "select incident, kind, due_at, fired_at from reminders where incident = any($1) and kind in ('update_due_soon', 'update_overdue') and due_at < $2",
    [allDue, new Date().toISOString()],
  );
  const { rows: fired } = await admin.query<{ n: string }>(
    "select count(*) as n from incident_events where incident = any($1) and type in ('UpdateDueSoon', 'UpdateOverdue') group by incident, type having count(*) > 1",
    [allDue],
  );
  const missed = reminders.filter((r) => r.fired_at === null).length;

  // The streams: every event of the incident from each one's first, once and in order.
  const allIds = events.map((e) => Number(e.id));
  const streamReport = streams.map((s) => {
    const expected = allIds.filter((id) => id >= (s.ids[0] ?? Infinity));
    const got = new Set(s.ids);
    const missing = expected.filter((id) => !got.has(id));
    return {
      missing: missing.length,
      missed: missing.map((id) => {
        const event = events.find((e) => Number(e.id) === id)!;
        const at = Date.parse(event.recorded_at);
        return `${id} ${event.type} recorded in ${phases.find((p) => at >= p.startedAt && at < p.endedAt)?.name ?? 'no phase'}`;
      }),
      repeated: s.ids.length - got.size,
      outOfOrder: s.ids.some((id, i) => i > 0 && id <= s.ids[i - 1]!),
      reconnects: s.reconnects,
      messages: s.ids.length,
    };
  });

  const seconds = (ms: number) => `${fmt(ms / 1000, 1)} s`;
  const inDown = (a: Answer) => databaseDown.some((d) => a.endedAt >= d.from && a.startedAt <= d.to);
  console.log(`\nfaults: two servers on a private PostgreSQL ${cluster.port} behind nginx; ${answers.length} answers in ${seconds(Date.now() - began)}`);
  console.log(
    'phase                   answers  failed  (503+Retry-After, while DB down)  other failed  write p50/p99 ms  webhook lag p50/max  e-mail lag p50/max  reminders late max  recovered after',
  );
  for (const p of phases) {
    const mine = answers.filter((a) => a.phase === p.name);
    const ok = (a: Answer) => a.status >= 200 && a.status < 300;
    const failed = mine.filter((a) => !ok(a));
    const with503 = failed.filter((a) => a.status === 503 && a.retryAfter).length;
    const whileDown = failed.filter(inDown).length;
    const other = failed.filter((a) => !(a.status === 503 && a.retryAfter) && !inDown(a));
    const writes = mine.filter((a) => a.kind === 'write' && ok(a)).map((a) => a.endedAt - a.startedAt).sort((x, y) => x - y);
    const acked = [...updateAckedAt].filter(([, at]) => at >= p.startedAt && at < p.endedAt);
    const lag = (arrived: Map<number, number>) => {
      const lags = acked.map(([n, at]) => (arrived.has(n) ? arrived.get(n)! - at : Infinity)).sort((x, y) => x - y);
      const undelivered = lags.filter((l) => l === Infinity).length;
      const max = lags.filter((l) => l !== Infinity).at(-1) ?? 0;
      return `${seconds(percentile(lags.filter((l) => l !== Infinity), 50))} / ${seconds(max)}${undelivered ? ` (${undelivered} not delivered)` : ''}`;
    };
    const late = reminders.filter((r) => p.reminded.includes(r.incident) && r.fired_at).map((r) => Date.parse(r.fired_at!) - Date.parse(r.due_at));
    const lastFailure = Math.max(p.faultEndedAt, ...failed.map((a) => a.endedAt));
    const queued = acked.filter(([, at]) => at < p.faultEndedAt);
    const lastDelivery = Math.max(p.faultEndedAt, ...queued.flatMap(([n]) => [sink.arrivedAt.get(n) ?? Infinity, smtp.arrivedAt.get(n) ?? Infinity]));
    console.log(
      [
        p.name.padEnd(22),
        String(mine.length).padStart(8),
        String(failed.length).padStart(7),
        `  (${with503}, ${whileDown})`.padEnd(35),
        String(other.length).padStart(12),
        `${fmt(percentile(writes, 50))} / ${fmt(percentile(writes, 99))}`.padStart(17),
        lag(sink.arrivedAt).padStart(20),
        lag(smtp.arrivedAt).padStart(19),
        seconds(Math.max(0, ...late)).padStart(19),
        `  API ${seconds(lastFailure - p.faultEndedAt)}, deliveries ${seconds(lastDelivery - p.faultEndedAt)}`,
      ].join(' '),
    );
    const otherKinds = new Map<string, number>();
    for (const a of other) otherKinds.set(`${a.kind} ${a.status || 'no answer'}`, (otherKinds.get(`${a.kind} ${a.status || 'no answer'}`) ?? 0) + 1);
    if (otherKinds.size) console.log(`    other failures: ${[...otherKinds].map(([k, n]) => `${n}× ${k}`).join(', ')}`);
  }
  for (const d of databaseDown) console.log(`PostgreSQL was down ${seconds(d.to - d.from)} (pg_ctl stop -m fast, 2 s away, pg_ctl start).`);
  console.log(
    `acknowledged writes: ${acknowledged.length}, lost ${lost.length}, applied twice ${twice}; notes given up after 20 s of retries: ${notesGivenUp.length}`,
  );
  console.log(`reminders due: ${reminders.length}, missed ${missed}, doubled ${fired.length}`);
  for (const [i, s] of streamReport.entries())
    console.log(`stream ${i + 1}: ${s.messages} messages, ${s.reconnects} resumptions by Last-Event-ID, missing ${s.missing}, repeated ${s.repeated}${s.outOfOrder ? ', OUT OF ORDER' : ''}${s.missed.length ? ` (missed: ${s.missed.join('; ')})` : ''}`);
  console.log(
    'recovered after: from the end of the fault (PostgreSQL up, the server ready, the mail server or receiver answering) to the last failed answer / ' +
      'the last webhook or e-mail of the updates acknowledged before then.',
  );
  const broken = lost.length + twice + missed + fired.length + streamReport.reduce((n, s) => n + s.missing + s.repeated, 0);
  return broken === 0 ? 0 : 1;
}
