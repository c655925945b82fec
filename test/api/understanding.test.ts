/** Understanding evolves over HTTP: PATCH an incident, reopen it, merge one into another — on SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, UPDATE, declare, expectError, ok } from './helpers.js';
import { amAlert, webhook } from './alert-payloads.js';
import { publicGet } from '../status-page/support.js';

interface Entry {
  kind: string;
  text: string;
  at: string;
  actor: string;
}

const RESOLVE = { impact: 'Checkout failed for 20 minutes.', whatWeKnow: 'A batch job exhausted the pool.' };

describe.each(STORE_KINDS)('understanding evolves over HTTP (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind, { components: [{ id: 'checkout', name: 'Checkout' }, { id: 'payments', name: 'Payments' }] });
    await t.person('alex');
    await t.person('lee');
    await t.person('vic', 'viewer');
  });
  afterAll(() => t.close());

  const timeline = async (id: string, kind?: string): Promise<Entry[]> => ok(t, 200, 'GET', `${API}/incidents/${id}/timeline${kind ? `?kind=${kind}` : ''}`);

  it('PATCH corrects title, summary, links, components and startedAt; each change is on the timeline with who and why', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', components: ['checkout'] }, 'alex');
    t.clock.advance(MINUTE);
    const body = await ok(t, 200, 'PATCH', `${API}/incidents/${incident.id}`, {
      title: 'Checkout and payments failing',
      summary: 'A batch job holds the DB pool.',
      links: { dashboard: 'https://grafana.example.com/d/pool' },
      components: ['checkout', 'payments'],
      startedAt: '2026-06-06T14:02:00Z',
      reason: 'The batch job started at 14:02 and payments share the pool',
    }, 'lee');
    expect(body).toMatchObject({
      title: 'Checkout and payments failing',
      summary: 'A batch job holds the DB pool.',
      links: { dashboard: 'https://grafana.example.com/d/pool', statusPage: null, runbook: null },
      components: ['checkout', 'payments'],
      startedAt: '2026-06-06T14:02:00.000Z',
      channel: incident.channel,
      mergedInto: null,
      version: incident.version + 5,
    });
    const edits = await timeline(incident.id, 'edited');
    expect(edits.map((e) => [e.actor, e.text.split(':')[0]])).toEqual([
      ['lee', 'Title "Checkout errors" → "Checkout and payments failing"'],
      ['lee', 'Summary now "A batch job holds the DB pool."'],
      ['lee', 'Links'],
      ['lee', 'Affected components'],
      ['lee', 'Impact start 2026-06-06 14'],
    ]);
    expect(edits.every((e) => e.text.endsWith(': The batch job started at 14:02 and payments share the pool'))).toBe(true);
  });

  it('PATCH: bad input is a 400 naming the field; a viewer is 403; an unknown incident 404', async () => {
    const incident = await declare(t, { title: 'Search slow', severity: 'SEV3' }, 'alex');
    const patch = (body: unknown, as = 'alex') => t.call('PATCH', `${API}/incidents/${incident.id}`, body, { as });
    expectError(await patch({ title: 'x' }), 400, 'VALIDATION_FAILED', 'reason');
    expectError(await patch({ reason: 'nothing' }), 400, 'VALIDATION_FAILED', 'body');
    expectError(await patch({ startedAt: '2026-06-06T23:00:00Z', reason: 'later' }), 400, 'STARTED_AFTER_DECLARED', 'startedAt');
    expectError(await patch({ components: ['warp'], reason: 'x' }), 400, 'UNKNOWN_COMPONENT', 'components');
    expectError(await patch({ links: { dashboard: 'ftp://x' }, reason: 'x' }), 400, 'VALIDATION_FAILED');
    expectError(await patch({ colour: 'red', reason: 'x' }), 400, 'VALIDATION_FAILED');
    expectError(await patch({ title: 'y', reason: 'x' }, 'vic'), 403, 'FORBIDDEN');
    expectError(await t.call('PATCH', `${API}/incidents/INC-999`, { title: 'y', reason: 'x' }, { as: 'alex' }), 404, 'INCIDENT_NOT_FOUND');
    expect((await ok(t, 200, 'GET', `${API}/incidents/${incident.id}`)).version).toBe(incident.version);
  });

  it('PATCH refuses a concurrent edit (If-Match) and is idempotent with Idempotency-Key', async () => {
    const incident = await declare(t, { title: 'Login errors', severity: 'SEV2' }, 'alex');
    const stale = { 'if-match': `"${incident.version}"` };
    await ok(t, 200, 'PATCH', `${API}/incidents/${incident.id}`, { summary: 'First', reason: 'one' }, 'alex', stale);
    const conflict = expectError(await t.call('PATCH', `${API}/incidents/${incident.id}`, { summary: 'Second', reason: 'two' }, { as: 'lee', headers: stale }), 409, 'VERSION_CONFLICT');
    expect(conflict.details?.currentVersion).toBe(incident.version + 1);

    const key = { 'idempotency-key': 'edit-login-1' };
    const first = await ok(t, 200, 'PATCH', `${API}/incidents/${incident.id}`, { title: 'Login 500s', reason: 'precise' }, 'alex', key);
    const replay = await t.call('PATCH', `${API}/incidents/${incident.id}`, { title: 'Login 500s', reason: 'precise' }, { as: 'alex', headers: key });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first);
    expect(await timeline(incident.id, 'edited')).toHaveLength(2);
  });

  it('reopen: back to the last open status with an update owed and reminders restored; the postmortem kept; an open one is 409', async () => {
    const incident = await declare(t, { title: 'Payments timeouts', severity: 'SEV2' }, 'alex');
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, { ...UPDATE, status: 'monitoring' }, 'alex');
    expectError(await t.call('POST', `${API}/incidents/${incident.id}/reopen`, { reason: 'x' }, { as: 'alex' }), 409, 'INCIDENT_ALREADY_OPEN');
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/resolve`, RESOLVE, 'alex');
    await ok(t, 200, 'PUT', `${API}/incidents/${incident.id}/postmortem`, { owner: 'lee', scheduledFor: '2026-06-09T15:00:00Z' }, 'alex');
    t.clock.advance(10 * MINUTE);
    const now = t.clock.now().toISOString();
    expectError(await t.call('POST', `${API}/incidents/${incident.id}/reopen`, {}, { as: 'lee' }), 400, 'VALIDATION_FAILED', 'reason');
    const reopened = await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/reopen`, { reason: 'Timeouts are back' }, 'lee', { 'idempotency-key': 'reopen-1' });
    expect(reopened).toMatchObject({
      state: 'open',
      status: 'monitoring',
      resolvedAt: null,
      nextUpdateBy: new Date(Date.parse(now) + 15 * MINUTE).toISOString(),
      postmortem: { state: 'assigned', owner: 'lee' },
      roles: { incident_commander: 'alex' },
    });
    const replay = await t.call('POST', `${API}/incidents/${incident.id}/reopen`, { reason: 'Timeouts are back' }, { as: 'lee', headers: { 'idempotency-key': 'reopen-1' } });
    expect(replay.json()).toEqual(reopened);
    expect((await timeline(incident.id, 'reopened')).map((e) => [e.actor, e.text])).toEqual([['lee', 'Reopened, back to Monitoring: Timeouts are back']]);
    // R8 again: the promise is overdue when it passes, and the incident is listed as such.
    t.clock.advance(16 * MINUTE);
    const overdue = (await ok(t, 200, 'GET', `${API}/incidents?overdue=true`)) as { id: string }[];
    expect(overdue.map((i) => i.id)).toContain(incident.id);
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/resolve`, RESOLVE, 'alex');
  });

  it('merge: entries and alerts carried over, the merged one closed with a pointer, its status page entry leads to the other', async () => {
    const key = (await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'prometheus', type: 'alertmanager' })).key;
    const gk = '{}:{alertname="PoolExhausted"}';
    await t.app.inject({ method: 'POST', url: `${API}/alerts/alertmanager`, headers: { authorization: `Bearer ${key}` }, payload: webhook([amAlert('db-1:9090', { alertname: 'PoolExhausted' })], { groupKey: gk }) as object });
    await t.app.alertInbox.idle();
    const group = (await ok(t, 200, 'GET', `${API}/alerts`)).find((g: { groupKey: string }) => g.groupKey === gk);
    const duplicate = await ok(t, 201, 'POST', `${API}/alerts/${group.id}/declare`, { severity: 'SEV2', title: 'DB pool exhausted' }, 'alex');
    const main = await declare(t, { title: 'Checkout down', severity: 'SEV1' }, 'lee');
    await ok(t, 201, 'POST', `${API}/incidents/${duplicate.id}/timeline`, { kind: 'hypothesis', text: 'The nightly batch job' }, 'lee');
    expect((await publicGet(t, `/status/incidents/${duplicate.id}`)).statusCode).toBe(200);

    const merge = (body: unknown, as = 'alex', id = duplicate.id) => t.call('POST', `${API}/incidents/${id}/merge`, body, { as });
    expectError(await merge({ into: duplicate.id }), 400, 'MERGE_INTO_SELF', 'into');
    expectError(await merge({ into: 'INC-999' }), 404, 'INCIDENT_NOT_FOUND', 'into');
    expectError(await merge({ into: 'nine' }), 400, 'VALIDATION_FAILED', 'into');
    expectError(await merge({ into: main.id }, 'lee'), 403, 'ONLY_COMMANDER');
    expectError(await merge({ into: main.id }, 'vic'), 403, 'FORBIDDEN');
    const resolved = await declare(t, { title: 'Old', severity: 'SEV3' }, 'alex');
    await ok(t, 200, 'POST', `${API}/incidents/${resolved.id}/resolve`, RESOLVE, 'alex');
    expectError(await merge({ into: resolved.id }), 409, 'MERGE_TARGET_NOT_OPEN', 'into');
    expectError(await merge({ into: main.id }, 'alex', resolved.id), 409, 'INCIDENT_NOT_OPEN');

    t.clock.advance(MINUTE);
    const merged = await ok(t, 200, 'POST', `${API}/incidents/${duplicate.id}/merge`, { into: String(main.number), reason: 'One failure' }, 'alex', { 'idempotency-key': 'merge-1' });
    expect(merged).toMatchObject({ state: 'closed', mergedInto: main.id, nextUpdateBy: null, postmortem: { state: 'not_required' } });
    const replay = await t.call('POST', `${API}/incidents/${duplicate.id}/merge`, { into: String(main.number), reason: 'One failure' }, { as: 'alex', headers: { 'idempotency-key': 'merge-1' } });
    expect(replay.json()).toEqual(merged);
    expectError(await merge({ into: main.id }), 409, 'INCIDENT_MERGED');
    expectError(await t.call('POST', `${API}/incidents/${duplicate.id}/reopen`, { reason: 'x' }, { as: 'alex' }), 409, 'INCIDENT_MERGED');

    const carried = await timeline(main.id);
    expect(carried.find((e) => e.kind === 'merged_in')?.text).toBe(`${duplicate.id} (DB pool exhausted) merged into this incident: 2 entries and alert group ${group.id} carried over. One failure.`);
    expect(carried.filter((e) => e.kind === 'hypothesis').map((e) => e.text)).toEqual([`${duplicate.id} · @lee: The nightly batch job`]);
    expect(carried.filter((e) => e.kind === 'observation').map((e) => e.text)).toEqual([expect.stringContaining('Alert firing: PoolExhausted')]);
    expect((await timeline(duplicate.id, 'merged'))[0]?.text).toBe(`Merged into ${main.id}; followed there from now on. One failure.`);
    expect((await ok(t, 200, 'GET', `${API}/alerts/${group.id}`)).incident).toBe(main.id);

    const page = await publicGet(t, `/status/incidents/${duplicate.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<meta http-equiv="refresh" content="0; url=/status/incidents/${main.id}">`);
    const incidents = (await publicGet(t, '/api/v2/incidents.json')).json().incidents as { name: string }[];
    expect(incidents.map((i) => i.name)).not.toContain('DB pool exhausted');
  });
});
