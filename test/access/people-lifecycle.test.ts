import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, declare, expectError, ok } from '../api/helpers.js';

describe.each(STORE_KINDS)('people lifecycle (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
    await t.person('alex');
    await t.person('sam');
    await t.person('vera', 'viewer');
  });
  afterAll(() => t.close());

  it('PATCH changes name, e-mail, role and chat ids, version-checked with If-Match', async () => {
    const before = await ok(t, 200, 'GET', `${API}/people/vera`);
    expect(before).toMatchObject({ handle: 'vera', role: 'viewer', active: true, deactivatedAt: null });
    const after = await ok(t, 200, 'PATCH', `${API}/people/vera`, { name: 'Vera Lind', email: 'vera@example.com', role: 'responder', chat: { slack: 'U123ABC' } }, 'admin', {
      'if-match': `"${before.version}"`,
    });
    expect(after).toMatchObject({ name: 'Vera Lind', email: 'vera@example.com', role: 'responder', chat: { slack: 'U123ABC' }, version: before.version + 1 });
    expectError(await t.call('PATCH', `${API}/people/vera`, { role: 'viewer' }, { headers: { 'if-match': `"${before.version}"` } }), 409, 'VERSION_CONFLICT');
    expectError(await t.call('PATCH', `${API}/people/nobody`, { name: 'X' }), 404, 'PERSON_NOT_FOUND', 'handle');
    expectError(await t.call('PATCH', `${API}/people/vera`, { role: 'owner' }), 400, 'VALIDATION_FAILED');
    expectError(await t.call('PATCH', `${API}/people/vera`, { name: 'Vee' }, { as: 'alex' }), 403, 'FORBIDDEN');
    // The new role is in force on the next request.
    const me = await ok(t, 200, 'GET', `${API}/me`, undefined, 'vera');
    expect(me.permissions).toContain('incidents.write');
  });

  it('the last active admin can be neither demoted nor deactivated', async () => {
    expectError(await t.call('PATCH', `${API}/people/admin`, { role: 'responder' }), 409, 'LAST_ADMIN', 'handle');
    expectError(await t.call('POST', `${API}/people/admin/deactivate`), 409, 'LAST_ADMIN', 'handle');
    await ok(t, 200, 'PATCH', `${API}/people/alex`, { role: 'admin' });
    // With a second admin, either may step down, but not both.
    await ok(t, 200, 'PATCH', `${API}/people/alex`, { role: 'responder' });
    expectError(await t.call('PATCH', `${API}/people/admin`, { role: 'viewer' }), 409, 'LAST_ADMIN');
    const admin = await ok(t, 200, 'GET', `${API}/people/admin`);
    expect(admin.role).toBe('admin');
  });

  it('deactivating revokes every token and session at once, keeps the name in history, and shows a role gap', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2' }, 'alex');
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'scribe', person: 'sam' }, 'alex');
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: 'sam was here' }, 'sam');
    const second = (await ok(t, 201, 'POST', `${API}/people/sam/tokens`, { name: 'laptop' })).token as string;
    const signIn = await t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token: second } });
    expect(signIn.statusCode).toBe(201);
    const cookie = `ic_session=${signIn.cookies.find((c) => c.name === 'ic_session')!.value}`;
    expect((await t.app.inject({ method: 'GET', url: `${API}/incidents`, headers: { cookie } })).statusCode).toBe(200);

    const done = await ok(t, 200, 'POST', `${API}/people/sam/deactivate`);
    expect(done).toMatchObject({ handle: 'sam', active: false, deactivatedAt: t.clock.now().toISOString() });

    for (const [method, url] of [
      ['GET', `${API}/me`],
      ['GET', `${API}/incidents`],
      ['GET', `${API}/incidents/${incident.id}/timeline`],
      ['POST', `${API}/incidents/${incident.id}/timeline`],
    ] as const) {
      expectError(await t.call(method, url, method === 'POST' ? { kind: 'note', text: 'still here?' } : undefined, { as: 'sam' }), 401, 'UNAUTHENTICATED');
      expectError(await t.app.inject({ method, url, headers: { authorization: `Bearer ${second}` } }), 401, 'UNAUTHENTICATED');
    }
    expectError(await t.app.inject({ method: 'GET', url: `${API}/incidents`, headers: { cookie } }), 401, 'UNAUTHENTICATED');
    expectError(await t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token: second } }), 401, 'UNAUTHENTICATED');

    // History keeps the name; the open incident shows the Scribe's seat as empty.
    const timeline = await ok(t, 200, 'GET', `${API}/incidents/${incident.id}/timeline?kind=note`);
    expect(timeline.map((e: { actor: string }) => e.actor)).toContain('sam');
    const shown = await ok(t, 200, 'GET', `${API}/incidents/${incident.id}`);
    expect(shown.roles.scribe).toBe('sam');
    expect(shown.roleGaps.map((g: { code: string }) => g.code)).toContain('ROLE_HOLDER_DEACTIVATED');
    const listed = await ok(t, 200, 'GET', `${API}/incidents`);
    expect(listed.find((i: { id: string }) => i.id === incident.id).roleGaps.map((g: { code: string }) => g.code)).toContain('ROLE_HOLDER_DEACTIVATED');
    expect((await ok(t, 200, 'GET', `${API}/people?active=false`)).map((p: { handle: string }) => p.handle)).toEqual(['sam']);
    expect((await ok(t, 200, 'GET', `${API}/people?active=true`)).map((p: { handle: string }) => p.handle)).not.toContain('sam');

    // Nobody can name them or give them a way back in.
    expectError(await t.call('POST', `${API}/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'sam' }, { as: 'alex' }), 409, 'PERSON_DEACTIVATED', 'person');
    expectError(await t.call('POST', `${API}/incidents/${incident.id}/smes`, { person: 'sam', specialty: 'database' }, { as: 'alex' }), 409, 'PERSON_DEACTIVATED', 'person');
    expectError(await t.call('POST', `${API}/incidents`, { title: 'x', severity: 'SEV3', commander: 'sam' }, { as: 'alex' }), 409, 'PERSON_DEACTIVATED', 'commander');
    expectError(await t.call('POST', `${API}/people/sam/tokens`, {}), 409, 'PERSON_DEACTIVATED', 'handle');

    // Deactivating again changes nothing.
    expect((await ok(t, 200, 'POST', `${API}/people/sam/deactivate`)).deactivatedAt).toBe(done.deactivatedAt);

    // Naming someone else fills the gap.
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'scribe', person: 'vera' }, 'alex');
    expect((await ok(t, 200, 'GET', `${API}/incidents/${incident.id}`)).roleGaps.map((g: { code: string }) => g.code)).not.toContain('ROLE_HOLDER_DEACTIVATED');
  });

  it('reactivating lets them be named again; the old tokens stay revoked', async () => {
    // The refusals above blocked this address for a while (test/access/throttle.test.ts): let it pass.
    t.clock.advance(6 * 60_000);
    const back = await ok(t, 200, 'POST', `${API}/people/sam/reactivate`);
    expect(back).toMatchObject({ active: true, deactivatedAt: null });
    expectError(await t.call('GET', `${API}/me`, undefined, { as: 'sam' }), 401, 'UNAUTHENTICATED');
    const fresh = (await ok(t, 201, 'POST', `${API}/people/sam/tokens`, {})).token as string;
    expect((await t.app.inject({ method: 'GET', url: `${API}/me`, headers: { authorization: `Bearer ${fresh}` } })).statusCode).toBe(200);
  });
});
