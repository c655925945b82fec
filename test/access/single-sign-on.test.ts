/**
 * Single sign-on against a real OpenID provider (oidc-provider on 127.0.0.1): the whole
 * Authorization Code + PKCE round trip through its login page, and every way it must refuse.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, expectError } from '../api/helpers.js';
import { CLIENT_ID, CLIENT_SECRET, changedClaims, startProvider, type TestProvider } from '../support/oidc-provider.js';
import { buildConfig } from '../../src/config/load.js';

const PUBLIC_URL = 'http://127.0.0.1:4455';
const CALLBACK = `${PUBLIC_URL}/api/v1/auth/oidc/callback`;

let provider: TestProvider;
beforeAll(async () => {
  provider = await startProvider({ redirectUri: CALLBACK, postLogoutRedirectUri: `${PUBLIC_URL}/` });
  provider.accounts.set('ana', { email: 'Ana.Lima@example.com', email_verified: true, name: 'Ana Lima' });
  provider.accounts.set('lead', { email: 'lead@example.com', email_verified: true, name: 'Lee Ead', groups: ['staff', 'sre-leads'] });
  provider.accounts.set('outsider', { email: 'mallory@elsewhere.org', email_verified: true });
  provider.accounts.set('unverified', { email: 'ana.lima@example.com', email_verified: false });
});
afterAll(() => provider.close());

function oidcConfig(extra: Record<string, unknown> = {}) {
  return {
    auth: {
      oidc: {
        issuer: provider.issuer,
        clientId: CLIENT_ID,
        name: 'Test SSO',
        scopes: ['openid', 'email', 'profile', 'groups'],
        allowedDomains: ['example.com'],
        roleClaim: 'groups',
        roleMap: { 'sre-leads': 'admin', sre: 'responder' },
        ...extra,
      },
    },
  };
}

function cookieOf(res: LightMyRequestResponse, name: string): string | undefined {
  return (res.cookies as { name: string; value: string }[]).find((c) => c.name === name && c.value !== '')?.value;
}

describe.each(STORE_KINDS)('single sign-on with OpenID Connect (%s)', (kind) => {
  let t: TestApp;
  const start = async (extra: Record<string, unknown> = {}) => {
    t = await testApp(kind, oidcConfig(extra), { publicUrl: PUBLIC_URL, oidcClientSecret: CLIENT_SECRET });
    const res = await t.call('POST', `${API}/people`, { handle: 'ana', name: 'Ana Lima', role: 'responder', email: 'ana.lima@example.com' });
    expect(res.statusCode, res.body).toBe(201);
  };
  beforeEach(() => {
    provider.tamper = null;
  });
  afterEach(() => t?.close());

  async function begin() {
    const res = await t.app.inject({ method: 'GET', url: `${API}/auth/oidc/login` });
    expect(res.statusCode, res.body).toBe(302);
    return { authorizeUrl: String(res.headers.location), cookie: cookieOf(res, 'ic_oidc')! };
  }
  function back(returnUrl: string, cookie?: string) {
    const url = new URL(returnUrl);
    return t.app.inject({ method: 'GET', url: url.pathname + url.search, headers: cookie ? { cookie: `ic_oidc=${cookie}` } : {} });
  }
  async function signInAs(login: string) {
    const { authorizeUrl, cookie } = await begin();
    return back(await provider.signInAt(authorizeUrl, login), cookie);
  }
  async function audit(action: string) {
    const res = await t.call('GET', `${API}/audit?action=${action}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { entries: { actor: string | null; target: string | null; after: Record<string, unknown> | null }[] }).entries;
  }

  it('signs in the person with the e-mail the provider vouches for: PKCE S256, state and nonce sent; the console session cookie works', async () => {
    await start();
    const { authorizeUrl, cookie } = await begin();
    const authorize = new URL(authorizeUrl);
    expect(authorize.origin).toBe(provider.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(CALLBACK);
    for (const p of ['state', 'nonce', 'code_challenge']) expect(authorize.searchParams.get(p)).toBeTruthy();
    const res = await back(await provider.signInAt(authorizeUrl, 'ana'), cookie);
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe('/');
    const session = cookieOf(res, 'ic_session')!;
    const me = await t.app.inject({ method: 'GET', url: `${API}/session`, headers: { cookie: `ic_session=${session}` } });
    expect(me.json().person).toEqual({ handle: 'ana', name: 'Ana Lima', role: 'responder' });
    const incidents = await t.app.inject({ method: 'GET', url: `${API}/incidents`, headers: { cookie: `ic_session=${session}` } });
    expect(incidents.statusCode).toBe(200);
    expect((await audit('session.opened')).some((e) => e.actor === 'ana' && e.after?.method === 'oidc')).toBe(true);
  });

  it('refuses a return whose state is not the one sent, and a return to another browser (no ic_oidc cookie)', async () => {
    await start();
    const { authorizeUrl, cookie } = await begin();
    const returned = new URL(await provider.signInAt(authorizeUrl, 'ana'));
    const forged = new URL(returned);
    forged.searchParams.set('state', 'not-the-state');
    const wrong = await back(forged.href, cookie);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/text\/html/);
    expect(cookieOf(wrong, 'ic_session')).toBeUndefined();
    // The sign-in it belonged to is spent: the genuine return cannot follow it.
    expect((await back(returned.href, cookie)).statusCode).toBe(400);
    const other = await begin();
    const elsewhere = await back(await provider.signInAt(other.authorizeUrl, 'ana'));
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.body).toContain('not started from this browser');
  });

  it('refuses a replayed code: the provider will not exchange it twice, and the browser cannot return twice', async () => {
    await start();
    const first = await begin();
    const returned = await provider.signInAt(first.authorizeUrl, 'ana');
    expect((await back(returned, first.cookie)).statusCode).toBe(303);
    expect((await back(returned, first.cookie)).statusCode).toBe(400);
    // The same code under a fresh sign-in's state: it reaches the provider, which refuses it.
    const second = await begin();
    const replay = new URL(returned);
    replay.searchParams.set('state', new URL(second.authorizeUrl).searchParams.get('state')!);
    const res = await back(replay.href, second.cookie);
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('invalid_grant');
    expect(cookieOf(res, 'ic_session')).toBeUndefined();
  });

  it.each([
    ['an ID token for another audience', (id: string) => provider.sign(changedClaims(id, { aud: 'someone-else' })), /aud/],
    ['an expired ID token', (id: string) => provider.sign(changedClaims(id, { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 })), /exp/],
    ['an ID token with another nonce', (id: string) => provider.sign(changedClaims(id, { nonce: 'replayed-nonce' })), /nonce/],
    ['an ID token signed with a key the provider never published', (id: string) => provider.sign(changedClaims(id, {}), true), /signature|key/i],
  ])('refuses %s', async (_name, tamper, why) => {
    await start();
    provider.tamper = tamper;
    const res = await signInAs('ana');
    expect(res.statusCode, res.body).toBe(401);
    expect(res.body).toMatch(why);
    expect(cookieOf(res, 'ic_session')).toBeUndefined();
  });

  it('refuses a domain not allowed, an unverified address and someone unknown, each with a clear page and an audit entry', async () => {
    await start();
    const outsider = await signInAs('outsider');
    expect(outsider.statusCode).toBe(403);
    expect(outsider.body).toContain('Addresses at elsewhere.org may not sign in here.');
    const unverified = await signInAs('unverified');
    expect(unverified.statusCode).toBe(403);
    expect(unverified.body).toContain('has not verified');
    const unknown = await signInAs('lead');
    expect(unknown.statusCode).toBe(403);
    expect(unknown.body).toContain('Nobody here has the e-mail address lead@example.com; ask an admin to add you.');
    const reasons = (await audit('session.refused')).map((e) => e.after?.reason);
    expect(reasons).toEqual(expect.arrayContaining(['domain-not-allowed', 'email-unverified', 'unknown-person']));
  });

  it('refuses a deactivated person although the provider says yes and autoCreate is on', async () => {
    await start({ autoCreate: true });
    expect((await t.call('POST', `${API}/people/ana/deactivate`)).statusCode).toBe(200);
    const res = await signInAs('ana');
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('@ana has been deactivated');
    expect(cookieOf(res, 'ic_session')).toBeUndefined();
    expect((await audit('session.refused')).find((e) => e.after?.reason === 'deactivated')?.actor).toBe('ana');
    const people = (await t.call('GET', `${API}/people`)).json() as { handle: string }[];
    expect(people.map((p) => p.handle).sort()).toEqual(['admin', 'ana']);
  });

  it('autoCreate makes a person at first sign-in, with the highest role roleMap gives the roleClaim values', async () => {
    await start({ autoCreate: true });
    const res = await signInAs('lead');
    expect(res.statusCode, res.body).toBe(303);
    const me = await t.app.inject({ method: 'GET', url: `${API}/session`, headers: { cookie: `ic_session=${cookieOf(res, 'ic_session')}` } });
    expect(me.json().person).toEqual({ handle: 'lead', name: 'Lee Ead', role: 'admin' });
    const created = (await audit('person.created')).find((e) => e.target === 'lead');
    expect(created?.actor).toBe('lead');
    expect(created?.after).toMatchObject({ email: 'lead@example.com', role: 'admin', via: 'oidc' });
    // The second sign-in finds them again by e-mail instead of making another.
    expect((await signInAs('lead')).statusCode).toBe(303);
    expect(((await t.call('GET', `${API}/people`)).json() as unknown[]).length).toBe(3);
  });

  it("sign-out of a provider session answers the provider's end_session_endpoint; a token session's sign-out stays 204", async () => {
    await start();
    const res = await signInAs('ana');
    const cookie = `ic_session=${cookieOf(res, 'ic_session')}`;
    const me = await t.app.inject({ method: 'GET', url: `${API}/session`, headers: { cookie } });
    const out = await t.app.inject({ method: 'DELETE', url: `${API}/session`, headers: { cookie, 'x-csrf-token': me.json().csrfToken } });
    expect(out.statusCode, out.body).toBe(200);
    const end = new URL(out.json().endSessionUrl);
    expect(`${end.origin}${end.pathname}`).toBe(`${provider.issuer}/session/end`);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${PUBLIC_URL}/`);
    expect(end.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(end.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect((await t.app.inject({ method: 'GET', url: `${API}/session`, headers: { cookie } })).statusCode).toBe(401);
    const ended = await fetch(end, { redirect: 'manual' });
    expect(ended.status).toBe(200);
    expect(await ended.text()).toContain('/session/end/confirm');

    const signed = await t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token: t.tokens.get('admin') } });
    const tokenCookie = `ic_session=${cookieOf(signed, 'ic_session')}`;
    const tokenOut = await t.app.inject({ method: 'DELETE', url: `${API}/session`, headers: { cookie: tokenCookie, 'x-csrf-token': signed.json().csrfToken } });
    expect(tokenOut.statusCode).toBe(204);
  });

  it('an admin turns token sign-in off for the console (audited): the token form is refused, its sessions end, bearer tokens still work', async () => {
    await start();
    await t.person('rita', 'responder');
    const ritaSession = await t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token: t.tokens.get('rita') } });
    const ritaCookie = `ic_session=${cookieOf(ritaSession, 'ic_session')}`;
    expect((await t.app.inject({ method: 'GET', url: `${API}/auth/options` })).json()).toEqual({ tokenSignIn: true, oidc: { name: 'Test SSO', loginUrl: '/api/v1/auth/oidc/login' } });
    expectError(await t.call('PUT', `${API}/auth/settings`, { tokenSignIn: false }, { as: 'rita' }), 403, 'FORBIDDEN');
    const off = await t.call('PUT', `${API}/auth/settings`, { tokenSignIn: false });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toEqual({ tokenSignIn: false });
    expect((await t.app.inject({ method: 'GET', url: `${API}/auth/options` })).json().tokenSignIn).toBe(false);
    expectError(await t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token: t.tokens.get('rita') } }), 403, 'TOKEN_SIGN_IN_OFF', 'token');
    expect((await t.app.inject({ method: 'GET', url: `${API}/session`, headers: { cookie: ritaCookie } })).statusCode).toBe(401);
    expect((await t.call('GET', `${API}/incidents`, undefined, { as: 'rita' })).statusCode).toBe(200);
    expect((await signInAs('ana')).statusCode).toBe(303);
    const changed = await audit('auth.settings_changed');
    expect(changed[0]).toMatchObject({ actor: 'admin', before: { signInMethods: ['api-token', 'oidc'] }, after: { signInMethods: ['oidc'] } });
    expect((await t.call('PUT', `${API}/auth/settings`, { tokenSignIn: true })).json()).toEqual({ tokenSignIn: true });
    expect((await t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token: t.tokens.get('rita') } })).statusCode).toBe(201);
  });
});

describe('single sign-on configuration', () => {
  const base = { issuer: 'https://accounts.example.com', clientId: 'incident' };
  it('takes an https issuer, or plain http only on a loopback address', () => {
    expect(buildConfig({ auth: { oidc: base } }).auth.oidc).toMatchObject({ name: 'accounts.example.com', scopes: ['openid', 'email', 'profile'], autoCreate: false });
    expect(buildConfig({ auth: { oidc: { ...base, issuer: 'http://127.0.0.1:8080' } } }).auth.oidc?.issuer).toBe('http://127.0.0.1:8080');
    expect(() => buildConfig({ auth: { oidc: { ...base, issuer: 'http://sso.example.com' } } })).toThrow(/auth\.oidc\.issuer: must be https:\/\//);
  });

  it('refuses autoCreate without allowedDomains, roleMap without roleClaim, and scopes without openid', () => {
    expect(() => buildConfig({ auth: { oidc: { ...base, autoCreate: true } } })).toThrow(/auth\.oidc\.allowedDomains/);
    expect(() => buildConfig({ auth: { oidc: { ...base, roleMap: { sre: 'admin' } } } })).toThrow(/auth\.oidc\.roleClaim/);
    expect(() => buildConfig({ auth: { oidc: { ...base, scopes: ['email'] } } })).toThrow(/auth\.oidc\.scopes: must include openid/);
  });

  it('token sign-in cannot be turned off without a provider', async () => {
    const t = await testApp('sqlite');
    try {
      expectError(await t.call('PUT', `${API}/auth/settings`, { tokenSignIn: false }), 409, 'SINGLE_SIGN_ON_OFF', 'tokenSignIn');
      expectError(await t.app.inject({ method: 'GET', url: `${API}/auth/oidc/login` }), 409, 'SINGLE_SIGN_ON_OFF');
    } finally {
      await t.close();
    }
  });
});
