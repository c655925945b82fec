/**
 * `/metrics` reads every queue's depth and the age of its oldest item at scrape time. In
 * process, without the notification worker, nothing drains the outbox: what is queued stays,
 * and the test clock says exactly how old it is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { UPDATE } from '../api/helpers.js';
import { parseExposition, value } from './exposition.js';

const QUEUES = ['notification_outbox', 'webhook_deliveries', 'email_deliveries', 'reminders_due', 'alert_inbox', 'chat_outbox', 'chat_deliveries', 'chat_inbox'];

describe.each(STORE_KINDS)('/metrics: queue depth and age (%s)', (kind) => {
  let t: TestApp;
  afterEach(async () => t?.close());

  const scrape = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(res.body);
  };

  it('reports every queue, empty ones at depth 0 and age 0', async () => {
    t = await testApp(kind);
    const samples = await scrape();
    for (const queue of QUEUES) {
      expect(value(samples, 'incident_queue_depth', { queue }), queue).toBe(0);
      expect(value(samples, 'incident_queue_oldest_age_seconds', { queue }), queue).toBe(0);
    }
    expect(value(samples, 'incident_queue_stats_up')).toBe(1);
    for (const channel of ['webhook', 'email', 'chat']) expect(value(samples, 'incident_deliveries_failed', { channel })).toBe(0);
  });

  it('counts what waits and how long the oldest has waited; reminders count from when they fell due', async () => {
    t = await testApp(kind);
    const declared = await t.call('POST', '/api/v1/incidents', { title: 'Checkout errors', severity: 'SEV2' });
    expect(declared.statusCode).toBe(201);
    const { id } = declared.json() as { id: string };
    const promisedBy = new Date(t.clock.now().getTime() + 10 * 60_000).toISOString();
    t.clock.advance(30_000);
    expect((await t.call('POST', `/api/v1/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: promisedBy })).statusCode).toBe(201);

    t.clock.advance(60_000);
    let samples = await scrape();
    const outboxed = value(samples, 'incident_queue_depth', { queue: 'notification_outbox' });
    expect(outboxed).toBeGreaterThanOrEqual(2);
    // The declaration, 90 s ago, is the oldest.
    expect(value(samples, 'incident_queue_oldest_age_seconds', { queue: 'notification_outbox' })).toBe(90);
    expect(value(samples, 'incident_queue_depth', { queue: 'reminders_due' })).toBe(0);

    // Twelve minutes on, the promise of an update is two minutes overdue and nothing fired it.
    t.clock.advance(11 * 60_000 - 90_000 + 60_000);
    samples = await scrape();
    expect(value(samples, 'incident_queue_depth', { queue: 'reminders_due' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'incident_queue_oldest_age_seconds', { queue: 'reminders_due' })).toBeGreaterThanOrEqual(120);
    expect(value(samples, 'incident_queue_oldest_age_seconds', { queue: 'notification_outbox' })).toBe(12 * 60);
    expect(value(samples, 'incident_queue_depth', { queue: 'notification_outbox' })).toBe(outboxed);
  });

  it('tells when alert intake last found nothing more to apply', async () => {
    t = await testApp(kind);
    const { key } = (await t.call('POST', '/api/v1/alert-sources', { name: 'prom', type: 'alertmanager' })).json() as { key: string };
    const deliver = async () => {
      const alert = { status: 'firing', labels: { alertname: 'Disk', instance: 'a1' }, annotations: {}, startsAt: '2026-06-06T14:00:00Z' };
      const body = { receiver: 'ic', status: 'firing', groupKey: 'A', alerts: [alert] };
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/alertmanager', headers: { authorization: `Bearer ${key}` }, payload: body });
      expect(res.statusCode).toBe(200);
      await t.app.alertInbox.idle();
    };
    await deliver();
    expect(value(await scrape(), 'incident_alert_inbox_drained_timestamp_seconds')).toBe(t.clock.now().getTime() / 1000);
    t.clock.advance(90_500);
    expect(value(await scrape(), 'incident_alert_inbox_drained_timestamp_seconds')).toBe(t.clock.now().getTime() / 1000 - 90.5);
    await deliver();
    expect(value(await scrape(), 'incident_alert_inbox_drained_timestamp_seconds')).toBe(t.clock.now().getTime() / 1000);
  });

  it('labels requests by route pattern and status class, never by the URL as sent', async () => {
    t = await testApp(kind);
    const { id } = (await t.call('POST', '/api/v1/incidents', { title: 'Checkout errors', severity: 'SEV2' })).json() as { id: string };
    for (let i = 0; i < 3; i++) expect((await t.call('GET', `/api/v1/incidents/${id}`)).statusCode).toBe(200);
    expect((await t.call('GET', '/api/v1/incidents/INC-999')).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/no/such/page/secret-looking-path' })).statusCode).toBe(404);
    const samples = await scrape();
    const count = (route: string, status_class: string) => value(samples, 'incident_http_requests_total', { method: 'GET', route, status_class });
    expect(count('/api/v1/incidents/:id', '2xx')).toBe(3);
    expect(count('/api/v1/incidents/:id', '4xx')).toBe(1);
    expect(count('(unmatched)', '4xx')).toBe(1);
    expect(value(samples, 'incident_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/incidents/:id', status_class: '2xx' })).toBe(3);
    expect(value(samples, 'incident_http_requests_total', { method: 'POST', route: '/api/v1/incidents', status_class: '2xx' })).toBe(1);
    const routes = samples.filter((s) => s.name === 'incident_http_requests_total').map((s) => s.labels.route!);
    expect(routes.filter((r) => r.includes('INC-') || r.includes('secret'))).toEqual([]);
  });
});
