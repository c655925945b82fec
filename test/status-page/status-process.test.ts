/**
 * INCIDENT_STATUS_PORT (src/http/status-process.ts, src/http/status-server.ts): the public
 * page from a process of its own, run as users run it (the built server). The same bytes
 * and headers as the server's own port; a change on it within a second; everything else
 * of the page's own routes passed to the server with the client's address, which only our child can name, and nothing else (the API stays on the server's address); its own
 * 429; its answers in /metrics; a killed child started again; none left behind on SIGTERM.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, request } from 'node:http';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { ADMIN_TOKEN, CLI, freePort, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { API } from '../api/helpers.js';

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw request from a chosen local address (fetch would add and undo compression, and always comes from 127.0.0.1). */
function send(port: number, path: string, options: { method?: string; headers?: Record<string, string>; from?: string; body?: string } = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, localAddress: options.from, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

async function until(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The status page's process: the server's only child. */
function childOf(pid: number): number | null {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return children ? Number(children.split(' ')[0]) : null;
  } catch {
    return null;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

describe('the status page in its own process (INCIDENT_STATUS_PORT)', () => {
  let db: Database;
  let server: ServerProcess | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
    await db.cleanup();
  });

  async function start(config = 'statusPage:\n  rateLimit: { requests: 3, per: 60s }\n') {
    db = await freshDatabase('sqlite');
    const file = join(db.dataDir, 'incident.config.yaml');
    writeFileSync(file, config);
    const statusPort = await freePort();
    server = await startServerProcess(db, { INCIDENT_STATUS_PORT: String(statusPort), INCIDENT_CONFIG: file });
    await until('the status port', async () => (await send(statusPort, '/status', { from: '127.0.0.9' })).status === 200);
    return { server, statusPort };
  }

  async function declare(server: ServerProcess, title: string) {
    const res = await fetch(`${server.url}${API}/incidents`, { method: 'POST', headers: auth, body: JSON.stringify({ title, severity: 'SEV2' }) });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  it('answers with the same bytes and headers as the server, 304 and HEAD and gzip too, and shows a change within a second', async () => {
    const { server, statusPort } = await start('statusPage:\n  rateLimit: { requests: 100000, per: 60s }\n');
    const started = performance.now();
    const id = await declare(server, 'Checkout errors');
    await until('the incident on the status port', async () => (await send(statusPort, '/status')).body.includes('Checkout errors'), 1_000);
    expect(performance.now() - started).toBeLessThan(1_500);
    for (const path of ['/status', '/status/', '/api/v2/summary.json', `/status/incidents/${id}`, '/status/feed.atom']) {
      const ours = await send(statusPort, path);
      const direct = await send(server.port, path);
      expect(ours.status, path).toBe(200);
      expect(ours.body.equals(direct.body), path).toBe(true);
      for (const header of ['content-type', 'etag', 'last-modified', 'cache-control', 'content-security-policy', 'x-content-type-options', 'referrer-policy', 'vary', 'access-control-allow-origin'])
        expect(ours.headers[header], `${path} ${header}`).toBe(direct.headers[header]);
    }
    const page = await send(statusPort, '/status');
    const notModified = await send(statusPort, '/status', { headers: { 'if-none-match': String(page.headers.etag) } });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    const head = await send(statusPort, '/status', { method: 'HEAD' });
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, String(page.body.length), 0]);
    const zipped = await send(statusPort, '/status', { headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).equals(page.body)).toBe(true);
  });

  it("passes the page's other routes to the server with the client's address, which a request cannot forge, and not the API", async () => {
    const { server, statusPort } = await start();
    const id = await declare(server, 'Search is slow');
    await until('the incident page', async () => (await send(statusPort, `/status/incidents/${id}`)).status === 200);
    // Not a rendered file: the server's own answers, through the child.
    const lower = await send(statusPort, `/status/incidents/${id.toLowerCase()}`, { from: '127.0.0.7' });
    expect([lower.status, lower.body.includes('Search is slow')]).toEqual([200, true]);
    const missing = await send(statusPort, '/status/nothing-here', { from: '127.0.0.2' });
    const direct = await send(server.port, '/status/nothing-here', { from: '127.0.0.6' });
    expect(missing.status).toBe(404);
    expect(missing.body.equals(direct.body)).toBe(true);
    expect(missing.headers['content-security-policy']).toBe(direct.headers['content-security-policy']);
    // 127.0.0.2 spends its budget of 3 on the server (1 above, 2 more), then the server refuses it…
    for (let i = 0; i < 2; i++) expect((await send(statusPort, '/status/nothing-here', { from: '127.0.0.2' })).status).toBe(404);
    expect((await send(statusPort, '/status/nothing-here', { from: '127.0.0.2' })).status).toBe(429);
    // …which it would not if it counted every passed request as the child's own address.
    expect((await send(statusPort, '/status/nothing-here', { from: '127.0.0.3' })).status).toBe(404);
    // A request straight to the server naming 127.0.0.2 without the secret is counted as its own address.
    const forged = await send(server.port, '/status/nothing-here', { from: '127.0.0.4', headers: { 'x-incident-status-proxy': 'guess', 'x-incident-status-client': '127.0.0.2' } });
    expect(forged.status).toBe(404);
    // The subscription form's post reaches the server (its HTML answer); the API is not on this address.
    const subscribed = await send(statusPort, '/status/subscribe', { method: 'POST', from: '127.0.0.8', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=reader%40example.com' });
    expect(subscribed.headers['content-type']).toMatch(/^text\/html/);
    const posted = await send(statusPort, `${API}/incidents`, { method: 'POST', from: '127.0.0.8', headers: auth });
    expect([posted.status, JSON.parse(posted.body.toString()).error.code]).toEqual([404, 'NOT_FOUND']);
  });

  it("refuses a client over its budget with the server's own 429, and its answers are in the server's /metrics", async () => {
    const { server, statusPort } = await start();
    for (let i = 0; i < 3; i++) expect((await send(statusPort, '/api/v2/summary.json', { from: '127.0.0.5' })).status).toBe(200);
    const ours = await send(statusPort, '/api/v2/summary.json', { from: '127.0.0.5' });
    for (let i = 0; i < 3; i++) await send(server.port, '/api/v2/summary.json', { from: '127.0.0.6' });
    const direct = await send(server.port, '/api/v2/summary.json', { from: '127.0.0.6' });
    expect([ours.status, direct.status]).toEqual([429, 429]);
    expect(JSON.parse(ours.body.toString())).toEqual(JSON.parse(direct.body.toString()));
    for (const header of ['content-type', 'retry-after', 'content-security-policy']) expect(ours.headers[header], header).toBe(direct.headers[header]);
    await until('the counts in /metrics', async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      // Three 200s and a 429 from each.
      return /incident_http_requests_total\{method="GET",route="\/api\/v2\/summary\.json",status_class="4xx"\} 2\b/.test(text) && /incident_http_requests_total\{method="GET",route="\/api\/v2\/summary\.json",status_class="2xx"\} 6\b/.test(text);
    }, 5_000);
    // Killed outright, the server cannot stop it: the child leaves when its channel to the server closes.
    const child = childOf(server.child.pid!)!;
    await server.stop('SIGKILL');
    await until('the child gone', async () => !alive(child), 5_000);
  });

  it('is started again when it dies, reported in /readyz meanwhile, and leaves with the server', async () => {
    const { server, statusPort } = await start();
    const readyz = async () => (await (await fetch(`${server.url}/readyz`)).json()) as { status: string; workers: Record<string, { ok: boolean }> };
    expect((await readyz()).workers.statusProcess).toEqual({ ok: true });
    const first = childOf(server.child.pid!)!;
    expect(first).toBeGreaterThan(0);
    process.kill(first, 'SIGKILL');
    await until('the death in /readyz', async () => (await readyz()).workers.statusProcess?.ok === false, 2_000);
    expect((await readyz()).status).toBe('degraded');
    await until('a new child', async () => (await send(statusPort, '/status', { from: '127.0.0.10' })).status === 200);
    await until('ready again', async () => (await readyz()).status === 'ready');
    const second = childOf(server.child.pid!)!;
    expect(second).not.toBe(first);
    await server.stop();
    await until('the child gone', async () => !alive(second), 5_000);
    // Once for the kill; a child stopped with the server is not mourned.
    expect(server.output().match(/its process exited; starting it again/g)).toHaveLength(1);
  });

  it('refuses an INCIDENT_STATUS_PORT that is not a port, or is taken, at start', async () => {
    db = await freshDatabase('sqlite');
    const exit = (env: Record<string, string>) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'serve'], { cwd: db.dataDir, env: { ...process.env, ...db.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, output });
        });
      });
    const notPort = await exit({ INCIDENT_STATUS_PORT: 'eighty' });
    expect(notPort.code).toBe(2);
    expect(notPort.output).toMatch(/INCIDENT_STATUS_PORT: "eighty" is not a port number/);
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    try {
      const busy = await exit({ INCIDENT_STATUS_PORT: String((taken.address() as AddressInfo).port) });
      expect(busy.code).not.toBe(0);
      expect(busy.output).toMatch(/could not listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    } finally {
      taken.close();
    }
  });
});
