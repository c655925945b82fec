/**
 * Scheduled maintenance (issue 5, item 6): where a window stands at a time (pure), and the
 * API on both stores — schedule, change with If-Match, cancel, idempotent retries, the
 * reminders chosen, and bad input named.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, expectError, ok } from '../api/helpers.js';
import {
  componentsUnderMaintenance,
  decideCancel,
  decideChange,
  decideSchedule,
  maintenanceState,
  nextMaintenanceChange,
} from '../../src/domain/maintenance/window.js';
import { maintenanceLists, statuspageMaintenance } from '../../src/domain/maintenance/statuspage.js';
import { DomainError } from '../../src/domain/model/errors.js';

const T = '2026-06-06T14:14:00.000Z';
const H = 3_600_000;
const at = (hours: number) => new Date(Date.parse(T) + hours * H).toISOString();
const KNOWN = ['checkout', 'search', 'api'];
const schedule = (startH: number, endH: number, components = ['checkout'], id = 'mnt_0000000000000001') =>
  decideSchedule({ title: 'Database upgrade', message: 'Checkout is read-only.', components, startsAt: at(startH), endsAt: at(endH) }, { id, actor: 'priya', now: T, knownComponents: KNOWN });
const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, field: error.details?.field };
    throw error;
  }
  throw new Error('not refused');
};

describe('Maintenance windows (pure)', () => {
  it('a window is scheduled before its start, in progress until its end, then completed; cancelled whenever called off', () => {
    const w = schedule(2, 4);
    expect(maintenanceState(w, T)).toBe('scheduled');
    expect(maintenanceState(w, at(2))).toBe('in_progress');
    expect(maintenanceState(w, at(3.99))).toBe('in_progress');
    expect(maintenanceState(w, at(4))).toBe('completed');
    expect(maintenanceState(decideCancel(w, at(1)), at(3))).toBe('cancelled');
  });

  it('components are under maintenance only while a window naming them is in progress, never when cancelled', () => {
    const a = schedule(1, 3, ['checkout']);
    const b = schedule(2, 5, ['search', 'checkout'], 'mnt_0000000000000002');
    const c = decideCancel(schedule(1, 5, ['api'], 'mnt_0000000000000003'), T);
    expect(componentsUnderMaintenance([a, b, c], T)).toEqual([]);
    expect(componentsUnderMaintenance([a, b, c], at(1))).toEqual(['checkout']);
    expect(componentsUnderMaintenance([a, b, c], at(2.5))).toEqual(['checkout', 'search']);
    expect(componentsUnderMaintenance([a, b, c], at(4))).toEqual(['checkout', 'search']);
    expect(componentsUnderMaintenance([a, b, c], at(5))).toEqual([]);
  });

  it('the next change is the earliest start or end still ahead, so the page re-renders when a window begins or ends', () => {
    const windows = [schedule(1, 3), schedule(2, 5, ['search'], 'mnt_0000000000000002')];
    expect(nextMaintenanceChange(windows, T)).toBe(at(1));
    expect(nextMaintenanceChange(windows, at(1))).toBe(at(2));
    expect(nextMaintenanceChange(windows, at(3))).toBe(at(5));
    expect(nextMaintenanceChange(windows, at(5))).toBeNull();
    expect(nextMaintenanceChange([decideCancel(windows[0]!, T)], T)).toBeNull();
  });

  it('refuses a window that ends before it starts, starts in the past, lasts over 7 days, or names an unknown component', () => {
    expect(refused(() => schedule(3, 2))).toEqual({ code: 'VALIDATION_FAILED', field: 'endsAt' });
    expect(refused(() => schedule(-1, 2))).toEqual({ code: 'VALIDATION_FAILED', field: 'startsAt' });
    expect(refused(() => schedule(1, 1 + 24 * 8))).toEqual({ code: 'VALIDATION_FAILED', field: 'endsAt' });
    expect(refused(() => schedule(1, 2, ['billing']))).toEqual({ code: 'UNKNOWN_COMPONENT', field: 'components' });
  });

  it('times with an offset are stored in UTC', () => {
    const w = decideSchedule(
      { title: 't', message: 'm', components: [], startsAt: '2026-06-06T18:00:00+02:00', endsAt: '2026-06-06T19:00:00+02:00' },
      { id: 'mnt_0000000000000001', actor: 'priya', now: T, knownComponents: KNOWN },
    );
    expect([w.startsAt, w.endsAt]).toEqual(['2026-06-06T16:00:00.000Z', '2026-06-06T17:00:00.000Z']);
  });

  it('a window in progress keeps its start; ending it now is moving endsAt to now; a completed one cannot change', () => {
    const w = schedule(1, 3);
    expect(refused(() => decideChange(w, { startsAt: at(1.5) }, { now: at(2), knownComponents: KNOWN }))).toEqual({ code: 'VALIDATION_FAILED', field: 'startsAt' });
    const ended = decideChange(w, { endsAt: at(1) }, { now: at(2), knownComponents: KNOWN });
    expect(ended.endsAt).toBe(at(2));
    expect(maintenanceState(ended, at(2))).toBe('completed');
    expect(refused(() => decideChange(w, { title: 'late' }, { now: at(3), knownComponents: KNOWN }))).toEqual({ code: 'MAINTENANCE_OVER', field: undefined });
    expect(refused(() => decideCancel(w, at(3)))).toEqual({ code: 'MAINTENANCE_OVER', field: undefined });
    expect(decideChange(w, { title: 'Bigger upgrade' }, { now: T, knownComponents: KNOWN }).version).toBe(2);
  });

  it('reminders: an hour ahead unless chosen, none when none is chosen, kept one each, nearest first; changed like any field', () => {
    expect(schedule(1, 2).remindBefore).toEqual(['1h']);
    const fields = { title: 't', message: 'm', components: [], startsAt: at(80), endsAt: at(81) };
    const chosen = (remindBefore: ('1h' | '24h' | '72h')[]) => decideSchedule({ ...fields, remindBefore }, { id: 'mnt_0000000000000001', actor: 'priya', now: T, knownComponents: KNOWN }).remindBefore;
    expect(chosen([])).toEqual([]);
    expect(chosen(['72h', '1h', '72h'])).toEqual(['1h', '72h']);
    const w = schedule(1, 2);
    expect(decideChange(w, { remindBefore: ['24h'] }, { now: T, knownComponents: KNOWN })).toMatchObject({ remindBefore: ['24h'], version: 2 });
    expect(decideChange(w, { title: 'Bigger upgrade' }, { now: T, knownComponents: KNOWN }).remindBefore).toEqual(['1h']);
  });

  it('Statuspage shape: scheduled → in_progress → completed with the updates Statuspage shows, newest first; cancelled windows are not listed', () => {
    const w = schedule(1, 3);
    const context = (now: string) => ({ pageId: 'page', pageUrl: 'https://status.example.com/', now, component: (id: string) => ({ id, name: id }) });
    const before = statuspageMaintenance(w, context(T));
    expect(Object.keys(before).sort()).toEqual(
      ['components', 'created_at', 'id', 'impact', 'incident_updates', 'monitoring_at', 'name', 'page_id', 'resolved_at', 'scheduled_for', 'scheduled_until', 'shortlink', 'started_at', 'status', 'updated_at'].sort(),
    );
    expect(before).toMatchObject({ status: 'scheduled', impact: 'maintenance', scheduled_for: at(1), scheduled_until: at(3), resolved_at: null, components: [{ id: 'checkout' }] });
    expect(before.incident_updates.map((u) => u.status)).toEqual(['scheduled']);
    expect(statuspageMaintenance(w, context(at(2))).incident_updates.map((u) => u.status)).toEqual(['in_progress', 'scheduled']);
    const done = statuspageMaintenance(w, context(at(3)));
    expect([done.status, done.resolved_at, done.incident_updates.map((u) => u.status)]).toEqual(['completed', at(3), ['completed', 'in_progress', 'scheduled']]);
    const lists = maintenanceLists([w, decideCancel(schedule(2, 4, [], 'mnt_0000000000000002'), T)], T);
    expect([lists.upcoming.length, lists.active.length, lists.all.map((x) => x.id)]).toEqual([1, 0, [w.id]]);
  });
});

describe.each(STORE_KINDS)('Maintenance API (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind, { components: KNOWN.map((id) => ({ id, name: id })) });
    await t.person('rita', 'responder');
    await t.person('vic', 'viewer');
  });
  beforeEach(() => t.clock.set(T));
  afterAll(() => t.close());
  const body = { title: 'Database upgrade', message: 'Checkout is read-only for up to 30 minutes.', components: ['checkout'], startsAt: at(2), endsAt: at(3) };

  it('a responder schedules a window; it is listed with its state, which follows the clock', async () => {
    const created = await ok(t, 201, 'POST', `${API}/maintenances`, body, 'rita');
    expect(created).toMatchObject({ ...body, state: 'scheduled', version: 1, createdBy: 'rita', cancelledAt: null });
    expect(created.id).toMatch(/^mnt_[0-9a-f]{16}$/);
    t.clock.set(at(2.5));
    expect((await ok(t, 200, 'GET', `${API}/maintenances/${created.id}`, undefined, 'vic')).state).toBe('in_progress');
    const inProgress = await ok(t, 200, 'GET', `${API}/maintenances?state=in_progress`, undefined, 'vic');
    expect(inProgress.map((w: { id: string }) => w.id)).toContain(created.id);
  });

  it('viewers may not schedule; bad input is a 400 naming the field', async () => {
    expectError(await t.call('POST', `${API}/maintenances`, body, { as: 'vic' }), 403, 'FORBIDDEN');
    expectError(await t.call('POST', `${API}/maintenances`, { ...body, endsAt: at(1) }), 400, 'VALIDATION_FAILED', 'endsAt');
    expectError(await t.call('POST', `${API}/maintenances`, { ...body, startsAt: 'tomorrow' }), 400, 'VALIDATION_FAILED', 'startsAt');
    expectError(await t.call('POST', `${API}/maintenances`, { ...body, components: ['billing'] }), 400, 'UNKNOWN_COMPONENT', 'components');
    expectError(await t.call('POST', `${API}/maintenances`, { ...body, colour: 'red' }), 400, 'VALIDATION_FAILED');
    expectError(await t.call('GET', `${API}/maintenances/mnt_ffffffffffffffff`), 404, 'MAINTENANCE_NOT_FOUND');
  });

  it('a window may name a component added through the API as well as those in the configuration', async () => {
    await ok(t, 201, 'POST', `${API}/components`, { id: 'billing', name: 'Billing' });
    expect((await ok(t, 201, 'POST', `${API}/maintenances`, { ...body, components: ['billing', 'api'] }, 'rita')).components).toEqual(['billing', 'api']);
  });

  it('concurrent edits: a change with a stale If-Match is refused with 409, not silently applied', async () => {
    const created = await ok(t, 201, 'POST', `${API}/maintenances`, body, 'rita');
    const first = await ok(t, 200, 'PATCH', `${API}/maintenances/${created.id}`, { title: 'Database upgrade (extended)', endsAt: at(4) }, 'rita', { 'if-match': '"1"' });
    expect(first).toMatchObject({ version: 2, endsAt: at(4) });
    expectError(await t.call('PATCH', `${API}/maintenances/${created.id}`, { message: 'Other text' }, { as: 'admin', headers: { 'if-match': '"1"' } }), 409, 'VERSION_CONFLICT');
    expect((await ok(t, 200, 'GET', `${API}/maintenances/${created.id}`)).message).toBe(body.message);
  });

  it('reminders: an hour ahead by default, chosen on create, changed with If-Match (and retried safely), a bad value a 400 naming remindBefore', async () => {
    expect((await ok(t, 201, 'POST', `${API}/maintenances`, body, 'rita')).remindBefore).toEqual(['1h']);
    expect((await ok(t, 201, 'POST', `${API}/maintenances`, { ...body, remindBefore: [] }, 'rita')).remindBefore).toEqual([]);
    const created = await ok(t, 201, 'POST', `${API}/maintenances`, { ...body, startsAt: at(80), endsAt: at(81), remindBefore: ['72h', '1h'] }, 'rita');
    expect(created).toMatchObject({ remindBefore: ['1h', '72h'], version: 1 });

    const headers = { 'if-match': '"1"', 'idempotency-key': `remind-${created.id}` };
    const changed = await ok(t, 200, 'PATCH', `${API}/maintenances/${created.id}`, { remindBefore: ['24h', '1h'] }, 'rita', headers);
    expect(changed).toMatchObject({ remindBefore: ['1h', '24h'], version: 2 });
    const again = await t.call('PATCH', `${API}/maintenances/${created.id}`, { remindBefore: ['24h', '1h'] }, { as: 'rita', headers });
    expect([again.headers['idempotent-replayed'], again.json()]).toEqual(['true', changed]);
    expectError(await t.call('PATCH', `${API}/maintenances/${created.id}`, { remindBefore: [] }, { as: 'rita', headers: { 'if-match': '"1"' } }), 409, 'VERSION_CONFLICT');
    const read = await t.call('GET', `${API}/maintenances/${created.id}`, undefined, { as: 'vic' });
    expect([read.headers.etag, read.json().remindBefore]).toEqual(['"2"', ['1h', '24h']]);
    expect((await ok(t, 200, 'PATCH', `${API}/maintenances/${created.id}`, { remindBefore: [] }, 'rita', { 'if-match': '"2"' })).remindBefore).toEqual([]);

    const refused = async (remindBefore: unknown, field: string) =>
      expect(expectError(await t.call('POST', `${API}/maintenances`, { ...body, remindBefore }, { as: 'rita' }), 400, 'VALIDATION_FAILED', field).message).toMatch(/^remindBefore/);
    await refused(['2h'], 'remindBefore[0]');
    await refused(['1h', '1h'], 'remindBefore');
    await refused('24h', 'remindBefore');
    expectError(await t.call('PATCH', `${API}/maintenances/${created.id}`, { remindBefore: ['1d'] }, { as: 'rita' }), 400, 'VALIDATION_FAILED', 'remindBefore[0]');
    expect((await ok(t, 200, 'GET', `${API}/maintenances/${created.id}`)).remindBefore).toEqual([]);
  });

  it('the status page shows a window ahead of time, switches its components to under_maintenance during it, and drops it when cancelled', async () => {
    const json = async (path: string) => (await t.app.inject({ method: 'GET', url: path })).json();
    // Search: no other window in this suite names it.
    const search = async () => (await json('/api/v2/summary.json')).components.find((c: { id: string }) => c.id === 'search').status;
    const created = await ok(t, 201, 'POST', `${API}/maintenances`, { ...body, title: 'Payment provider switch', components: ['search'] }, 'rita');
    await t.app.statusPage.refresh();
    const ahead = (await json('/api/v2/scheduled-maintenances/upcoming.json')).scheduled_maintenances.find((m: { id: string }) => m.id === created.id);
    expect(ahead).toMatchObject({ status: 'scheduled', name: 'Payment provider switch', scheduled_for: at(2), scheduled_until: at(3) });
    expect(await search()).toBe('operational');
    expect((await t.app.inject({ method: 'GET', url: '/status' })).body).toContain('Payment provider switch');

    t.clock.set(at(2.5));
    await t.app.statusPage.refresh();
    expect(await search()).toBe('under_maintenance');
    const summary = await json('/api/v2/summary.json');
    expect(summary.scheduled_maintenances.find((m: { id: string }) => m.id === created.id).status).toBe('in_progress');
    expect((await json('/api/v2/scheduled-maintenances/active.json')).scheduled_maintenances.map((m: { id: string }) => m.id)).toContain(created.id);

    await ok(t, 200, 'POST', `${API}/maintenances/${created.id}/cancel`, undefined, 'rita');
    await t.app.statusPage.refresh();
    expect(await search()).toBe('operational');
    expect((await json('/api/v2/scheduled-maintenances.json')).scheduled_maintenances.map((m: { id: string }) => m.id)).not.toContain(created.id);
  });

  it('cancel: retried with the same Idempotency-Key it answers the same and changes nothing; a cancelled window cannot change', async () => {
    const created = await ok(t, 201, 'POST', `${API}/maintenances`, body, 'rita');
    const headers = { 'idempotency-key': `cancel-${created.id}` };
    const once = await ok(t, 200, 'POST', `${API}/maintenances/${created.id}/cancel`, undefined, 'rita', headers);
    const again = await t.call('POST', `${API}/maintenances/${created.id}/cancel`, undefined, { as: 'rita', headers });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(once);
    expect(once).toMatchObject({ state: 'cancelled', version: 2 });
    expectError(await t.call('POST', `${API}/maintenances/${created.id}/cancel`, undefined, { as: 'rita' }), 409, 'MAINTENANCE_OVER');
    expectError(await t.call('PATCH', `${API}/maintenances/${created.id}`, { title: 'x' }, { as: 'rita' }), 409, 'MAINTENANCE_OVER');
  });
});
