/**
 * The timeline at any moment (issue 16, item 5): GET /incidents/{id}?at= answers the incident as it
 * stood then, folded from its events — on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, UPDATE, declare, expectError, ok } from './helpers.js';

const T0 = '2026-06-06T14:14:00.000Z';
const at = (minutes: number, seconds = 0) => new Date(Date.parse(T0) + minutes * MINUTE + seconds * 1000).toISOString();
const RESOLVE = { impact: 'Checkout failed for 40 minutes.', whatWeKnow: 'A batch job exhausted the DB pool.' };

describe.each(STORE_KINDS)('the incident at any moment (%s)', (kind) => {
  let t: TestApp;
  let id: string;
  const asOf = (moment: string, as = 'admin') => ok(t, 200, 'GET', `${API}/incidents/${id}?at=${encodeURIComponent(moment)}`, undefined, as);

  beforeAll(async () => {
    t = await testApp(kind);
    for (const handle of ['alex', 'priya', 'sam', 'lee']) await t.person(handle);
    t.clock.set(T0);
    // The checkout afternoon: declared SEV2 at 14:14, SEV1 at 14:20, Comms Lead at 14:22, IC handed to lee
    // at 14:25 (accepted 14:27), identified at 14:30, resolved at 14:54, reopened at 15:00.
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2' }, 'alex');
    id = incident.id;
    t.clock.set(at(6));
    await ok(t, 200, 'POST', `${API}/incidents/${id}/severity`, { severity: 'SEV1', reason: 'Revenue stopped' }, 'alex');
    t.clock.set(at(8));
    await ok(t, 200, 'POST', `${API}/incidents/${id}/roles`, { role: 'comms_lead', person: 'priya' }, 'alex');
    t.clock.set(at(11));
    const offered = await ok(t, 202, 'POST', `${API}/incidents/${id}/roles`, { role: 'incident_commander', person: 'lee' }, 'alex');
    t.clock.set(at(13));
    await ok(t, 200, 'POST', `${API}/incidents/${id}/handoffs/${offered.pendingHandoff.id}/accept`, {}, 'lee');
    t.clock.set(at(16));
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: at(40) }, 'priya');
    t.clock.set(at(40));
    await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, RESOLVE, 'lee');
    t.clock.set(at(46));
    await ok(t, 200, 'POST', `${API}/incidents/${id}/reopen`, { reason: 'Errors are back' }, 'lee');
    t.clock.set(at(50));
  });
  afterAll(() => t.close());

  it('at the declaration: SEV2, the declarer is IC, investigating, the first update owed', async () => {
    const then = await asOf(T0);
    expect(then).toMatchObject({
      id,
      asOf: T0,
      severity: 'SEV2',
      status: 'investigating',
      state: 'open',
      roles: { incident_commander: 'alex', comms_lead: null, scribe: null },
      pendingHandoff: null,
      lastUpdate: null,
      resolvedAt: null,
      version: 1,
    });
    expect(Date.parse(then.nextUpdateBy)).toBeGreaterThan(Date.parse(T0));
  });

  it('after the severity change: SEV1, with SEV1 role gaps; a second before it, still SEV2', async () => {
    expect((await asOf(at(5, 59))).severity).toBe('SEV2');
    const sev1 = await asOf(at(7));
    expect(sev1.severity).toBe('SEV1');
    expect(sev1.roleGaps.length).toBeGreaterThan(0);
    expect(sev1.roles.comms_lead).toBeNull();
  });

  it('the IC handoff: offered but not yet accepted, the old IC holds it; accepted, the new one does', async () => {
    const offered = await asOf(at(12));
    expect(offered.roles).toEqual({ incident_commander: 'alex', comms_lead: 'priya', scribe: null });
    expect(offered.pendingHandoff).toMatchObject({ from: 'alex', to: 'lee', offeredAt: at(11) });
    const accepted = await asOf(at(13));
    expect(accepted.roles.incident_commander).toBe('lee');
    expect(accepted.pendingHandoff).toBeNull();
  });

  it('an update posted: identified, the promise it made, overdue once that promise passed unanswered', async () => {
    const identified = await asOf(at(20));
    expect(identified).toMatchObject({ status: 'identified', nextUpdateBy: at(40), overdue: false, lastUpdate: { status: 'identified', postedAt: at(16) } });
    // The update was due at 14:54 and the resolution came at that very moment: a second before, it was not yet late.
    expect((await asOf(at(39, 59))).overdue).toBe(false);
    // Before it, the first update (owed by 14:29 once SEV1) was late at 14:29:30: overdue is judged at that moment.
    expect(await asOf(at(15, 30))).toMatchObject({ nextUpdateBy: at(15), overdue: true, overdueSince: at(15), lastUpdate: null });
    expect((await asOf(at(15))).overdue).toBe(false);
  });

  it('resolved, then reopened: each moment answers its own phase', async () => {
    const resolved = await asOf(at(42));
    expect(resolved).toMatchObject({ status: 'resolved', state: 'resolved', resolvedAt: at(40), nextUpdateBy: null, postmortem: { state: 'owed' } });
    const reopened = await asOf(at(47));
    expect(reopened).toMatchObject({ status: 'identified', state: 'open', resolvedAt: null, roles: { incident_commander: 'lee', comms_lead: 'priya' } });
    expect(reopened.nextUpdateBy).not.toBeNull();
  });

  it('a time after now is taken as now: the answer is the incident as it is', async () => {
    const current = await ok(t, 200, 'GET', `${API}/incidents/${id}`);
    const later = await asOf('2030-01-01T00:00:00Z');
    expect(later.asOf).toBe(at(50));
    expect(later).toEqual({ ...current, asOf: at(50) });
  });

  it('carries no ETag (the past is no version to edit); without at, the ETag is there and asOf absent', async () => {
    const then = await t.call('GET', `${API}/incidents/${id}?at=${encodeURIComponent(at(20))}`);
    expect(then.statusCode).toBe(200);
    expect(then.headers.etag).toBeUndefined();
    const now = await t.call('GET', `${API}/incidents/${id}`);
    expect(now.headers.etag).toBe(`"${now.json().version}"`);
    expect(now.json().asOf).toBeUndefined();
  });

  it('at before the declaration, or not a time, is a 400 naming at; an offset is read as UTC', async () => {
    expectError(await t.call('GET', `${API}/incidents/${id}?at=${encodeURIComponent(at(0, -1))}`), 400, 'VALIDATION_FAILED', 'at');
    expectError(await t.call('GET', `${API}/incidents/${id}?at=yesterday`), 400, 'VALIDATION_FAILED', 'at');
    expectError(await t.call('GET', `${API}/incidents/${id}?at=2026-06-06T14:20`), 400, 'VALIDATION_FAILED', 'at');
    expectError(await t.call('GET', `${API}/incidents/${id}?when=${encodeURIComponent(T0)}`), 400, 'VALIDATION_FAILED');
    const offset = await asOf('2026-06-06T16:21:00+02:00');
    expect(offset).toMatchObject({ asOf: at(7), severity: 'SEV1' });
  });

  it('a private incident stays hidden from those not in it, at any moment', async () => {
    t.clock.set(at(60));
    const secret = await declare(t, { title: 'Payroll export leak', severity: 'SEV3', private: true }, 'alex');
    const moment = encodeURIComponent(at(60));
    expectError(await t.call('GET', `${API}/incidents/${secret.id}?at=${moment}`, undefined, { as: 'sam' }), 404, 'INCIDENT_NOT_FOUND');
    expect((await ok(t, 200, 'GET', `${API}/incidents/${secret.id}?at=${moment}`, undefined, 'alex')).title).toBe('Payroll export leak');
  });
});
