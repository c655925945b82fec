import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, declare, expectError, ok } from './helpers.js';

describe.each(STORE_KINDS)('edges of the roles and the lifecycle (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
    await t.person('alex');
    await t.person('priya');
    await t.person('vera', 'viewer');
  });
  afterAll(() => t.close());

  it('R3/R4: a viewer cannot be named IC, Comms Lead or Scribe (they could never act)', async () => {
    expectError(await t.call('POST', `${API}/incidents`, { title: 'Search slow', severity: 'SEV3', commander: 'vera' }), 400, 'PERSON_CANNOT_RESPOND', 'commander');
    const incident = await declare(t, { title: 'Search slow', severity: 'SEV3' }, 'alex');
    for (const role of ['incident_commander', 'comms_lead', 'scribe'])
      expectError(await t.call('POST', `${API}/incidents/${incident.id}/roles`, { role, person: 'vera' }, { as: 'alex' }), 400, 'PERSON_CANNOT_RESPOND', 'person');
    const after = await ok(t, 200, 'GET', `${API}/incidents/${incident.id}`);
    expect(after.version).toBe(incident.version);
  });

  it('R3/R11: an IC offer still open at resolution lapses, on the timeline', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV3' }, 'alex');
    const offered = await ok(t, 202, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'incident_commander', person: 'priya' }, 'alex');
    const resolved = await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/resolve`, { impact: 'Brief.', whatWeKnow: 'A blip.' }, 'alex');
    expect(resolved.pendingHandoff).toBeNull();
    expect(resolved.roles.incident_commander).toBe('alex');
    const lapsed = await ok(t, 200, 'GET', `${API}/incidents/${incident.id}/timeline?kind=role_offer_lapsed`);
    expect(lapsed.map((e: { text: string }) => e.text)).toEqual(['The offer of Incident Commander to @priya lapsed: the incident resolved first.']);
    expectError(await t.call('POST', `${API}/incidents/${incident.id}/handoffs/${offered.pendingHandoff.id}/accept`, undefined, { as: 'priya' }), 409, 'INCIDENT_NOT_OPEN');
  });

  it('R11: a postmortem dated in the past is recorded, with a warning', async () => {
    const incident = await declare(t, { title: 'Login errors', severity: 'SEV2' }, 'alex');
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/resolve`, { impact: 'Logins failed.', whatWeKnow: 'Expired cert.' }, 'alex');
    const assigned = await ok(t, 200, 'PUT', `${API}/incidents/${incident.id}/postmortem`, { owner: 'alex', scheduledFor: '2026-06-01T10:00:00Z' });
    expect(assigned.postmortem).toMatchObject({ state: 'assigned', owner: 'alex', scheduledFor: '2026-06-01T10:00:00.000Z' });
    expect(assigned.warnings.map((w: { code: string }) => w.code)).toContain('POSTMORTEM_IN_PAST');
  });

  it('bad input: a body nested deeper than the stack on a route without a body schema is a 400, not a 500', async () => {
    const incident = await declare(t, { title: 'Deep', severity: 'SEV3' }, 'alex');
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const res = await t.app.inject({
      method: 'DELETE',
      url: `${API}/incidents/${incident.id}/roles/scribe`,
      headers: { authorization: `Bearer ${t.tokens.get('alex')}`, 'content-type': 'application/json', 'idempotency-key': 'deep-1' },
      payload: deep,
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.json().error.code).toBeTypeOf('string');
  });
});
