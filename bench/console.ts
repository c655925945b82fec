/**
 * The responder console (issue 4, "How fast"). On 127.0.0.1 only, bounded, stops by itself:
 *
 * 1. The built console (dist/console, from `npm run build`): JavaScript and CSS, raw and
 *    gzip (level 9), the initial chunks index.html loads versus everything, and the ratio
 *    of the initial JavaScript to the 200 KB gzip budget.
 * 2. Fan-out: 500 SSE clients on GET /api/v1/events of one server process (SQLite); 30
 *    timeline writes, one after another, each timed from the moment the POST is sent to
 *    its event's arrival at each client (p50/p99 over all arrivals, and of the last arrival
 *    per write). Baselines in the same run: the write's own HTTP answer time, and a bare
 *    Node SSE server broadcasting one message to the same 500 clients on request.
 *
 * Exit code 0 when every write reached every client, 1 otherwise (the goals are reported).
 */
import http from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { ADMIN_TOKEN, ROOT, freePort, freshDatabase, startServerProcess } from '../test/support/harness.js';

const CLIENTS = 500;
const WRITES = 30;
const WRITE_TIMEOUT_MS = 10_000;
const BUDGET_GZIP = 200 * 1024;
const FANOUT_GOAL_MS = 250;
const OVERALL_LIMIT_MS = 5 * 60_000;
const CONSOLE_DIR = join(ROOT, 'dist', 'console');

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// ---------------------------------------------------------------- 1. sizes

interface Sizes {
  raw: number;
  gzip: number;
  files: string[];
}

function measure(files: string[]): Sizes {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(join(CONSOLE_DIR, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip, files };
}

/** The files index.html makes the browser load before the console can run: its scripts, module preloads and stylesheets. */
function initialFiles(html: string): { js: string[]; css: string[] } {
  const refs = (pattern: RegExp) => [...html.matchAll(pattern)].map((m) => m[1]!.replace(/^\//, ''));
  return {
    js: [...refs(/<script[^>]+src="([^"]+)"/g), ...refs(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)],
    css: refs(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g),
  };
}

function sizes(): boolean {
  console.log('\n1. The built console (dist/console), gzip level 9');
  if (!existsSync(join(CONSOLE_DIR, 'index.html'))) {
    console.log('  not built: run `npm run build` (skipped)');
    return false;
  }
  const initial = initialFiles(readFileSync(join(CONSOLE_DIR, 'index.html'), 'utf8'));
  const assets = readdirSync(join(CONSOLE_DIR, 'assets')).map((f) => `assets/${f}`);
  const rows: [string, Sizes][] = [
    ['initial JS', measure(initial.js)],
    ['initial CSS', measure(initial.css)],
    ['all JS', measure(assets.filter((f) => f.endsWith('.js')))],
    ['all CSS', measure(assets.filter((f) => f.endsWith('.css')))],
  ];
  for (const [label, s] of rows) console.log(`  ${label.padEnd(12)} ${kb(s.raw).padStart(10)} raw  ${kb(s.gzip).padStart(9)} gzip  (${s.files.length} file${s.files.length === 1 ? '' : 's'})`);
  const js = rows[0]![1].gzip;
  console.log(`  initial JS / 200 KB gzip budget: ${(js / BUDGET_GZIP).toFixed(2)} (${js <= BUDGET_GZIP ? 'within' : 'OVER'} budget)`);
  return true;
}

// ---------------------------------------------------------------- 2. fan-out

interface Listener {
  request: http.ClientRequest;
  connected: Promise<void>;
  /** Resolves with the arrival time (performance.now()) of the first chunk holding `marker`. */
  await(marker: string): Promise<number>;
}

function listen(url: string, headers: Record<string, string>): Listener {
  let buffer = '';
  let waiting: { marker: string; resolve: (at: number) => void } | null = null;
  let onConnect!: () => void;
  let onFail!: (error: Error) => void;
  const connected = new Promise<void>((resolve, reject) => {
    onConnect = resolve;
    onFail = reject;
  });
  const check = (at: number) => {
    if (waiting && buffer.includes(waiting.marker)) {
      const done = waiting.resolve;
      waiting = null;
      buffer = '';
      done(at);
    }
  };
  const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
    if (res.statusCode !== 200) onFail(new Error(`SSE answered ${res.statusCode}`));
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const at = performance.now();
      buffer += chunk;
      if (buffer.includes('retry:')) onConnect();
      check(at);
      // Only what might still hold a split marker is kept.
      if (!waiting && buffer.length > 4096) buffer = buffer.slice(-512);
    });
  });
  request.on('error', (error) => onFail(error));
  return {
    request,
    connected,
    await: (marker) =>
      new Promise<number>((resolve) => {
        waiting = { marker, resolve };
        check(performance.now());
      }),
  };
}

async function openListeners(url: string, headers: Record<string, string>): Promise<Listener[]> {
  const listeners: Listener[] = [];
  // In batches, so the server's accept queue is not the thing measured.
  for (let i = 0; i < CLIENTS; i += 50) {
    const batch = Array.from({ length: Math.min(50, CLIENTS - i) }, () => listen(url, headers));
    await Promise.all(batch.map((l) => l.connected));
    listeners.push(...batch);
  }
  return listeners;
}

interface Round {
  answerMs: number[];
  arrivals: number[];
  lastArrival: number[];
  missed: number;
}

/** `fire(i)` makes event i happen and resolves when its HTTP answer arrives; `marker(i)` is what each client waits for. */
async function rounds(listeners: Listener[], fire: (i: number) => Promise<void>, marker: (i: number) => string): Promise<Round> {
  const round: Round = { answerMs: [], arrivals: [], lastArrival: [], missed: 0 };
  for (let i = 1; i <= WRITES; i++) {
    const arrived = listeners.map((l) => l.await(marker(i)));
    const sent = performance.now();
    await fire(i);
    round.answerMs.push(performance.now() - sent);
    const timeout = sleep(WRITE_TIMEOUT_MS).then(() => null);
    const times = await Promise.all(arrived.map((p) => Promise.race([p, timeout])));
    const got = times.filter((t): t is number => t !== null).map((t) => t - sent);
    round.missed += times.length - got.length;
    round.arrivals.push(...got);
    round.lastArrival.push(Math.max(...got));
    await sleep(50);
  }
  return round;
}

function report(label: string, round: Round) {
  console.log(
    `  ${label.padEnd(30)} answer p50 ${ms(percentile(round.answerMs, 50)).padStart(9)} p99 ${ms(percentile(round.answerMs, 99)).padStart(9)} | ` +
      `arrival p50 ${ms(percentile(round.arrivals, 50)).padStart(9)} p99 ${ms(percentile(round.arrivals, 99)).padStart(9)} | ` +
      `last of ${CLIENTS} p50 ${ms(percentile(round.lastArrival, 50)).padStart(9)} p99 ${ms(percentile(round.lastArrival, 99)).padStart(9)}` +
      (round.missed ? ` | MISSED ${round.missed}` : ''),
  );
}

async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function ours(): Promise<Round> {
  const db = await freshDatabase('sqlite');
  const server = await startServerProcess(db);
  try {
    const declared = await post(`${server.url}/api/v1/incidents`, { title: 'Fan-out bench', severity: 'SEV3' });
    if (declared.status !== 201) throw new Error(`declare answered ${declared.status}`);
    const id = (declared.json as { id: string }).id;
    const listeners = await openListeners(`${server.url}/api/v1/events`, { authorization: `Bearer ${ADMIN_TOKEN}` });
    try {
      // The declaration is seq 1; the i-th note is seq i + 1.
      return await rounds(
        listeners,
        async (i) => {
          const res = await post(`${server.url}/api/v1/incidents/${id}/timeline`, { kind: 'note', text: `bench note ${i}` });
          if (res.status !== 201) throw new Error(`note answered ${res.status}`);
        },
        (i) => `"seq":${i + 1},`,
      );
    } finally {
      for (const l of listeners) l.request.destroy();
    }
  } finally {
    await server.stop();
    await db.cleanup();
  }
}

/** A bare Node SSE broadcaster in its own process, like the server: GET /events subscribes, POST /fire?n= writes to all. */
const BARE_SERVER = `
const http = require('node:http');
const clients = new Set();
http.createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('retry: 1000\\n\\n');
    clients.add(res);
    req.on('close', () => clients.delete(res));
    return;
  }
  const n = Number(new URL(req.url, 'http://x').searchParams.get('n'));
  const message = 'id: ' + n + '\\nevent: incident\\ndata: {"id":"INC-1","number":1,"seq":' + n + ',"type":"TimelineEntryAdded"}\\n\\n';
  for (const client of clients) client.write(message);
  res.writeHead(204).end();
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
`;

async function bare(): Promise<Round> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['-e', BARE_SERVER], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`bare SSE server exited with ${code}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const listeners = await openListeners(`${base}/events`, {});
    try {
      return await rounds(
        listeners,
        async (i) => {
          const res = await fetch(`${base}/fire?n=${i}`, { method: 'POST' });
          if (res.status !== 204) throw new Error(`fire answered ${res.status}`);
        },
        (i) => `"seq":${i},`,
      );
    } finally {
      for (const l of listeners) l.request.destroy();
    }
  } finally {
    child.kill();
  }
}

export async function main(args: string[]): Promise<number> {
  if (args.length) {
    console.error(`console takes no arguments (got ${args.join(' ')})`);
    return 2;
  }
  const guard = setTimeout(() => {
    console.error(`console: still running after ${OVERALL_LIMIT_MS / 60_000} minutes; stopping.`);
    process.exit(1);
  }, OVERALL_LIMIT_MS);
  guard.unref();

  console.log(`console bench: Node ${process.version}, 127.0.0.1`);
  sizes();

  console.log(`\n2. Fan-out: ${CLIENTS} SSE clients, ${WRITES} writes one after another, times from sending the write`);
  const server = await ours();
  report('incident-command (SQLite)', server);
  const baseline = await bare();
  report('bare Node SSE broadcast', baseline);
  const p99 = percentile(server.arrivals, 99);
  console.log(`  ratio arrival p99 / own write answer p99: ${(p99 / percentile(server.answerMs, 99)).toFixed(2)}`);
  console.log(`  ratio arrival p99 / bare broadcast arrival p99: ${(p99 / percentile(baseline.arrivals, 99)).toFixed(2)}`);
  console.log(`  goal p99 < ${FANOUT_GOAL_MS} ms at ${CLIENTS} clients: ${p99 < FANOUT_GOAL_MS ? 'met' : 'MISSED'} (${ms(p99)})`);
  return server.missed === 0 ? 0 : 1;
}
