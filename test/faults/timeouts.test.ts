/** Slow clients are cut: trickled headers and trickled bodies end within the server's timeouts, not never. */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Store } from '../../src/store/store.js';
import { buildApp, SERVER_TIMEOUTS } from '../../src/http/app.js';
import { buildConfig } from '../../src/config/load.js';
import { TestClock, freshDatabase, type Database } from '../support/harness.js';

/** Writes `first`, then one of `drip` every 100 ms; answers how long until the server closed the socket, and what it said. */
function trickle(port: number, first: string, drip: string, giveUpMs: number): Promise<{ closedAfterMs: number | null; reply: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let reply = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(first));
    const timer = setInterval(() => {
      if (!socket.destroyed) socket.write(drip);
    }, 100);
    const finish = (closedAfterMs: number | null) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ closedAfterMs, reply });
    };
    const giveUp = setTimeout(() => finish(null), giveUpMs);
    socket.on('data', (chunk) => (reply += chunk.toString()));
    socket.on('close', () => finish(Date.now() - started));
    socket.on('error', () => undefined);
  });
}

describe('slow clients are timed out', () => {
  let db: Database;
  let store: Store;
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    store = await Store.open({ dataDir: db.dataDir });
    app = await buildApp({ store, config: buildConfig({}), clock: new TestClock(), timeouts: { headersMs: 500, requestMs: 1_000 } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await db?.cleanup();
  });

  it('the defaults bound headers, the whole request and a silent socket', () => {
    expect(SERVER_TIMEOUTS.headersMs).toBeGreaterThan(0);
    expect(SERVER_TIMEOUTS.requestMs).toBeGreaterThan(0);
    expect(SERVER_TIMEOUTS.idleMs).toBeGreaterThan(15_000);
  });

  it('a client trickling its headers is cut after the header timeout', async () => {
    const { closedAfterMs, reply } = await trickle(port, 'POST /api/v1/incidents HTTP/1.1\r\nHost: x\r\n', 'X-Slow: a\r\n', 8_000);
    expect(closedAfterMs).not.toBeNull();
    expect(closedAfterMs!).toBeLessThan(4_000);
    expect(reply).toMatch(/408 Request Timeout|^$/);
  });

  it('a client trickling its body is cut after the request timeout', async () => {
    const head = 'POST /api/v1/incidents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{';
    const { closedAfterMs, reply } = await trickle(port, head, ' ', 8_000);
    expect(closedAfterMs).not.toBeNull();
    expect(closedAfterMs!).toBeLessThan(4_000);
    expect(reply).toMatch(/408 Request Timeout|^$/);
  });
});
