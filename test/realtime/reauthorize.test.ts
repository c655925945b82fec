import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import SQLite from 'better-sqlite3';
import { join } from 'node:path';
import { testApp, type TestApp } from '../support/harness.js';
import { API } from '../api/helpers.js';
import { buildApp } from '../../src/http/app.js';
import { SseClient } from './sse-client.js';

/** A stream is authorized when it opens; these check that it does not outlive that authorization. */
describe('an open realtime stream ends when its credentials stop holding', () => {
  let t: TestApp;
  let app: FastifyInstance;
  let base: string;
  const clients: SseClient[] = [];

  beforeEach(async () => {
    t = await testApp('sqlite');
    await t.person('priya');
    app = await buildApp({ store: t.store, config: t.config, clock: t.clock, streamRecheckMs: 50 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await app.close();
    await t.close();
  });

  const open = async (headers: Record<string, string>) => {
    const client = await SseClient.open(`${base}${API}/events`, headers);
    clients.push(client);
    expect(client.status).toBe(200);
    return client;
  };

  it('signing out ends the stream the session opened', async () => {
    const signIn = await fetch(`${base}${API}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: t.tokens.get('priya') }) });
    expect(signIn.status).toBe(201);
    const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('ic_session='))!.split(';')[0]!;
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const stream = await open({ cookie });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stream.ended).toBe(false);

    const out = await fetch(`${base}${API}/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(out.status).toBe(204);
    await stream.until((c) => c.ended);
  });

  it('a revoked token ends the stream it opened; another token\'s stream goes on', async () => {
    const priya = await open({ authorization: `Bearer ${t.tokens.get('priya')}` });
    const admin = await open({ authorization: `Bearer ${t.tokens.get('admin')}` });
    const db = new SQLite(join(t.db.dataDir, 'incident.sqlite'));
    db.prepare('delete from tokens where person = ?').run('priya');
    db.close();
    await priya.until((c) => c.ended);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(admin.ended).toBe(false);
  });
});
