import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, declare, expectError, ok } from './helpers.js';

describe.each(STORE_KINDS)('auth, people and policy over HTTP (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
    await t.person('alex');
    await t.person('vera', 'viewer');
  });
  afterAll(() => t.close());

  describe('authentication', () => {
    it('auth: a request without a token is 401 UNAUTHENTICATED', async () => {
      const res = await t.app.inject({ method: 'GET', url: `${API}/incidents` });
      expectError(res, 401, 'UNAUTHENTICATED');
    });

    it('auth: a wrong token is 401, and so is a header that is not Bearer', async () => {
      const bad = await t.app.inject({ method: 'GET', url: `${API}/incidents`, headers: { authorization: 'Bearer ic_not_a_real_token' } });
      expectError(bad, 401, 'UNAUTHENTICATED');
      const basic = await t.app.inject({ method: 'GET', url: `${API}/me`, headers: { authorization: `Basic ${ADMIN_TOKEN}` } });
      expectError(basic, 401, 'UNAUTHENTICATED');
      const write = await t.app.inject({
        method: 'POST',
        url: `${API}/incidents`,
        headers: { authorization: 'Bearer nope' },
        payload: { title: 'x', severity: 'SEV3' },
      });
      expectError(write, 401, 'UNAUTHENTICATED');
    });

    it('auth: GET /me says who the token belongs to and what they may do', async () => {
      const admin = await ok(t, 200, 'GET', `${API}/me`);
      expect(admin.person).toMatchObject({ handle: 'admin', role: 'admin' });
      expect(admin.permissions).toContain('people.manage');

      const viewer = await ok(t, 200, 'GET', `${API}/me`, undefined, 'vera');
      expect(viewer.person).toMatchObject({ handle: 'vera', name: 'Vera', role: 'viewer' });
      expect(viewer.permissions).toContain('incidents.read');
      expect(viewer.permissions).not.toContain('incidents.write');
      expect(viewer.permissions).not.toContain('incidents.declare');
      expect(JSON.stringify(viewer)).not.toContain(t.tokens.get('vera'));
    });

    it('auth: a viewer can read incidents but gets 403 FORBIDDEN on every write', async () => {
      const incident = await declare(t, { title: 'Viewer can read this', severity: 'SEV3' }, 'alex');
      const list = await ok(t, 200, 'GET', `${API}/incidents`, undefined, 'vera');
      expect(list.map((i: { id: string }) => i.id)).toContain(incident.id);
      await ok(t, 200, 'GET', `${API}/incidents/${incident.id}`, undefined, 'vera');
      await ok(t, 200, 'GET', `${API}/incidents/${incident.id}/timeline`, undefined, 'vera');
      await ok(t, 200, 'GET', `${API}/incidents/${incident.id}/updates`, undefined, 'vera');
      await ok(t, 200, 'GET', `${API}/people`, undefined, 'vera');
      await ok(t, 200, 'GET', `${API}/severities`, undefined, 'vera');

      const writes: [string, string, unknown][] = [
        ['POST', `${API}/incidents`, { title: 'Viewer declares', severity: 'SEV3' }],
        ['POST', `${API}/incidents/${incident.id}/severity`, { severity: 'SEV2', reason: 'worse' }],
        ['POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: 'hello' }],
        ['POST', `${API}/incidents/${incident.id}/updates`, { status: 'investigating', impact: 'a', whatWeKnow: 'b', nextStep: 'c' }],
        ['POST', `${API}/incidents/${incident.id}/roles`, { role: 'scribe', person: 'vera' }],
        ['POST', `${API}/incidents/${incident.id}/resolve`, { impact: 'a', whatWeKnow: 'b' }],
        ['POST', `${API}/people`, { handle: 'sneaky', name: 'Sneaky' }],
      ];
      for (const [method, url, body] of writes) expectError(await t.call(method, url, body, { as: 'vera' }), 403, 'FORBIDDEN');
      const after = await ok(t, 200, 'GET', `${API}/incidents/${incident.id}`, undefined, 'vera');
      expect(after.version).toBe(incident.version);
    });

    it('auth: only an admin creates people; a responder gets 403', async () => {
      expectError(await t.call('POST', `${API}/people`, { handle: 'mallory', name: 'Mallory' }, { as: 'alex' }), 403, 'FORBIDDEN');
      const people = await ok(t, 200, 'GET', `${API}/people`);
      expect(people.map((p: { handle: string }) => p.handle)).not.toContain('mallory');
    });

    it('auth: a token is shown once, works, and is never listed again', async () => {
      await ok(t, 201, 'POST', `${API}/people`, { handle: 'tina', name: 'Tina' });
      const issued = await ok(t, 201, 'POST', `${API}/people/tina/tokens`, { name: 'laptop' });
      expect(issued).toMatchObject({ person: 'tina', name: 'laptop' });
      expect(typeof issued.token).toBe('string');
      expect(issued.token.length).toBeGreaterThanOrEqual(20);

      const me = await t.app.inject({ method: 'GET', url: `${API}/me`, headers: { authorization: `Bearer ${issued.token}` } });
      expect(me.statusCode).toBe(200);
      expect(me.json().person.handle).toBe('tina');

      const people = await t.call('GET', `${API}/people`);
      expect(people.body).not.toContain(issued.token);
      const again = await ok(t, 201, 'POST', `${API}/people/tina/tokens`, {});
      expect(again.token).not.toBe(issued.token);
    });

    it('auth: a responder may issue their own token but not someone else’s', async () => {
      await ok(t, 201, 'POST', `${API}/people/alex/tokens`, { name: 'script' }, 'alex');
      expectError(await t.call('POST', `${API}/people/vera/tokens`, {}, { as: 'alex' }), 403, 'FORBIDDEN');
      expectError(await t.call('POST', `${API}/people/nobody/tokens`, {}), 400, 'UNKNOWN_PERSON', 'handle');
    });
  });

  describe('people', () => {
    it('people: an admin adds a person with email, role and chat; 201 person', async () => {
      const created = await ok(t, 201, 'POST', `${API}/people`, {
        handle: 'priya',
        name: 'Priya Raman',
        email: 'priya@example.com',
        role: 'responder',
        chat: { slack: 'U012ABCDEF' },
      });
      expect(created).toMatchObject({ handle: 'priya', name: 'Priya Raman', email: 'priya@example.com', role: 'responder', chat: { slack: 'U012ABCDEF' } });
      expect(created.createdAt).toBe('2026-06-06T14:14:00.000Z');
    });

    it('people: role defaults to responder and email to null', async () => {
      const created = await ok(t, 201, 'POST', `${API}/people`, { handle: 'sam', name: 'Sam' });
      expect(created).toMatchObject({ handle: 'sam', role: 'responder', email: null, chat: {} });
    });

    it('people: a duplicate handle is 409 PERSON_EXISTS', async () => {
      expectError(await t.call('POST', `${API}/people`, { handle: 'priya', name: 'Another Priya' }), 409, 'PERSON_EXISTS', 'handle');
    });

    it('people: bad input is a 400 naming the field', async () => {
      expectError(await t.call('POST', `${API}/people`, { handle: 'Not A Handle', name: 'X' }), 400, 'VALIDATION_FAILED', 'handle');
      expectError(await t.call('POST', `${API}/people`, { handle: 'noname' }), 400, 'VALIDATION_FAILED', 'name');
      expectError(await t.call('POST', `${API}/people`, { handle: 'badrole', name: 'X', role: 'owner' }), 400, 'VALIDATION_FAILED', 'role');
      expectError(await t.call('POST', `${API}/people`, { handle: 'bademail', name: 'X', email: 'not-an-email' }), 400, 'VALIDATION_FAILED', 'email');
    });

    it('people: GET /people lists everyone, by handle, without tokens', async () => {
      const people = await ok(t, 200, 'GET', `${API}/people`);
      const handles = people.map((p: { handle: string }) => p.handle);
      expect(handles).toEqual(expect.arrayContaining(['admin', 'alex', 'vera', 'priya', 'sam']));
      expect(handles).toEqual([...handles].sort());
      for (const p of people) expect(Object.keys(p).sort()).toEqual(['active', 'chat', 'createdAt', 'deactivatedAt', 'email', 'handle', 'name', 'role', 'version']);
    });
  });

  describe('severity policy', () => {
    it('R2: GET /severities is the default policy in force', async () => {
      const levels = await ok(t, 200, 'GET', `${API}/severities`);
      expect(levels.map((l: { id: string }) => l.id)).toEqual(['SEV1', 'SEV2', 'SEV3']);
      expect(levels[0]).toMatchObject({ id: 'SEV1', name: 'Critical', audience: 'public', roles: 'separate', postmortem: 'required', updateEveryMinutes: 30 });
      expect(levels[1]).toMatchObject({ id: 'SEV2', name: 'Major', audience: 'public', roles: 'comms-separate', postmortem: 'required', updateEveryMinutes: 60 });
      expect(levels[2]).toMatchObject({ id: 'SEV3', name: 'Minor', audience: 'internal', roles: 'combined', postmortem: 'optional', updateEvery: null });
    });
  });

  describe('health and the contract', () => {
    it('health: /healthz answers without a token and /readyz reports the store and every background worker', async () => {
      const health = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toEqual({ status: 'ok' });
      const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready', store: kind, workers: { statusPage: { ok: true }, alertInbox: { ok: true }, realtime: { ok: true }, retention: { ok: true }, drills: { ok: true } } });
    });

    it('contract: GET /api/v1/openapi.json is OpenAPI 3 and lists the contract paths, without a token', async () => {
      const res = await t.app.inject({ method: 'GET', url: `${API}/openapi.json` });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(doc.openapi).toMatch(/^3\./);
      const paths = Object.keys(doc.paths);
      for (const path of [
        '/api/v1/people',
        '/api/v1/people/{handle}/tokens',
        '/api/v1/severities',
        '/api/v1/incidents',
        '/api/v1/incidents/{id}',
        '/api/v1/incidents/{id}/severity',
        '/api/v1/incidents/{id}/roles',
        '/api/v1/incidents/{id}/roles/{role}',
        '/api/v1/incidents/{id}/handoffs/{handoffId}/accept',
        '/api/v1/incidents/{id}/handoffs/{handoffId}/decline',
        '/api/v1/incidents/{id}/smes',
        '/api/v1/incidents/{id}/smes/{handle}',
        '/api/v1/incidents/{id}/timeline',
        '/api/v1/incidents/{id}/updates',
        '/api/v1/incidents/{id}/resolve',
        '/api/v1/incidents/{id}/postmortem',
        '/api/v1/incidents/{id}/postmortem.md',
        '/api/v1/incidents/{id}/announcement.md',
      ])
        expect(paths, path).toContain(path);
      expect(Object.keys(doc.paths['/api/v1/incidents'])).toEqual(expect.arrayContaining(['get', 'post']));
      expect(doc.paths['/api/v1/incidents/{id}/postmortem'].put).toBeDefined();
      expect(doc.paths['/api/v1/incidents/{id}/roles/{role}'].delete).toBeDefined();
    });

    it('contract: an unknown path is a 404 in the error shape', async () => {
      expectError(await t.call('GET', `${API}/nothing-here`), 404, 'NOT_FOUND');
    });
  });
});

describe.each(STORE_KINDS)('a configured severity policy (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind, {
      severities: [
        { id: 'P1', name: 'Outage', impact: 'Everything is down', response: 'Everyone', updateEvery: '15m', audience: 'public', roles: 'separate', postmortem: 'required', escalateTo: ['vp-eng'] },
        { id: 'P2', name: 'Degraded', impact: 'Something is slow', response: 'On-call', audience: 'internal', roles: 'combined', postmortem: 'optional' },
      ],
    });
  });
  afterAll(() => t.close());

  it('R2: GET /severities is the configured policy, not the default', async () => {
    const levels = await ok(t, 200, 'GET', `${API}/severities`);
    expect(levels).toEqual([
      expect.objectContaining({ id: 'P1', name: 'Outage', updateEvery: '15m', updateEveryMinutes: 15, escalateTo: ['vp-eng'] }),
      expect.objectContaining({ id: 'P2', name: 'Degraded', updateEvery: null, updateEveryMinutes: null, escalateTo: [] }),
    ]);
    expectError(await t.call('POST', `${API}/incidents`, { title: 'Old names', severity: 'SEV1' }), 400, 'UNKNOWN_SEVERITY', 'severity');
    const incident = await declare(t, { title: 'New names', severity: 'P1' });
    expect(incident.nextUpdateBy).toBe('2026-06-06T14:29:00.000Z');
  });
});
