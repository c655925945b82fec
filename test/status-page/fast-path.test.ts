/**
 * The fast path (src/http/status-fast-path.ts): over a real socket, GETs of rendered files are
 * answered before Fastify with the very answers Fastify's routes give — 200, 304, HEAD,
 * gzip — and the same per-client budget; everything else still reaches Fastify.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { createServer, request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { testApp, type TestApp } from '../support/harness.js';
import { API } from '../api/helpers.js';
import { ClientBudget, conditionsOf, readConditions, statusRoute } from '../../src/http/status-fast-path.js';

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP request (fetch would add and undo compression on its own). */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('status page fast path (sqlite)', () => {
  let t: TestApp;
  afterEach(() => t.close());

  async function listening(config: unknown = {}) {
    t = await testApp('sqlite', config);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening');
    expect((await t.call('POST', `${API}/incidents`, { title: 'Checkout errors', severity: 'SEV2' })).statusCode).toBe(201);
    await t.app.statusPage.refresh();
    return address.port;
  }

  it('spike-proof: a GET of a rendered file is answered before Fastify, with the same bytes and headers as its route', async () => {
    const port = await listening();
    const fast = t.app.statusFastPath!;
    for (const path of ['/status', '/status/', '/status?utm=x', '/api/v2/summary.json', '/status/incidents/INC-1', '/status/feed.atom']) {
      const before = fast.served;
      const got = await get(port, path);
      expect(fast.served, path).toBe(before + 1);
      const routed = await t.app.inject({ method: 'GET', url: path });
      expect(got.status).toBe(200);
      expect(got.body.equals(routed.rawPayload), path).toBe(true);
      for (const header of ['content-type', 'etag', 'last-modified', 'cache-control', 'content-security-policy', 'x-content-type-options'])
        expect(got.headers[header], `${path} ${header}`).toBe(routed.headers[header]);
      expect(got.headers['content-length']).toBe(String(got.body.length));
    }
  });

  it('spike-proof: 304 for a current copy, HEAD without a body, gzip when asked for', async () => {
    const port = await listening();
    const plain = await get(port, '/status');
    const etag = String(plain.headers.etag);
    const notModified = await get(port, '/status', { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect(notModified.headers.etag).toBe(etag);
    const head = await get(port, '/status', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(plain.body.length));
    const zipped = await get(port, '/status', { 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
  });

  it('spike-proof: the fast path spends the same per-client budget; over it, Fastify answers 429 with the CSP', async () => {
    const port = await listening({ statusPage: { rateLimit: { requests: 3, per: '1m' } } });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await get(port, i === 1 ? '/api/v2/status.json' : '/status')).status);
    const over = await get(port, '/status');
    expect([...codes, over.status]).toEqual([200, 200, 200, 429]);
    expect(JSON.parse(over.body.toString()).error.code).toBe('RATE_LIMITED');
    expect(over.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('anything else still reaches Fastify: unknown paths, other methods, the rest of the API', async () => {
    const port = await listening();
    const before = t.app.statusFastPath!.served;
    expect((await get(port, '/status/nothing')).status).toBe(404);
    expect((await get(port, '/status', {}, 'POST')).status).toBe(404);
    expect((await get(port, '/status/incidents/inc-1')).status).toBe(200);
    expect((await get(port, '/healthz')).status).toBe(200);
    expect(t.app.statusFastPath!.served).toBe(before);
  });
});

describe('the per-client budget', () => {
  it('spike-proof: each client has its own budget per window; over it, the seconds until the next window; a new window refills it', () => {
    let now = 1_000_000;
    const budget = new ClientBudget(2, 60_000, () => now);
    expect([budget.spend('a'), budget.spend('a'), budget.spend('b')]).toEqual([0, 0, 0]);
    expect(budget.spend('a')).toBe(60);
    now += 45_000;
    expect(budget.spend('a')).toBe(15);
    now += 15_000;
    expect(budget.spend('a')).toBe(0);
  });
});

describe('the conditions read from the raw headers', () => {
  it('are what Node makes of the same request: any case, repeats joined (If-Modified-Since keeps the first), absent ones undefined', async () => {
    const seen: { raw: ReturnType<typeof conditionsOf>; node: ReturnType<typeof conditionsOf> }[] = [];
    const server = createServer((req, res) => {
      seen.push({ raw: { ...readConditions(req.rawHeaders, { ifNoneMatch: 'stale', ifModifiedSince: 'stale', acceptEncoding: 'stale' }) }, node: conditionsOf(req.headers) });
      res.end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const requests = [
      'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nIF-NONE-MATCH: "a"\r\nif-none-match: W/"b"\r\nAccept-Encoding: br\r\naccept-encoding: gzip\r\n' +
        'If-Modified-Since: Tue, 01 Dec 2026 10:00:00 GMT\r\nif-modified-since: Wed, 02 Dec 2026 10:00:00 GMT\r\nX-Accept-Encodinx: no\r\n\r\n',
    ];
    try {
      for (const text of requests)
        await new Promise<void>((done, fail) => {
          const socket = connect(port, '127.0.0.1', () => socket.end(text.replace('HTTP/1.1\r\n', 'HTTP/1.1\r\nConnection: close\r\n')));
          socket.on('data', () => undefined).on('close', () => done()).on('error', fail);
        });
    } finally {
      server.close();
    }
    expect(seen).toHaveLength(2);
    for (const { raw, node } of seen) expect(raw).toEqual(node);
    expect(seen[1]!.raw).toEqual({ ifNoneMatch: '"a", W/"b"', acceptEncoding: 'br, gzip', ifModifiedSince: 'Tue, 01 Dec 2026 10:00:00 GMT' });
    expect(seen[0]!.raw).toEqual({ ifNoneMatch: undefined, ifModifiedSince: undefined, acceptEncoding: undefined });
  });

  it('route patterns for /metrics follow the routes, the postmortem page its own', () => {
    expect(['/status', '/status/incidents/INC-4', '/status/incidents/INC-4/postmortem', '/status/history/2026-11', '/status/assets/style-1.css', '/api/v2/summary.json'].map(statusRoute)).toEqual([
      '/status',
      '/status/incidents/:id',
      '/status/incidents/:id/postmortem',
      '/status/history/:page',
      '/status/assets/:file',
      '/api/v2/summary.json',
    ]);
  });
});
