/**
 * Status page under a spike (issue 5, "How fast"). On 127.0.0.1 only, bounded, stops by itself.
 *
 * One server process on SQLite, seeded like a real bad day: six components, two open public
 * incidents with several public updates each (and internal ones the page must not show),
 * three resolved ones, a maintenance window in progress and one ahead. The server writes
 * its static copy (INCIDENT_STATUS_EXPORT_DIR), and nginx (one worker, started here with its
 * own prefix and configuration in a temp folder, no root) serves those very bytes — checked
 * byte for byte before measuring — twice: the Debian package's default settings, then tuned
 * (open_file_cache on, sendfile off).
 *
 * wrk runs 10 s at 64 and at 256 connections against `GET /status` and `GET
 * /api/v2/summary.json` of each. The server (all its threads) and nginx are pinned to core 0
 * with taskset, wrk to core 1, so each figure measures the server, not the load generator.
 * Printed: requests/s and p99 of each, and the ratios ours / nginx (default and tuned).
 *
 * While wrk holds 256 connections on our /status, a public update is posted and /status
 * polled until it shows it: the delay from the update's 201 answer to the page showing it.
 *
 * The per-client rate limit of the public endpoints would throttle wrk (all from 127.0.0.1):
 * the bench's configuration raises it to 1,000,000 requests per second, which is off in
 * practice, and says so. Neither server writes an access log.
 *
 * Goals (exit 1 when one is missed): ≥ 0.85 of default nginx and ≥ 0.5 of tuned nginx in
 * requests/s, p99 < 10 ms at 256 connections, a change visible within 1 s under that load.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN, freePort, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../test/support/harness.js';

const DURATION_S = 10;
const CONNECTIONS = [64, 256];
const PATHS = ['/status', '/api/v2/summary.json'];
const SERVER_CORE = '0';
const WRK_CORE = '1';
const VISIBLE_WITHIN_MS = 1_000;
const POLL_LIMIT_MS = 10_000;
const GOALS = { defaultRatio: 0.85, tunedRatio: 0.5, p99Ms: 10 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A GET as wrk makes it (no compression asked for; fetch would otherwise ask for gzip and unpack it). */
const get = (url: string) => fetch(url, { headers: { 'accept-encoding': 'identity' } });
const bytes = async (url: string) => Buffer.from(await (await get(url)).arrayBuffer());
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

interface WrkResult {
  requests: number;
  requestsPerSecond: number;
  p99Ms: number;
  p50Ms: number;
  non2xx: number;
  errors: string | null;
}

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** wrk's "1.23ms" / "456.00us" / "1.02s" in milliseconds. */
function toMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!match) throw new Error(`wrk latency not understood: ${text}`);
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 'ms' ? value : match[2] === 's' ? value * 1000 : value * 60_000;
}

/** One wrk run, pinned to the load core. */
function wrk(url: string, connections: number, seconds = DURATION_S): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', WRK_CORE, 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '5s', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}:\n${out}`));
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const total = /(\d+) requests in/.exec(out);
      const p99 = /^\s+99%\s+(\S+)/m.exec(out);
      const p50 = /^\s+50%\s+(\S+)/m.exec(out);
      if (!rps || !p99 || !p50 || !total) return reject(new Error(`wrk output not understood:\n${out}`));
      const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
      const errors = /Socket errors:[^\n]*/.exec(out);
      resolve({ requests: Number(total[1]), requestsPerSecond: Number(rps[1]), p99Ms: toMs(p99[1]!), p50Ms: toMs(p50[1]!), non2xx: non2xx ? Number(non2xx[1]) : 0, errors: errors ? errors[0] : null });
    });
  });
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * CPU time (user + system, all threads) the processes have used, in ms. On a machine
 * shared with other work, requests/s moves with the neighbours; CPU per request does not
 * (much), so it is printed beside every figure.
 */
function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** A process and its children (nginx's master and its worker). */
function withChildren(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    // pgrep answers 1 when there are none
  }
  return [pid, ...children];
}

/** Pins a running process and all its threads to a core. */
function pin(pid: number, core: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', core, String(pid)], { stdio: 'ignore' });
}

// ---------------------------------------------------------------- the page

const CONFIG = `organization: { name: Example, statusPageTitle: Example Status }
severities:
  - { id: SEV1, name: Critical, impact: Core feature down, response: All hands, updateEvery: 30m, audience: public, roles: separate, postmortem: required }
  - { id: SEV2, name: Major, impact: Significant degradation, response: On-call + SMEs, updateEvery: 1h, audience: public, roles: comms-separate, postmortem: required }
  - { id: SEV3, name: Minor, impact: Limited impact, response: On-call, audience: internal, roles: combined, postmortem: optional }
components:
  - { id: web, name: Website, group: Storefront, description: The shop front }
  - { id: checkout, name: Checkout, group: Storefront, description: Cart and payment }
  - { id: search, name: Search, group: Storefront }
  - { id: api, name: Public API, group: Platform, description: REST API for partners }
  - { id: webhooks, name: Webhooks, group: Platform }
  - { id: notifications, name: E-mail notifications, group: Platform }
statusPage:
  # All of wrk's connections come from 127.0.0.1: the per-client limit is raised out of the way for the bench.
  rateLimit: { requests: 1000000, per: 1s }
`;

class Api {
  constructor(private readonly base: string) {}
  async call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  }
}

const UPDATE_TEXT = [
  ['investigating', 'Some customers see errors when paying by card.', 'We are looking at the payment service and its database.', 'Find the cause.'],
  ['identified', 'About 30% of card payments fail with an error. Browsing and carts are unaffected.', 'A batch job exhausted the database connection pool at 14:02 UTC. We are throttling it and adding **pool headroom**.', 'Throttle the job; watch the error rate.'],
  ['monitoring', 'Card payments succeed again; a few retries may still fail.', 'The batch job is throttled and the pool has headroom. See [our notes](https://status.example.com/notes) for details.', 'Watch the error rate for an hour.'],
] as const;

async function seed(api: Api): Promise<void> {
  const now = Date.now();
  const iso = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
  const post = (id: string, i: number, audience = 'public') => {
    const [status, impact, whatWeKnow, nextStep] = UPDATE_TEXT[i % UPDATE_TEXT.length]!;
    return api.call('POST', `/incidents/${id}/updates`, { status, impact, whatWeKnow, nextStep, audience });
  };
  for (const [n, title, severity, components] of [
    [0, 'Card payments failing for some customers', 'SEV1', ['checkout', 'api']],
    [1, 'Search results slow', 'SEV2', ['search']],
  ] as const) {
    const incident = await api.call('POST', '/incidents', { title, severity, summary: title, components, startedAt: iso(-40 - n * 10) });
    for (let i = 0; i < 3; i++) await post(incident.id as string, i);
    await post(incident.id as string, 1, 'internal');
  }
  for (let n = 0; n < 3; n++) {
    const incident = await api.call('POST', '/incidents', { title: `Webhook deliveries delayed (${n + 1})`, severity: 'SEV2', components: ['webhooks'], startedAt: iso(-300 - n * 60) });
    for (let i = 0; i < 3; i++) await post(incident.id as string, i);
    await api.call('POST', `/incidents/${incident.id as string}/resolve`, { impact: 'Webhooks were delivered up to 20 minutes late.', whatWeKnow: 'A queue worker stalled; it was restarted and the backlog drained.', audience: 'public' });
  }
  await api.call('POST', '/maintenances', { title: 'E-mail provider migration', message: 'E-mail notifications may be delayed by a few minutes.', components: ['notifications'], startsAt: iso(0.05), endsAt: iso(120) });
  await api.call('POST', '/maintenances', { title: 'Database upgrade', message: 'The public API is read-only for up to 30 minutes.', components: ['api'], startsAt: iso(24 * 60), endsAt: iso(24 * 60 + 30) });
}

// ---------------------------------------------------------------- nginx

interface Nginx {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function startNginx(root: string, tuned: boolean): Promise<Nginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'bench-nginx-'));
  mkdirSync(join(prefix, 'logs'));
  const port = await freePort();
  // The Debian package's http settings (sendfile, tcp_nopush, mime types, gzip for clients that ask), one worker;
  // tuned: files kept open and read instead of sendfile. No access log in either (ours writes none either).
  const settings = tuned
    ? 'sendfile off;\n  open_file_cache max=1000 inactive=60s;\n  open_file_cache_valid 60s;\n  open_file_cache_min_uses 1;\n  open_file_cache_errors on;'
    : 'sendfile on;\n  tcp_nopush on;';
  const conf = `worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 4096; }
http {
  ${settings}
  types_hash_max_size 2048;
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  gzip on;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location = /status { default_type text/html; try_files /status/index.html =404; }
  }
}
`;
  writeFileSync(join(prefix, 'nginx.conf'), conf);
  const child = spawn('taskset', ['-c', SERVER_CORE, 'nginx', '-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  let last = '';
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${log}`);
    try {
      const res = await fetch(`${url}/api/v2/summary.json`);
      if (res.ok) break;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = String((error as Error).cause ?? error);
    }
    if (Date.now() > deadline) {
      const errors = existsSync(join(prefix, 'logs/error.log')) ? readFileSync(join(prefix, 'logs/error.log'), 'utf8').slice(-1000) : '';
      // Not left running behind the failure.
      child.kill('SIGQUIT');
      throw new Error(`nginx did not start (${last}): ${log}${errors}`);
    }
    await sleep(50);
  }
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => {
          rmSync(prefix, { recursive: true, force: true });
          done();
        });
        // The master is taskset's exec'd process; QUIT lets it finish its worker gracefully.
        child.kill('SIGQUIT');
      }),
  };
}

// ---------------------------------------------------------------- the Node floor

/**
 * A bare node:http server answering the same two paths with the same bytes and headers as
 * ours: what Node itself costs per request here, so the figures say how much of the gap to
 * nginx is the platform's and how much is ours.
 */
const BARE_NODE = `
const http = require('node:http');
const pages = JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8'));
for (const page of Object.values(pages)) page.body = Buffer.from(page.body, 'base64');
http.createServer((req, res) => {
  const page = pages[req.url];
  if (!page) { res.writeHead(404); return res.end(); }
  res.writeHead(200, page.headers);
  res.end(page.body);
}).listen(Number(process.argv[2]), '127.0.0.1');
`;

async function startBareNode(server: string, work: string): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const pages: Record<string, { headers: Record<string, string>; body: string }> = {};
  for (const path of PATHS) {
    const res = await get(`${server}${path}`);
    const headers: Record<string, string> = {};
    // The headers ours sends, less those Node's http sets by itself.
    res.headers.forEach((value, name) => {
      if (!['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(name)) headers[name] = value;
    });
    pages[path] = { headers, body: Buffer.from(await res.arrayBuffer()).toString('base64') };
  }
  const file = join(work, 'bare-pages.json');
  writeFileSync(file, JSON.stringify(pages));
  const port = await freePort();
  const child = spawn('taskset', ['-c', SERVER_CORE, process.execPath, '-e', BARE_NODE, file, String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/status`)).ok) break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new Error('the bare Node server did not start');
      }
    }
    await sleep(50);
  }
  return { url, child, stop: () => new Promise<void>((done) => (child.exitCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM')))) };
}

// ---------------------------------------------------------------- the change under load

/** Posts a public update while wrk holds 256 connections on /status; answers how long until /status shows it. */
async function visibleAfter(server: ServerProcess, api: Api, incident: string): Promise<{ load: WrkResult; delayMs: number | null }> {
  const marker = `Marker ${Date.now().toString(36)}: the fix is rolling out region by region.`;
  const load = wrk(`${server.url}/status`, 256, 6);
  await sleep(2_000);
  await api.call('POST', `/incidents/${incident}/updates`, { status: 'monitoring', impact: 'Card payments recover.', whatWeKnow: marker, nextStep: 'Watch the error rate.', audience: 'public' });
  const answered = performance.now();
  let delayMs: number | null = null;
  while (performance.now() - answered < POLL_LIMIT_MS) {
    const page = await (await fetch(`${server.url}/status`)).text();
    if (page.includes(marker.slice(0, 20))) {
      delayMs = performance.now() - answered;
      break;
    }
    await sleep(5);
  }
  return { load: await load, delayMs };
}

// ---------------------------------------------------------------- main

interface Row {
  target: string;
  path: string;
  connections: number;
  result: WrkResult;
  /** CPU time the server used per request answered, in µs. */
  cpuUs: number;
}

export async function main(): Promise<number> {
  const missing = ['wrk', 'nginx', 'taskset'].filter((c) => !has(c));
  if (missing.length) {
    console.error(`status-page bench needs ${missing.join(', ')} (Debian: apt-get install wrk nginx util-linux)`);
    return 1;
  }
  const cores = Number(execFileSync('nproc').toString().trim());
  if (cores < 2) console.warn(`only ${cores} core: server and wrk share it, the figures measure both`);

  const work = mkdtempSync(join(tmpdir(), 'bench-status-'));
  // nginx's worker (nobody, when started as root) reads the export through this folder.
  chmodSync(work, 0o755);
  const exportDir = join(work, 'export');
  const configPath = join(work, 'incident.config.yaml');
  writeFileSync(configPath, CONFIG);
  const db: Database = await freshDatabase('sqlite');
  let server: ServerProcess | null = null;
  let nginx: Nginx | null = null;
  const rows: Row[] = [];
  let ok = true;
  try {
    server = await startServerProcess(db, { INCIDENT_CONFIG: configPath, INCIDENT_STATUS_EXPORT_DIR: exportDir, LOG_LEVEL: 'warn' });
    pin(server.child.pid!, SERVER_CORE);
    const api = new Api(server.url);
    await seed(api);
    // Let the maintenance window open and the last render land in the export.
    await sleep(4_000);

    const served = await bytes(`${server.url}/status`);
    const summary = await bytes(`${server.url}/api/v2/summary.json`);
    const exported = { status: join(exportDir, 'status/index.html'), summary: join(exportDir, 'api/v2/summary.json') };
    if (!existsSync(exported.status) || !existsSync(exported.summary)) throw new Error(`the server wrote no static copy in ${exportDir}`);
    const model = JSON.parse(summary.toString()) as { incidents: unknown[]; components: { status: string }[]; scheduled_maintenances: unknown[] };
    console.log(
      `page: GET /status ${fmt(served.length)} bytes, summary.json ${fmt(summary.length)} bytes; ${model.incidents.length} open incidents, ` +
        `${model.components.length} components (${model.components.filter((c) => c.status !== 'operational').length} not operational), ` +
        `${model.scheduled_maintenances.length} maintenance windows; rate limit 1,000,000/s per client (off for the bench)`,
    );
    console.log(`pinning: server and nginx on core ${SERVER_CORE}, wrk on core ${WRK_CORE}; wrk -t1, ${DURATION_S} s per run, --latency\n`);

    const measure = async (target: string, base: string, pids: number[]) => {
      for (const path of PATHS) {
        // A short warm-up, so the first figure is not the JIT's.
        await wrk(`${base}${path}`, 64, 2);
        for (const connections of CONNECTIONS) {
          const before = cpuMs(pids);
          const result = await wrk(`${base}${path}`, connections);
          const cpuUs = ((cpuMs(pids) - before) * 1000) / Math.max(1, result.requests);
          rows.push({ target, path, connections, result, cpuUs });
          console.log(
            `${target.padEnd(14)} ${path.padEnd(21)} c=${String(connections).padEnd(4)} ${fmt(result.requestsPerSecond).padStart(8)} req/s  p50 ${fmt(result.p50Ms, 2).padStart(6)} ms  p99 ${fmt(result.p99Ms, 2).padStart(6)} ms  cpu ${fmt(cpuUs, 1).padStart(5)} µs/req` +
              (result.non2xx ? `  non-2xx ${result.non2xx}` : '') +
              (result.errors ? `  ${result.errors}` : ''),
          );
          if (result.non2xx) ok = false;
        }
      }
    };

    await measure('ours', server.url, [server.child.pid!]);
    const incidents = (await api.call('GET', '/incidents?state=open')) as unknown as { id: string; severity: string }[];
    const change = await visibleAfter(server, api, incidents.find((i) => i.severity === 'SEV1')!.id);

    // The export is rewritten on every change: re-read it now, after the marker update, and check nginx serves the same bytes as we do.
    await sleep(1_000);
    const bare = await startBareNode(server.url, work);
    await measure('bare node', bare.url, [bare.child.pid!]);
    await bare.stop();
    const current = { status: await bytes(`${server.url}/status`), summary: await bytes(`${server.url}/api/v2/summary.json`) };
    for (const tuned of [false, true]) {
      const name = tuned ? 'nginx tuned' : 'nginx default';
      nginx = await startNginx(exportDir, tuned);
      const same =
        Buffer.compare(await bytes(`${nginx.url}/status`), current.status) === 0 &&
        Buffer.compare(await bytes(`${nginx.url}/api/v2/summary.json`), current.summary) === 0 &&
        Buffer.compare(readFileSync(exported.status), current.status) === 0;
      if (!same) {
        console.log(`${name}: the exported bytes differ from what the server serves`);
        ok = false;
      }
      await measure(name, nginx.url, withChildren(nginx.child.pid!));
      await nginx.stop();
      nginx = null;
    }

    console.log(
      '\nratios ours / nginx in requests/s, with p99; then the same ratios by CPU per request (nginx µs/req ÷ ours), which the neighbours on a shared machine move much less,' +
        '\nand the bare Node server by CPU against default nginx (the platform\'s floor) and ours against it:',
    );
    const row = (target: string, path: string, connections: number) => rows.find((r) => r.target === target && r.path === path && r.connections === connections)!;
    const find = (target: string, path: string, connections: number) => row(target, path, connections).result;
    const cpuRatio = (target: string, path: string, connections: number) => row(target, path, connections).cpuUs / row('ours', path, connections).cpuUs;
    for (const path of PATHS)
      for (const connections of CONNECTIONS) {
        const ours = find('ours', path, connections);
        const def = find('nginx default', path, connections);
        const tuned = find('nginx tuned', path, connections);
        const rDefault = ours.requestsPerSecond / def.requestsPerSecond;
        const rTuned = ours.requestsPerSecond / tuned.requestsPerSecond;
        const p99Ok = connections !== 256 || ours.p99Ms < GOALS.p99Ms;
        const pass = rDefault >= GOALS.defaultRatio && rTuned >= GOALS.tunedRatio && p99Ok;
        if (!pass) ok = false;
        console.log(
          `  ${path.padEnd(21)} c=${String(connections).padEnd(4)} vs default ${fmt(rDefault, 2)} (goal ≥ ${GOALS.defaultRatio})  vs tuned ${fmt(rTuned, 2)} (goal ≥ ${GOALS.tunedRatio})` +
            `  p99 ${fmt(ours.p99Ms, 2)} ms vs ${fmt(def.p99Ms, 2)} / ${fmt(tuned.p99Ms, 2)} ms${connections === 256 ? ` (goal < ${GOALS.p99Ms} ms)` : ''}` +
            `  ${pass ? 'ok' : 'MISSED'}\n` +
            `  ${''.padEnd(28)} by CPU: vs default ${fmt(cpuRatio('nginx default', path, connections), 2)}  vs tuned ${fmt(cpuRatio('nginx tuned', path, connections), 2)}` +
            `  bare node vs default ${fmt(row('nginx default', path, connections).cpuUs / row('bare node', path, connections).cpuUs, 2)}  ours vs bare node ${fmt(cpuRatio('bare node', path, connections), 2)}`,
        );
      }
    const visible = change.delayMs !== null && change.delayMs <= VISIBLE_WITHIN_MS;
    if (!visible) ok = false;
    console.log(
      `\nchange under load (wrk c=256 on /status, ${fmt(change.load.requestsPerSecond)} req/s meanwhile): a public update was on /status ` +
        `${change.delayMs === null ? `not within ${POLL_LIMIT_MS / 1000} s` : `${fmt(change.delayMs, 0)} ms after its 201`} (goal ≤ ${VISIBLE_WITHIN_MS} ms)  ${visible ? 'ok' : 'MISSED'}`,
    );
    console.log(ok ? '\nall goals met' : '\nsome goals MISSED');
    return ok ? 0 : 1;
  } finally {
    if (nginx) await nginx.stop();
    if (server) await server.stop();
    await db.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
}
