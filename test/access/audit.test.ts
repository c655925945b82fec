import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, expectError, ok } from '../api/helpers.js';

interface Entry {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  address: string | null;
  userAgent: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

describe.each(STORE_KINDS)('the audit log (%s)', (kind) => {
  let t: TestApp;
  const secrets: string[] = [ADMIN_TOKEN];
  beforeAll(async () => {
    t = await testApp(kind);
    secrets.push(await t.person('alex'));
  });
  afterAll(() => t.close());

  const entries = async (query = '') => (await ok(t, 200, 'GET', `${API}/audit${query}`)).entries as Entry[];

  it('records every admin action with who, when, from where, and before → after for edits; never a secret', async () => {
    await ok(t, 200, 'PATCH', `${API}/people/alex`, { role: 'viewer' }, 'admin', { 'user-agent': 'audit-test/1' });
    const issued = await ok(t, 201, 'POST', `${API}/people/alex/tokens`, { name: 'laptop' });
    secrets.push(issued.token);
    expect((await t.call('DELETE', `${API}/tokens/${issued.id}`)).statusCode).toBe(204);
    const hook = await ok(t, 201, 'POST', `${API}/webhooks`, { url: 'http://127.0.0.1:9/hook', events: ['incident.declared'] });
    secrets.push(hook.secret);
    await ok(t, 200, 'PATCH', `${API}/webhooks/${hook.id}`, { enabled: false });
    const source = await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'prom', type: 'alertmanager' });
    secrets.push(source.key);
    await ok(t, 201, 'POST', `${API}/components`, { id: 'api', name: 'API' });
    await ok(t, 200, 'POST', `${API}/people/alex/deactivate`);

    const log = await entries();
    const actions = log.map((e) => e.action);
    for (const action of ['person.created', 'person.updated', 'token.created', 'token.revoked', 'webhook.created', 'webhook.updated', 'alert_source.created', 'component.created', 'person.deactivated'])
      expect(actions).toContain(action);
    // Newest first.
    expect(log[0]!.action).toBe('person.deactivated');
    const edit = log.find((e) => e.action === 'person.updated')!;
    expect(edit).toMatchObject({ actor: 'admin', target: 'alex', before: { role: 'responder' }, after: { role: 'viewer' }, userAgent: 'audit-test/1', at: t.clock.now().toISOString() });
    expect(edit.address).toBe('127.0.0.1');
    expect(log.find((e) => e.action === 'webhook.updated')).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
    const text = JSON.stringify(log);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/whsec_|ics_|"secret"|"key"|"hash"/);
  });

  it('records sign-ins, sign-outs and refused sign-ins', async () => {
    const signIn = await t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token: ADMIN_TOKEN } });
    const cookie = `ic_session=${signIn.cookies.find((c) => c.name === 'ic_session')!.value}`;
    const out = await t.app.inject({ method: 'DELETE', url: `${API}/session`, headers: { cookie, 'x-csrf-token': signIn.json().csrfToken } });
    expect(out.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token: 'ic_wrong_guess' } })).statusCode).toBe(401);
    const log = await entries('?action=session');
    expect(log.map((e) => [e.action, e.actor])).toEqual([
      ['session.closed', 'admin'],
      ['session.opened', 'admin'],
    ]);
    const refused = await entries('?action=auth');
    expect(refused.map((e) => [e.action, e.actor, e.after])).toEqual([['auth.refused', null, { method: 'session', failures: 1 }]]);
    expect(JSON.stringify(refused)).not.toContain('ic_wrong_guess');
  });

  it('filters by actor, action and time, pages with next, and exports JSON Lines; admins only', async () => {
    expect((await entries('?action=person.created')).map((e) => e.target)).toEqual(['alex']);
    expect((await entries('?actor=admin&action=token')).map((e) => e.action)).toEqual(['token.revoked', 'token.created', 'token.created']);
    t.clock.advance(3_600_000);
    const later = t.clock.now().toISOString();
    await ok(t, 200, 'POST', `${API}/people/alex/reactivate`);
    expect((await entries(`?since=${encodeURIComponent(later)}`)).map((e) => e.action)).toEqual(['person.reactivated']);
    expect((await entries(`?until=${encodeURIComponent(later)}`)).map((e) => e.action)).not.toContain('person.reactivated');

    const all = await entries();
    const first = await ok(t, 200, 'GET', `${API}/audit?limit=2`);
    expect(first.entries).toHaveLength(2);
    const second = await ok(t, 200, 'GET', `${API}/audit?limit=2&before=${first.next}`);
    expect([...first.entries, ...second.entries].map((e: Entry) => e.id)).toEqual(all.slice(0, 4).map((e) => e.id));

    const exported = await t.call('GET', `${API}/audit/export`);
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toContain('application/x-ndjson');
    const lines = exported.body.trimEnd().split('\n').map((l) => JSON.parse(l) as Entry);
    expect(lines.map((e) => e.id)).toEqual(all.map((e) => e.id));

    await t.person('rae');
    expectError(await t.call('GET', `${API}/audit`, undefined, { as: 'rae' }), 403, 'FORBIDDEN');
    expectError(await t.call('GET', `${API}/audit/export`, undefined, { as: 'rae' }), 403, 'FORBIDDEN');
    expectError(await t.call('GET', `${API}/audit?action=DROP TABLE`), 400, 'VALIDATION_FAILED');
  });
});
