import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, expectError, ok } from '../api/helpers.js';

const DAY = 86_400_000;

describe.each(STORE_KINDS)('API tokens: list, expiry, revoke (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind, { auth: { tokenLifetime: '30d' } });
    await t.person('alex');
    await t.person('sam');
  });
  afterAll(() => t.close());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('a new token expires after auth.tokenLifetime unless expiresIn says otherwise; the list never shows a secret', async () => {
    const issued = await ok(t, 201, 'POST', `${API}/people/alex/tokens`, { name: 'laptop' }, 'alex');
    expect(issued.expiresAt).toBe(new Date(t.clock.now().getTime() + 30 * DAY).toISOString());
    const short = await ok(t, 201, 'POST', `${API}/people/alex/tokens`, { name: 'ci', expiresIn: '12h' }, 'alex');
    expect(short.expiresAt).toBe(new Date(t.clock.now().getTime() + 12 * 3_600_000).toISOString());
    await t.app.inject({ method: 'GET', url: `${API}/me`, headers: bearer(short.token) });

    const list = await ok(t, 200, 'GET', `${API}/people/alex/tokens`, undefined, 'alex');
    const byId = new Map(list.map((x: { id: string }) => [x.id, x]));
    expect(byId.get(issued.id)).toMatchObject({ name: 'laptop', createdAt: t.clock.now().toISOString(), lastUsedAt: null, expired: false });
    expect(byId.get(short.id)).toMatchObject({ name: 'ci', lastUsedAt: t.clock.now().toISOString() });
    const text = JSON.stringify(list);
    expect(text).not.toContain(issued.token);
    expect(text).not.toContain('hash');
    // An admin sees anyone's; others only their own.
    await ok(t, 200, 'GET', `${API}/people/alex/tokens`);
    expectError(await t.call('GET', `${API}/people/alex/tokens`, undefined, { as: 'sam' }), 403, 'FORBIDDEN');
  });

  it('never is for service tokens an admin issues; a bad expiresIn names the field', async () => {
    expectError(await t.call('POST', `${API}/people/alex/tokens`, { expiresIn: 'never' }, { as: 'alex' }), 403, 'FORBIDDEN', 'expiresIn');
    const service = await ok(t, 201, 'POST', `${API}/people/alex/tokens`, { name: 'deploy-bot', expiresIn: 'never' });
    expect(service.expiresAt).toBeNull();
    expectError(await t.call('POST', `${API}/people/alex/tokens`, { expiresIn: 'soon' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'expiresIn');
    expectError(await t.call('POST', `${API}/people/alex/tokens`, { expiresIn: '10s' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'expiresIn');
  });

  it('an expired token is refused like a revoked one, for bearer requests and the sessions it opened', async () => {
    const issued = await ok(t, 201, 'POST', `${API}/people/sam/tokens`, { expiresIn: '1h' }, 'sam');
    const signIn = await t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token: issued.token } });
    expect(signIn.statusCode).toBe(201);
    const cookie = `ic_session=${signIn.cookies.find((c) => c.name === 'ic_session')!.value}`;
    t.clock.advance(59 * 60_000);
    expect((await t.app.inject({ method: 'GET', url: `${API}/me`, headers: bearer(issued.token) })).statusCode).toBe(200);
    t.clock.advance(60_000);
    expectError(await t.app.inject({ method: 'GET', url: `${API}/me`, headers: bearer(issued.token) }), 401, 'UNAUTHENTICATED');
    expectError(await t.app.inject({ method: 'GET', url: `${API}/incidents`, headers: { cookie } }), 401, 'UNAUTHENTICATED');
    expectError(await t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token: issued.token } }), 401, 'UNAUTHENTICATED');
    const listed = await ok(t, 200, 'GET', `${API}/people/sam/tokens`);
    expect(listed.find((x: { id: string }) => x.id === issued.id).expired).toBe(true);
  });

  it('the owner or an admin revokes a token: refused on the next request on every route; others get 404', async () => {
    const issued = await ok(t, 201, 'POST', `${API}/people/sam/tokens`, { name: 'old laptop' }, 'sam');
    expectError(await t.call('DELETE', `${API}/tokens/${issued.id}`, undefined, { as: 'alex' }), 404, 'TOKEN_NOT_FOUND', 'id');
    expect((await t.app.inject({ method: 'GET', url: `${API}/me`, headers: bearer(issued.token) })).statusCode).toBe(200);
    const revoked = await t.call('DELETE', `${API}/tokens/${issued.id}`, undefined, { as: 'sam' });
    expect(revoked.statusCode).toBe(204);
    for (const url of [`${API}/me`, `${API}/incidents`, `${API}/people`, `${API}/people/sam/tokens`])
      expectError(await t.app.inject({ method: 'GET', url, headers: bearer(issued.token) }), 401, 'UNAUTHENTICATED');
    expectError(await t.app.inject({ method: 'POST', url: `${API}/incidents`, headers: bearer(issued.token), payload: { title: 'x', severity: 'SEV3' } }), 401, 'UNAUTHENTICATED');
    expect((await ok(t, 200, 'GET', `${API}/people/sam/tokens`)).map((x: { id: string }) => x.id)).not.toContain(issued.id);
    expectError(await t.call('DELETE', `${API}/tokens/${issued.id}`), 404, 'TOKEN_NOT_FOUND');
    // An admin may revoke anyone's.
    const another = await ok(t, 201, 'POST', `${API}/people/sam/tokens`, {}, 'sam');
    expect((await t.call('DELETE', `${API}/tokens/${another.id}`)).statusCode).toBe(204);
  });

  it('one person cannot mint tokens without end', async () => {
    await t.person('mo');
    for (let i = (await ok(t, 200, 'GET', `${API}/people/mo/tokens`)).length; i < 25; i++) await ok(t, 201, 'POST', `${API}/people/mo/tokens`, {}, 'mo');
    expectError(await t.call('POST', `${API}/people/mo/tokens`, {}, { as: 'mo' }), 409, 'TOO_MANY_TOKENS');
  });
});
