/**
 * The status page's own process (src/http/status-server.ts) on its own, fed a render and
 * put in front of a recording server in place of ours: what it answers itself never
 * reaches the server; what it passes on is the page's routes alone, framed so a body
 * cannot become a request of its own; and the server believes the address it names only
 * with the secret (StatusProcess.adopt, with Node's own parser in front of it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { passesOn } from '../../src/http/status-server.js';
import { StatusProcess, type StatusServerMessage, type StatusServerSettings } from '../../src/http/status-process.js';
import type { StatusPagePublisher } from '../../src/processors/status-page-publisher.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const SECRET = 'a-secret-made-for-this-test-only';

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Raw bytes in, raw bytes out until the other side closes (or a second passes); not half-closed, which Node's server takes as the client leaving. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
    socket.setTimeout(1_000, () => socket.destroy());
  });
}

function get(port: number, path: string, method = 'GET', body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: IncomingMessage['headers'] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe("the status page's process, in front of a server", () => {
  let child: ChildProcess | null = null;
  let upstream: Server | null = null;
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const gone = once(child, 'exit');
      child.kill('SIGKILL');
      await gone;
    }
    upstream?.close();
    child = null;
    upstream = null;
  });

  async function start(trustProxy: StatusServerSettings['trustProxy'] = false): Promise<{ port: number; seen: Seen[] }> {
    const seen: Seen[] = [];
    upstream = createServer((request, response) => {
      let body = '';
      request.on('data', (d: Buffer) => (body += d));
      request.on('end', () => {
        seen.push({ method: request.method!, url: request.url!, headers: request.headers, body });
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('from the server');
      });
    });
    const upstreamPort = await listen(upstream);
    const settings: StatusServerSettings = {
      host: '127.0.0.1',
      port: 0,
      upstream: { host: '127.0.0.1', port: upstreamPort },
      secret: SECRET,
      proxyHeader: 'x-incident-status-proxy',
      clientHeader: 'x-incident-status-client',
      rateLimit: { requests: 1000, windowMs: 60_000 },
      trustProxy,
      policy: "default-src 'none'",
      bounds: [0.01, 0.1, 1],
      headersMs: 5_000,
      requestMs: 5_000,
      idleMs: 5_000,
    };
    child = fork(new URL('../../src/http/status-server.ts', import.meta.url), [], { serialization: 'advanced', execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const listening = new Promise<number>((resolve) => child!.on('message', (m: { type: string; port?: number }) => m.type === 'listening' && resolve(m.port!)));
    child.send({ type: 'start', settings } satisfies StatusServerMessage);
    const port = await listening;
    const body = Buffer.from('<p>All systems operational</p>');
    child.send({
      type: 'files',
      changed: [{ path: '/status', body, gzip: null, etag: '"v1"', modifiedAt: 1_800_000_000_000, headers: { 'content-type': 'text/html; charset=utf-8', etag: '"v1"' } }],
      paths: ['/status'],
    } satisfies StatusServerMessage);
    const deadline = Date.now() + 5_000;
    while ((await get(port, '/status')).body !== body.toString()) {
      if (Date.now() > deadline) throw new Error('the render never arrived');
      await new Promise((r) => setTimeout(r, 20));
    }
    seen.length = 0;
    return { port, seen };
  }

  it('answers the files it was sent itself: the server sees none of those requests', async () => {
    const { port, seen } = await start();
    for (let i = 0; i < 5; i++) expect((await get(port, '/status')).status).toBe(200);
    expect((await get(port, '/status', 'GET', undefined, { 'if-none-match': '"v1"' })).status).toBe(304);
    expect((await get(port, '/status', 'HEAD')).status).toBe(200);
    expect(seen).toEqual([]);
  });

  it("passes on the page's other routes, body and all, naming the client with the secret", async () => {
    const { port, seen } = await start();
    const posted = await get(port, '/status/subscribe', 'POST', 'email=a%40example.com', { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9', 'x-incident-status-client': '198.51.100.1' });
    expect([posted.status, posted.body]).toEqual([200, 'from the server']);
    expect((await get(port, '/api/v2/incidents/unresolved.json?x=1')).status).toBe(200);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /status/subscribe', 'GET /api/v2/incidents/unresolved.json?x=1']);
    expect(seen[0]!.body).toBe('email=a%40example.com');
    expect(seen[0]!.headers['x-incident-status-proxy']).toBe(SECRET);
    // The socket's address, not what the client wrote; X-Forwarded-For is not believed (TRUST_PROXY off) and not passed on.
    expect(seen[0]!.headers['x-incident-status-client']).toBe('127.0.0.1');
    expect(seen[0]!.headers['x-forwarded-for']).toBeUndefined();
  });

  it('answers 404 itself for the API, sign-in, /metrics and the internal page, however the path is spelled', async () => {
    const { port, seen } = await start();
    for (const path of ['/api/v1/incidents', '/metrics', '/auth/sign-in', '/console', '/status/internal', '/status/Internal/', '/status/%69nternal', '/status/../api/v1/incidents', '/status//internal', '/api/v2%2F..%2Fv1/incidents']) {
      const answer = await get(port, path);
      expect(answer.status, path).toBe(404);
      expect(JSON.parse(answer.body).error.code, path).toBe('NOT_FOUND');
      expect(answer.headers['content-security-policy'], path).toBe("default-src 'none'");
    }
    expect((await get(port, '/api/v1/incidents', 'POST', '{}', { 'content-type': 'application/json' })).status).toBe(404);
    // The router cuts at `#`, which Node leaves in the URL.
    expect(await raw(port, 'GET /status/internal#x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 404/);
    expect(seen).toEqual([]);
  });

  it('keeps its own headers past a client that sends thousands of others', async () => {
    const { port, seen } = await start();
    const many = Array.from({ length: 1990 }, (_, i) => `a${i}:\r\n`).join('');
    expect(await raw(port, `GET /status/history HTTP/1.1\r\nHost: x\r\n${many}Connection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 200/);
    expect([seen[0]?.headers['x-incident-status-proxy'], seen[0]?.headers['x-incident-status-client']]).toEqual([SECRET, '127.0.0.1']);
  });

  it('outlives clients that reset their connection as soon as they have asked (TRUST_PROXY as a hop count)', async () => {
    const { port } = await start(1);
    await Promise.all(
      Array.from({ length: 300 }, () => new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write('GET /status/nothing HTTP/1.1\r\nHost: x\r\n\r\n');
          socket.resetAndDestroy();
        });
        socket.on('close', () => resolve());
        socket.on('error', () => undefined);
      })),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(child!.exitCode).toBeNull();
    expect((await get(port, '/status')).status).toBe(200);
  });

  it('frames a GET body, so a request hidden in it reaches the server as bytes of one request, not as a second', async () => {
    const { port, seen } = await start();
    const hidden = 'GET /api/v2/hidden.json HTTP/1.1\r\nHost: x\r\n\r\n';
    const answer = await raw(port, `GET /status/history HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${hidden.length.toString(16)}\r\n${hidden}\r\n0\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.map((s) => s.url)).toEqual(['/status/history']);
    expect(seen[0]!.body).toBe(hidden);
  });

  it('passes the paths of the page the server answers', () => {
    for (const path of ['/status', '/status/', '/status/subscribe', '/status/incidents/inc-7', '/status/history/2', '/api/v2/summary.json']) expect(passesOn(path), path).toBe(true);
    for (const path of ['/', '/statusx', '/api/v1/incidents', '/api/v2', '/status/internal', '/STATUS/INTERNAL', '/status/%zz', '/status/./internal', '/status/internal#x', '/status/internal%23', '/status/x;y']) expect(passesOn(path), path).toBe(false);
  });
});

describe("the server's side: adopting the address our child names", () => {
  let server: Server | null = null;
  afterEach(() => server?.close());

  async function start(): Promise<{ port: number; secret: string }> {
    const publisher = { policy: "default-src 'none'", onFiles: () => () => undefined } as unknown as StatusPagePublisher;
    const status = new StatusProcess({
      publisher,
      host: '127.0.0.1',
      port: 0,
      upstream: () => ({ host: '127.0.0.1', port: 0 }),
      rateLimit: { requests: 10, windowMs: 1_000 },
      trustProxy: false,
      bounds: [1],
      timeouts: { headersMs: 1_000, requestMs: 1_000, idleMs: 1_000 },
      onRequests: () => undefined,
      log: { info: () => undefined, error: () => undefined },
    });
    server = createServer((request, response) => {
      if (!status.adopt(request)) return;
      const body = JSON.stringify({ address: request.socket.remoteAddress, headers: request.headers });
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    });
    const port = await listen(server);
    // Not started, so no child: the secret it would be given.
    return { port, secret: (status as unknown as { secret: string }).secret };
  }

  it('takes the headers out and believes the address only with the secret, on HTTP/1.0 and 1.1 alike', async () => {
    const { port, secret } = await start();
    for (const version of ['1.0', '1.1']) {
      const forged = await raw(port, `GET /status HTTP/${version}\r\nHost: x\r\nX-Incident-Status-Proxy: guess\r\nX-Incident-Status-Client: 10.9.9.9\r\nConnection: close\r\n\r\n`);
      const seen = JSON.parse(forged.slice(forged.indexOf('\r\n\r\n') + 4)) as { address: string; headers: Record<string, string> };
      expect(seen.address, version).toBe('127.0.0.1');
      expect(Object.keys(seen.headers).filter((name) => name.startsWith('x-incident-status')), version).toEqual([]);
      const ours = await raw(port, `GET /status HTTP/${version}\r\nHost: x\r\nX-Incident-Status-Proxy: ${secret}\r\nX-Incident-Status-Client: 10.9.9.9\r\nConnection: close\r\n\r\n`);
      const adopted = JSON.parse(ours.slice(ours.indexOf('\r\n\r\n') + 4)) as { address: string; headers: Record<string, string> };
      expect(adopted.address, version).toBe('10.9.9.9');
      expect(Object.keys(adopted.headers).filter((name) => name.startsWith('x-incident-status')), version).toEqual([]);
    }
  });

  it('closes a connection that names only one of the two headers: our child always sends both', async () => {
    const { port, secret } = await start();
    expect(await raw(port, `GET /status HTTP/1.1\r\nHost: x\r\nX-Incident-Status-Proxy: ${secret}\r\nConnection: close\r\n\r\n`)).toBe('');
    expect(await raw(port, 'GET /status HTTP/1.1\r\nHost: x\r\nX-Incident-Status-Client: 10.9.9.9\r\nConnection: close\r\n\r\n')).toBe('');
  });

  it('closes an adopted connection that carries a second request rather than lend it the address', async () => {
    const { port, secret } = await start();
    const answers = await raw(port, `GET /one HTTP/1.1\r\nHost: x\r\nX-Incident-Status-Proxy: ${secret}\r\nX-Incident-Status-Client: 10.9.9.9\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(answers.match(/HTTP\/1\.1 200/g)).toHaveLength(1);
    expect(answers).toContain('10.9.9.9');
  });
});
