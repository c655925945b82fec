import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, expectError, ok } from './helpers.js';
import { amAlert, webhook } from './alert-payloads.js';

interface Entry {
  kind: string;
  text: string;
  at: string;
  actor: string;
}

describe.each(STORE_KINDS)('acknowledge, declare, dismiss (%s)', (kind) => {
  let t: TestApp;
  let key: string;
  const post = async (body: unknown) => {
    const res = await t.app.inject({ method: 'POST', url: `${API}/alerts/alertmanager`, headers: { authorization: `Bearer ${key}` }, payload: body as object });
    // Answered once stored; processed right after, in the background.
    await t.app.alertInbox.idle();
    return res;
  };
  const groupOf = async (groupKey: string) => {
    for (const state of ['open', 'acknowledged', 'resolved', 'dismissed']) {
      const found = (await ok(t, 200, 'GET', `${API}/alerts?state=${state}`)).find((g: { groupKey: string }) => g.groupKey === groupKey);
      if (found) return found;
    }
    throw new Error(`no group ${groupKey}`);
  };

  beforeAll(async () => {
    t = await testApp(kind);
    await t.person('alex');
    await t.person('vic', 'viewer');
    key = (await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'prometheus-prod', type: 'alertmanager' })).key;
  });
  afterAll(() => t.close());

  it('ack → declare → resolve, and what fires again goes onto the open incident, not a new page', async () => {
    const gk = '{}:{alertname="HighErrorRate"}';
    await post(webhook([amAlert('checkout-1:9090'), amAlert('checkout-2:9090')], { groupKey: gk }));
    const { id } = await groupOf(gk);

    // Viewers see the page but cannot act on it.
    expect(await ok(t, 200, 'GET', `${API}/alerts`, undefined, 'vic')).toHaveLength(1);
    for (const action of ['ack', 'declare', 'dismiss'])
      expectError(await t.call('POST', `${API}/alerts/${id}/${action}`, action === 'dismiss' ? { reason: 'x' } : {}, { as: 'vic' }), 403, 'FORBIDDEN');

    t.clock.advance(3 * MINUTE);
    const acked = await ok(t, 200, 'POST', `${API}/alerts/${id}/ack`, {}, 'alex', { 'idempotency-key': 'ack-1' });
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'alex', acknowledgedAt: '2026-06-06T14:17:00.000Z', secondsToAcknowledge: 180 });
    const replay = await t.call('POST', `${API}/alerts/${id}/ack`, {}, { as: 'alex', headers: { 'idempotency-key': 'ack-1' } });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(acked);
    const again = expectError(await t.call('POST', `${API}/alerts/${id}/ack`, {}), 409, 'ALERT_GROUP_ACKNOWLEDGED');
    expect(again.message).toContain('alex');

    t.clock.advance(MINUTE);
    const incident = await ok(t, 201, 'POST', `${API}/alerts/${id}/declare`, {}, 'alex');
    expect(incident).toMatchObject({
      id: 'INC-1',
      title: 'HighErrorRate on checkout',
      severity: 'SEV1',
      startedAt: '2026-06-06T14:02:11.481Z',
      declaredAt: '2026-06-06T14:18:00.000Z',
      components: ['checkout', 'checkout-api'],
      roles: { incident_commander: 'alex' },
    });
    expect(await groupOf(gk)).toMatchObject({ state: 'acknowledged', incident: 'INC-1', acknowledgedBy: 'alex' });
    expectError(await t.call('POST', `${API}/alerts/${id}/declare`, {}), 409, 'ALERT_GROUP_DECLARED');
    expectError(await t.call('POST', `${API}/alerts/${id}/dismiss`, { reason: 'noise' }), 409, 'ALERT_GROUP_DECLARED');

    let timeline: Entry[] = await ok(t, 200, 'GET', `${API}/incidents/INC-1/timeline`);
    expect(timeline.map((e) => [e.kind, e.actor, e.at])).toEqual([
      ['observation', 'alerts:prometheus-prod', '2026-06-06T14:02:11.481Z'],
      ['observation', 'alerts:prometheus-prod', '2026-06-06T14:02:11.481Z'],
      ['declared', 'alex', '2026-06-06T14:18:00.000Z'],
    ]);
    expect(timeline[0]!.text).toMatch(/^Alert firing: HighErrorRate\{instance="checkout-1:9090", .*severity critical — 5xx rate above 5% on checkout-1:9090 — http/);

    // A new alert and a repeat: the new one is news for the incident's timeline; the group is not paged again.
    t.clock.advance(MINUTE);
    await post(webhook([amAlert('checkout-1:9090'), amAlert('checkout-2:9090'), amAlert('checkout-3:9090')], { groupKey: gk }));
    expect(await ok(t, 200, 'GET', `${API}/alerts`)).toEqual([]);
    expect(await groupOf(gk)).toMatchObject({ state: 'acknowledged', counts: { alerts: 3, firing: 3 } });
    timeline = await ok(t, 200, 'GET', `${API}/incidents/INC-1/timeline?kind=observation`);
    expect(timeline).toHaveLength(3);
    expect(timeline[2]).toMatchObject({ actor: 'alerts:prometheus-prod', at: '2026-06-06T14:02:11.481Z' });
    expect(timeline[2]!.text).toContain('checkout-3:9090');

    // All clear: the group resolves and the incident hears of it.
    t.clock.advance(MINUTE);
    await post(webhook(['checkout-1:9090', 'checkout-2:9090', 'checkout-3:9090'].map((i) => amAlert(i, { status: 'resolved' })), { groupKey: gk }));
    expect(await groupOf(gk)).toMatchObject({ state: 'resolved', incident: 'INC-1' });
    timeline = await ok(t, 200, 'GET', `${API}/incidents/INC-1/timeline?kind=observation`);
    expect(timeline.filter((e) => e.text.startsWith('Alert resolved'))).toHaveLength(3);

    // Firing again while the incident is still open: back to the incident, not a page.
    await post(webhook([amAlert('checkout-1:9090')], { groupKey: gk }));
    expect(await groupOf(gk)).toMatchObject({ state: 'acknowledged', incident: 'INC-1' });
    await post(webhook([amAlert('checkout-1:9090', { status: 'resolved' })], { groupKey: gk }));

    await ok(t, 200, 'POST', `${API}/incidents/INC-1/resolve`, { impact: 'Checkout errors for 15 minutes.', whatWeKnow: 'Bad deploy.' }, 'alex');
    // After the incident: a new episode pages again.
    t.clock.advance(MINUTE);
    await post(webhook([amAlert('checkout-2:9090')], { groupKey: gk }));
    expect(await groupOf(gk)).toMatchObject({ state: 'open', incident: null, acknowledgedBy: null, secondsToAcknowledge: null });
  });

  it('declare takes a severity, title and components; an unknown severity changes nothing', async () => {
    const gk = '{}:{alertname="QueueBacklog"}';
    await post(webhook([amAlert('worker-1', { alertname: 'QueueBacklog', severity: 'info', service: 'jobs' })], { groupKey: gk, alertname: 'QueueBacklog' }));
    const { id, suggestedSeverity } = await groupOf(gk);
    expect(suggestedSeverity).toBe('SEV3');
    expectError(await t.call('POST', `${API}/alerts/${id}/declare`, { severity: 'SEV9' }), 400, 'UNKNOWN_SEVERITY');
    expect(await groupOf(gk)).toMatchObject({ state: 'open', incident: null });
    const incident = await ok(t, 201, 'POST', `${API}/alerts/${id}/declare`, { severity: 'SEV2', title: 'Job queue stuck', components: ['jobs'] });
    expect(incident).toMatchObject({ title: 'Job queue stuck', severity: 'SEV2', components: ['jobs'] });
    // Not acknowledged before: declaring is the acknowledgement.
    expect(await groupOf(gk)).toMatchObject({ acknowledgedBy: 'admin', incident: incident.id });
  });

  it('dismiss takes a reason; repeats keep it dismissed; a new alert reopens it', async () => {
    const gk = '{}:{alertname="CertExpiring"}';
    const cert = (i: string) => amAlert(i, { alertname: 'CertExpiring', severity: 'warning', service: 'edge' });
    await post(webhook([cert('lb-1')], { groupKey: gk, alertname: 'CertExpiring' }));
    const { id } = await groupOf(gk);
    expectError(await t.call('POST', `${API}/alerts/${id}/dismiss`, {}), 400, 'VALIDATION_FAILED', 'reason');
    expectError(await t.call('POST', `${API}/alerts/${id}/dismiss`, { reason: '   ' }), 400, 'VALIDATION_FAILED', 'reason');
    const dismissed = await ok(t, 200, 'POST', `${API}/alerts/${id}/dismiss`, { reason: 'Renewal already scheduled' }, 'alex');
    expect(dismissed).toMatchObject({ state: 'dismissed', dismissedReason: 'Renewal already scheduled', dismissedBy: 'alex', acknowledgedBy: 'alex' });
    expectError(await t.call('POST', `${API}/alerts/${id}/ack`, {}), 409, 'ALERT_GROUP_NOT_OPEN');
    expectError(await t.call('POST', `${API}/alerts/${id}/dismiss`, { reason: 'again' }), 409, 'ALERT_GROUP_NOT_OPEN');

    await post(webhook([cert('lb-1')], { groupKey: gk, alertname: 'CertExpiring' }));
    expect(await groupOf(gk)).toMatchObject({ state: 'dismissed' });
    await post(webhook([cert('lb-1'), cert('lb-2')], { groupKey: gk, alertname: 'CertExpiring' }));
    expect(await groupOf(gk)).toMatchObject({ state: 'open', dismissedReason: null });
  });

  it('an unknown group is 404', async () => {
    expectError(await t.call('GET', `${API}/alerts/99999`), 404, 'ALERT_GROUP_NOT_FOUND');
    expectError(await t.call('POST', `${API}/alerts/99999/ack`, {}), 404, 'ALERT_GROUP_NOT_FOUND');
    expectError(await t.call('GET', `${API}/alerts/abc`), 400, 'VALIDATION_FAILED');
  });
});
