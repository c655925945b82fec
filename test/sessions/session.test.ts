import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { ADMIN_TOKEN, STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, declare, expectError } from '../api/helpers.js';
import { buildApp } from '../../src/http/app.js';

interface Signed {
  cookie: string;
  csrfToken: string;
  body: { person: { handle: string; name: string; role: string }; csrfToken: string; permissions: Record<string, boolean> };
}

function sessionCookie(res: LightMyRequestResponse) {
  return (res.cookies as { name: string; value: string; httpOnly?: boolean; sameSite?: string; path?: string; secure?: boolean; maxAge?: number }[]).find(
    (c) => c.name === 'ic_session',
  );
}

async function signIn(t: TestApp, token: string, headers: Record<string, string> = {}): Promise<Signed> {
  const res = await t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token }, headers });
  expect(res.statusCode, res.body).toBe(201);
  const cookie = sessionCookie(res);
  expect(cookie?.value).toBeTruthy();
  return { cookie: `ic_session=${cookie!.value}`, csrfToken: res.json().csrfToken, body: res.json() };
}

/** A request with the session cookie only (no Authorization header). */
function asBrowser(t: TestApp, signed: Signed, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({ method: method as 'GET', url, headers: { cookie: signed.cookie, ...headers }, ...(body === undefined ? {} : { payload: body as object }) });
}

/** Deletes a token row past the API (there is no revocation endpoint yet). */
async function deleteToken(t: TestApp, handle: string) {
  if (t.db.kind === 'sqlite') {
    const db = new SQLite(join(t.db.dataDir, 'incident.sqlite'));
    db.pragma('foreign_keys = ON');
    db.prepare('delete from tokens where person = ?').run(handle);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: t.db.env.DATABASE_URL });
  await client.connect();
  await client.query('delete from tokens where person = $1', [handle]);
  await client.end();
}

describe.each(STORE_KINDS)('console sessions (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(kind, { sessions: { idleTimeout: '30m', maxAge: '2h' } });
  });
  afterEach(() => t.close());

  it('signing in with a token sets an HttpOnly, SameSite=Lax session cookie and answers who, a CSRF token and what they may do', async () => {
    await t.person('vic', 'viewer');
    const res = await t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token: t.tokens.get('vic') } });
    expect(res.statusCode, res.body).toBe(201);
    const cookie = sessionCookie(res)!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.path).toBe('/');
    expect(cookie.secure).toBeFalsy();
    expect(cookie.maxAge).toBe(2 * 3600);
    expect(cookie.value).not.toContain(t.tokens.get('vic'));
    expect(res.json()).toEqual({
      person: { handle: 'vic', name: 'Vic', role: 'viewer' },
      csrfToken: expect.any(String),
      permissions: { declare: false, respond: false, admin: false },
    });
    const admin = await signIn(t, ADMIN_TOKEN);
    expect(admin.body.permissions).toEqual({ declare: true, respond: true, admin: true });
  });

  it('a wrong token is refused with 401 naming the token field; a missing one with 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token: 'ic_not_a_token' } });
    expectError(res, 401, 'UNAUTHENTICATED', 'token');
    expect(sessionCookie(res)).toBeUndefined();
    expectError(await t.app.inject({ method: 'POST', url: `${API}/session`, payload: {} }), 400, 'VALIDATION_FAILED', 'token');
  });

  it('GET /session answers the signed-in person with a fresh CSRF token, and 401 without a session', async () => {
    const signed = await signIn(t, ADMIN_TOKEN);
    const res = await asBrowser(t, signed, 'GET', `${API}/session`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().person).toEqual({ handle: 'admin', name: 'Administrator', role: 'admin' });
    // Any token made from the session's secret is accepted.
    const write = await asBrowser(t, signed, 'POST', `${API}/incidents`, { title: 'Search slow', severity: 'SEV3' }, { 'x-csrf-token': res.json().csrfToken });
    expect(write.statusCode, write.body).toBe(201);
    expectError(await t.app.inject({ method: 'GET', url: `${API}/session` }), 401, 'UNAUTHENTICATED');
    expectError(await t.app.inject({ method: 'GET', url: `${API}/session`, headers: { cookie: 'ic_session=forged' } }), 401, 'UNAUTHENTICATED');
  });

  it('CSRF: a cookie-authenticated write without X-CSRF-Token is refused 403; with it, it succeeds; reads need none', async () => {
    const signed = await signIn(t, ADMIN_TOKEN);
    const body = { title: 'Checkout failing', severity: 'SEV2' };
    const refused = await asBrowser(t, signed, 'POST', `${API}/incidents`, body);
    expectError(refused, 403, 'CSRF_TOKEN_INVALID', 'x-csrf-token');
    expect((await t.call('GET', `${API}/incidents`)).json()).toHaveLength(0);

    const forged = await asBrowser(t, signed, 'POST', `${API}/incidents`, body, { 'x-csrf-token': 'not-the-token' });
    expectError(forged, 403, 'CSRF_TOKEN_INVALID', 'x-csrf-token');

    const accepted = await asBrowser(t, signed, 'POST', `${API}/incidents`, body, { 'x-csrf-token': signed.csrfToken });
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect(accepted.json().roles.incident_commander).toBe('admin');

    const read = await asBrowser(t, signed, 'GET', `${API}/incidents/${accepted.json().id}`);
    expect(read.statusCode).toBe(200);
  });

  it("CSRF: one session's token does not pass for another session", async () => {
    await t.person('priya');
    const admin = await signIn(t, ADMIN_TOKEN);
    const priya = await signIn(t, t.tokens.get('priya')!);
    const res = await asBrowser(t, priya, 'POST', `${API}/incidents`, { title: 'Login errors', severity: 'SEV2' }, { 'x-csrf-token': admin.csrfToken });
    expectError(res, 403, 'CSRF_TOKEN_INVALID', 'x-csrf-token');
  });

  it('bearer writes need no CSRF token, even with a session cookie beside them', async () => {
    const signed = await signIn(t, ADMIN_TOKEN);
    const plain = await t.call('POST', `${API}/incidents`, { title: 'Queue backlog', severity: 'SEV3' });
    expect(plain.statusCode, plain.body).toBe(201);
    const both = await t.call('POST', `${API}/incidents`, { title: 'Cache misses', severity: 'SEV3' }, { headers: { cookie: signed.cookie } });
    expect(both.statusCode, both.body).toBe(201);
  });

  it('a viewer signed in by cookie is refused writes by the policy, as with a token', async () => {
    await t.person('vic', 'viewer');
    const signed = await signIn(t, t.tokens.get('vic')!);
    const res = await asBrowser(t, signed, 'POST', `${API}/incidents`, { title: 'Checkout failing', severity: 'SEV2' }, { 'x-csrf-token': signed.csrfToken });
    expectError(res, 403, 'FORBIDDEN');
  });

  it('signing out needs the CSRF token, ends the session server-side and clears the cookie', async () => {
    const signed = await signIn(t, ADMIN_TOKEN);
    expectError(await asBrowser(t, signed, 'DELETE', `${API}/session`), 403, 'CSRF_TOKEN_INVALID', 'x-csrf-token');
    const out = await asBrowser(t, signed, 'DELETE', `${API}/session`, undefined, { 'x-csrf-token': signed.csrfToken });
    expect(out.statusCode).toBe(204);
    const cleared = sessionCookie(out)!;
    expect(cleared.value).toBe('');
    expect(new Date((cleared as { expires?: Date }).expires ?? 0).getTime()).toBeLessThan(Date.now());
    // The old cookie, replayed, opens nothing.
    expectError(await asBrowser(t, signed, 'GET', `${API}/session`), 401, 'UNAUTHENTICATED');
    expectError(await asBrowser(t, signed, 'GET', `${API}/incidents`), 401, 'UNAUTHENTICATED');
    // Signing out again is done already.
    expect((await asBrowser(t, signed, 'DELETE', `${API}/session`)).statusCode).toBe(204);
  });

  it('a session ends after the idle timeout, and at its maximum age however busy', async () => {
    const idle = await signIn(t, ADMIN_TOKEN);
    t.clock.advance(29 * 60_000);
    expect((await asBrowser(t, idle, 'GET', `${API}/incidents`)).statusCode).toBe(200);
    t.clock.advance(29 * 60_000);
    expect((await asBrowser(t, idle, 'GET', `${API}/incidents`)).statusCode).toBe(200);
    t.clock.advance(31 * 60_000);
    expectError(await asBrowser(t, idle, 'GET', `${API}/incidents`), 401, 'UNAUTHENTICATED');

    const busy = await signIn(t, ADMIN_TOKEN);
    for (let i = 0; i < 4; i++) {
      t.clock.advance(25 * 60_000);
      expect((await asBrowser(t, busy, 'GET', `${API}/session`)).statusCode).toBe(200);
    }
    // 121 minutes after signing in, 21 since last used: past the 2h maximum, within the idle timeout.
    t.clock.advance(21 * 60_000);
    expectError(await asBrowser(t, busy, 'GET', `${API}/session`), 401, 'UNAUTHENTICATED');
  });

  it('a session dies with the token that opened it', async () => {
    await t.person('priya');
    const signed = await signIn(t, t.tokens.get('priya')!);
    expect((await asBrowser(t, signed, 'GET', `${API}/incidents`)).statusCode).toBe(200);
    await deleteToken(t, 'priya');
    expectError(await asBrowser(t, signed, 'GET', `${API}/incidents`), 401, 'UNAUTHENTICATED');
  });

  it('a session sees what its person may see: a private incident stays hidden from others', async () => {
    await t.person('priya');
    await t.person('sam');
    const incident = await declare(t, { title: 'Payroll export', severity: 'SEV2', private: true }, 'priya');
    const sam = await signIn(t, t.tokens.get('sam')!);
    expectError(await asBrowser(t, sam, 'GET', `${API}/incidents/${incident.id}`), 404, 'INCIDENT_NOT_FOUND');
    const priya = await signIn(t, t.tokens.get('priya')!);
    expect((await asBrowser(t, priya, 'GET', `${API}/incidents/${incident.id}`)).statusCode).toBe(200);
  });

  it('the cookie is Secure over HTTPS: X-Forwarded-Proto counts only behind a trusted proxy (TRUST_PROXY)', async () => {
    const forwarded = { 'x-forwarded-proto': 'https' };
    const untrusted = await t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token: ADMIN_TOKEN }, headers: forwarded });
    expect(sessionCookie(untrusted)!.secure).toBeFalsy();
    const behindProxy = await buildApp({ store: t.store, config: t.config, clock: t.clock, trustProxy: true });
    try {
      const trusted = await behindProxy.inject({ method: 'POST', url: `${API}/session`, payload: { token: ADMIN_TOKEN }, headers: forwarded });
      expect(trusted.statusCode).toBe(201);
      expect(sessionCookie(trusted)!.secure).toBe(true);
    } finally {
      await behindProxy.close();
    }
  });
});
