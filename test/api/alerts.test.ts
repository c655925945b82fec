import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, expectError, ok } from './helpers.js';
import { amAlert, trigger, webhook, type AmAlert } from './alert-payloads.js';
import { bodyDigest } from '../../src/domain/alerts/digest.js';

/** Posts as an alert sender: with a source key, not a person's token. */
async function send(t: TestApp, url: string, body: unknown, key?: string, headers: Record<string, string> = {}) {
  const res = await t.app.inject({
    method: 'POST',
    url: `${API}${url}`,
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { authorization: `Bearer ${key}` }), ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  // Webhook deliveries are answered once stored and processed right after, in the background.
  await t.app.alertInbox.idle();
  return res;
}

async function source(t: TestApp, name: string, type: 'alertmanager' | 'events'): Promise<string> {
  return (await ok(t, 201, 'POST', `${API}/alert-sources`, { name, type })).key;
}

async function groups(t: TestApp, state = 'open') {
  return ok(t, 200, 'GET', `${API}/alerts?state=${state}`);
}

async function stored(t: TestApp) {
  const all = [];
  for (const state of ['open', 'acknowledged', 'resolved', 'dismissed']) all.push(...(await groups(t, state)));
  return { groups: all, inbox: await t.store.alertInbox.pending(0, 1000, 1000) };
}

describe.each(STORE_KINDS)('alert sources (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
    await t.person('alex');
    await t.person('vic', 'viewer');
  });
  afterAll(() => t.close());

  it('an admin adds a source; its key is shown once, and a replay withholds it', async () => {
    const res = await t.call('POST', `${API}/alert-sources`, { name: 'prometheus-prod', type: 'alertmanager' }, { headers: { 'idempotency-key': 'src-1' } });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ name: 'prometheus-prod', type: 'alertmanager', createdBy: 'admin' });
    expect(created.key).toMatch(/^ics_[A-Za-z0-9_-]{43}$/);
    const replay = await t.call('POST', `${API}/alert-sources`, { name: 'prometheus-prod', type: 'alertmanager' }, { headers: { 'idempotency-key': 'src-1' } });
    expect(replay.json()).toEqual({ ...created, key: null });
    const list = await ok(t, 200, 'GET', `${API}/alert-sources`, undefined, 'vic');
    expect(list).toEqual([{ id: created.id, name: 'prometheus-prod', type: 'alertmanager', createdBy: 'admin', createdAt: created.createdAt }]);
  });

  it('only admins add sources; names are unique; the type is alertmanager or events', async () => {
    expectError(await t.call('POST', `${API}/alert-sources`, { name: 'mine', type: 'events' }, { as: 'alex' }), 403, 'FORBIDDEN');
    await source(t, 'datadog', 'events');
    expectError(await t.call('POST', `${API}/alert-sources`, { name: 'datadog', type: 'events' }), 409, 'ALERT_SOURCE_EXISTS', 'name');
    expectError(await t.call('POST', `${API}/alert-sources`, { name: 'x', type: 'nagios' }), 400, 'VALIDATION_FAILED', 'type');
  });
});

describe.each(STORE_KINDS)('Alertmanager webhook intake (%s)', (kind) => {
  let t: TestApp;
  let key: string;
  let eventsKey: string;
  beforeAll(async () => {
    t = await testApp(kind);
    key = await source(t, 'prometheus-prod', 'alertmanager');
    eventsKey = await source(t, 'pd-compat', 'events');
  });
  afterAll(() => t.close());

  it('a missing, wrong or other-type key is refused with 401 and nothing is stored', async () => {
    const body = webhook([amAlert('checkout-1:9090')]);
    expectError(await send(t, '/alerts/alertmanager', body), 401, 'UNAUTHENTICATED', 'authorization');
    expectError(await send(t, '/alerts/alertmanager', body, 'ics_not-a-key'), 401, 'UNAUTHENTICATED');
    expectError(await send(t, '/alerts/alertmanager', body, eventsKey), 401, 'UNAUTHENTICATED');
    expectError(await send(t, '/alerts/alertmanager', body, 'ic_test_admin_token_0123456789abcdef'), 401, 'UNAUTHENTICATED');
    expect(await stored(t)).toEqual({ groups: [], inbox: [] });
  });

  it('firing alerts make one group, assessed from their labels', async () => {
    const body = webhook([amAlert('checkout-1:9090'), amAlert('checkout-2:9090'), amAlert('checkout-3:9090', { severity: 'warning' })]);
    const res = await send(t, '/alerts/alertmanager', body, key);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ status: 'success' });
    const [group, ...others] = await groups(t);
    expect(others).toEqual([]);
    expect(group).toMatchObject({
      source: { name: 'prometheus-prod', type: 'alertmanager' },
      groupKey: '{}/{severity="critical"}:{alertname="HighErrorRate"}',
      state: 'open',
      title: 'HighErrorRate on checkout',
      severity: 'critical',
      suggestedSeverity: 'SEV1',
      suggestedComponents: ['checkout', 'checkout-api'],
      counts: { alerts: 3, firing: 3, resolved: 0, received: 1 },
      truncatedAlerts: 0,
      firstSeenAt: '2026-06-06T14:14:00.000Z',
      lastSeenAt: '2026-06-06T14:14:00.000Z',
      commonLabels: { alertname: 'HighErrorRate', job: 'checkout-api', service: 'checkout' },
      differingLabels: { instance: ['checkout-1:9090', 'checkout-2:9090', 'checkout-3:9090'], severity: ['critical', 'warning'] },
      acknowledgedBy: null,
      acknowledgedAt: null,
      secondsToAcknowledge: null,
      incident: null,
      dismissedReason: null,
    });
    const detail = await ok(t, 200, 'GET', `${API}/alerts/${group.id}`);
    expect(detail.alerts).toHaveLength(3);
    expect(detail.alerts[0]).toMatchObject({
      status: 'firing',
      severity: 'critical',
      summary: '5xx rate above 5% on checkout-1:9090',
      startsAt: '2026-06-06T14:02:11.481Z',
      endsAt: null,
      received: 1,
    });
    expect(detail.alerts[0].generatorURL).toMatch(/^http:\/\/prometheus:9090\/graph/);
  });

  it('a re-sent snapshot is a repeat: no new alert or group, only seen once more', async () => {
    t.clock.advance(5 * 60_000);
    const body = webhook([amAlert('checkout-1:9090'), amAlert('checkout-2:9090'), amAlert('checkout-3:9090', { severity: 'warning' })]);
    expect((await send(t, '/alerts/alertmanager', body, key)).statusCode).toBe(200);
    const [group] = await groups(t);
    expect(group.counts).toEqual({ alerts: 3, firing: 3, resolved: 0, received: 2 });
    expect(group.lastSeenAt).toBe('2026-06-06T14:19:00.000Z');
    const detail = await ok(t, 200, 'GET', `${API}/alerts/${group.id}`);
    expect(detail.alerts.map((a: { received: number }) => a.received)).toEqual([2, 2, 2]);
  });

  it('one body may mix firing and resolved alerts; all resolved resolves the group; firing again reopens it', async () => {
    const mixed = webhook([amAlert('checkout-1:9090', { status: 'resolved' }), amAlert('checkout-2:9090'), amAlert('checkout-3:9090', { severity: 'warning' })]);
    await send(t, '/alerts/alertmanager', mixed, key);
    let [group] = await groups(t);
    expect(group.counts).toMatchObject({ alerts: 3, firing: 2, resolved: 1 });
    const detail = await ok(t, 200, 'GET', `${API}/alerts/${group.id}`);
    expect(detail.alerts.at(-1)).toMatchObject({ status: 'resolved', endsAt: '2026-06-06T14:12:41.481Z' });

    const resolved = webhook(['checkout-1:9090', 'checkout-2:9090', 'checkout-3:9090'].map((i) => amAlert(i, { status: 'resolved' })));
    await send(t, '/alerts/alertmanager', resolved, key);
    expect(await groups(t)).toEqual([]);
    [group] = await groups(t, 'resolved');
    expect(group).toMatchObject({ state: 'resolved', counts: { alerts: 3, firing: 0, resolved: 3 } });

    t.clock.advance(60_000);
    await send(t, '/alerts/alertmanager', webhook([amAlert('checkout-2:9090')]), key);
    [group] = await groups(t);
    expect(group).toMatchObject({ state: 'open', counts: { alerts: 3, firing: 1, resolved: 2 } });
  });

  it('alerts group by groupKey; truncatedAlerts is kept; without a fingerprint the label set identifies the alert', async () => {
    const key2 = '{}/{severity="warning"}:{alertname="DiskFilling"}';
    const disk = (instance: string) => amAlert(instance, { alertname: 'DiskFilling', severity: 'warning', service: 'storage', fingerprint: null });
    await send(t, '/alerts/alertmanager', webhook([disk('db-1'), disk('db-2')], { groupKey: key2, alertname: 'DiskFilling', truncatedAlerts: 7 }), key);
    await send(t, '/alerts/alertmanager', webhook([disk('db-2'), disk('db-1')], { groupKey: key2, alertname: 'DiskFilling', truncatedAlerts: 7 }), key);
    const all = await groups(t);
    expect(all).toHaveLength(2);
    const diskGroup = all.find((g: { groupKey: string }) => g.groupKey === key2);
    expect(diskGroup).toMatchObject({
      title: 'DiskFilling on storage',
      severity: 'warning',
      suggestedSeverity: 'SEV2',
      counts: { alerts: 2, firing: 2, resolved: 0, received: 2 },
      truncatedAlerts: 7,
    });
  });

  it('never 4xx a parseable body: odd but valid JSON is answered 200; unparseable JSON is 400', async () => {
    for (const body of ['[]', '{}', '{"alerts":"nope"}', '{"alerts":[null, 3, {"labels": 7}]}', 'null'])
      expect((await send(t, '/alerts/alertmanager', body, key)).statusCode, body).toBe(200);
    expectError(await send(t, '/alerts/alertmanager', '{"alerts": [', key), 400, 'VALIDATION_FAILED', '(body)');
    // A large body is answered before it is read; if it turns out not to be JSON, it is dropped.
    const before = await stored(t);
    expect((await send(t, '/alerts/alertmanager', `{"alerts": [${' '.repeat(300 * 1024)}`, key)).statusCode).toBe(200);
    await t.app.alertInbox.idle();
    expect(await stored(t)).toEqual(before);
    // Any Content-Type: Alertmanager sends JSON, other senders are not always careful.
    expect((await send(t, '/alerts/alertmanager', '{}', key, { 'content-type': 'text/plain' })).statusCode).toBe(200);
  });

  it('accepts bodies up to 16 MiB and refuses larger ones with 413', async () => {
    const padded = (size: number) => {
      const body = webhook([amAlert('big-1')]);
      const base = JSON.stringify({ ...body, padding: '' }).length;
      return JSON.stringify({ ...body, padding: 'x'.repeat(size - base) });
    };
    const fits = padded(16 * 1024 * 1024);
    expect(fits.length).toBe(16 * 1024 * 1024);
    expect((await send(t, '/alerts/alertmanager', fits, key)).statusCode).toBe(200);
    expectError(await send(t, '/alerts/alertmanager', padded(16 * 1024 * 1024 + 1), key), 413, 'PAYLOAD_TOO_LARGE');
    // Every other endpoint keeps the small limit.
    expectError(await t.call('POST', `${API}/incidents`, { title: 'x'.repeat(300 * 1024), severity: 'SEV3' }), 413, 'PAYLOAD_TOO_LARGE');
  });

  // How fast it is answered is the alert-storm bench's to measure (its 20,000-alert body), not a test's.
  it('a 5,000-alert group arrives whole and is processed whole', async () => {
    const alerts = Array.from({ length: 5000 }, (_, i) => amAlert(`node-${i}:9100`, { alertname: 'NodeDown', service: 'fleet' }));
    const body = webhook(alerts, { groupKey: '{}:{alertname="NodeDown"}', alertname: 'NodeDown' });
    const res = await send(t, '/alerts/alertmanager', body, key);
    expect(res.statusCode).toBe(200);
    await t.app.alertInbox.idle();
    const group = (await groups(t)).find((g: { groupKey: string }) => g.groupKey === '{}:{alertname="NodeDown"}');
    expect(group.counts).toEqual({ alerts: 5000, firing: 5000, resolved: 0, received: 1 });
    expect(group.differingLabels.instance).toHaveLength(10);
    expect(await t.store.alertInbox.pending(0, 1000, 10)).toEqual([]);
  });
});

/**
 * Alertmanager re-sends a group's unchanged snapshot every group_interval. A large one
 * (stored unread, see src/processors/alert-inbox.ts) that is, byte for byte, the snapshot
 * last applied to its group is applied as a repeat without its body being read again.
 */
describe.each(STORE_KINDS)('a large snapshot sent again (%s)', (kind) => {
  let t: TestApp;
  let key: string;
  let sourceId: string;
  const GROUP = '{}:{alertname="DiskFull"}';
  const disks = (status: (i: number) => 'firing' | 'resolved' = () => 'firing') =>
    JSON.stringify(
      webhook(
        Array.from({ length: 800 }, (_, i) => amAlert(`storage-${i}.prod.example:9100`, { alertname: 'DiskFull', service: 'storage', status: status(i) })),
        { groupKey: GROUP, alertname: 'DiskFull' },
      ),
    );
  const digest = (body: string) => bodyDigest(Buffer.from(body));
  const group = async () => {
    for (const state of ['open', 'acknowledged', 'resolved']) {
      const found = (await groups(t, state)).find((g: { groupKey: string }) => g.groupKey === GROUP);
      if (found) return { ...found, alerts: (await ok(t, 200, 'GET', `${API}/alerts/${found.id}`)).alerts };
    }
    throw new Error('no DiskFull group');
  };
  /** A delivery with this digest whose body cannot be read: applied only if it is taken as a repeat. */
  const unreadable = async (ofBody: string) => {
    const [id] = await t.store.alertInbox.add([{ source: sourceId, body: Buffer.from('not JSON'), receivedAt: t.clock.now().toISOString(), digest: digest(ofBody) }]);
    expect(await t.app.alertInbox.process(id!)).toBe(true);
  };

  beforeAll(async () => {
    t = await testApp(kind);
    const created = await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'disks', type: 'alertmanager' });
    key = created.key;
    sourceId = String(created.id);
  });
  afterAll(() => t.close());

  it('the same bytes again: every alert seen once more, the group received once more, the body not read', async () => {
    const body = disks();
    expect(body.length).toBeGreaterThan(256 * 1024);
    expect((await send(t, '/alerts/alertmanager', body, key)).statusCode).toBe(200);
    t.clock.advance(5 * 60_000);
    expect((await send(t, '/alerts/alertmanager', body, key)).statusCode).toBe(200);
    let g = await group();
    expect(g.counts).toEqual({ alerts: 800, firing: 800, resolved: 0, received: 2 });
    expect(new Set(g.alerts.map((a: { received: number }) => a.received))).toEqual(new Set([2]));
    expect(g.lastSeenAt).toBe(t.clock.now().toISOString());

    t.clock.advance(5 * 60_000);
    await unreadable(body);
    g = await group();
    expect(g.counts).toEqual({ alerts: 800, firing: 800, resolved: 0, received: 3 });
    expect(new Set(g.alerts.map((a: { received: number }) => a.received))).toEqual(new Set([3]));
    expect(g.lastSeenAt).toBe(t.clock.now().toISOString());
  });

  it('once another snapshot has changed the group, the old one again is read and applied in full', async () => {
    const firing = disks();
    const someResolved = disks((i) => (i < 100 ? 'resolved' : 'firing'));
    t.clock.advance(60_000);
    await send(t, '/alerts/alertmanager', someResolved, key);
    let g = await group();
    expect(g.counts).toMatchObject({ firing: 700, resolved: 100 });
    // The repeats counted on the group are now each alert's own, with this delivery on top.
    expect(new Set(g.alerts.map((a: { received: number }) => a.received))).toEqual(new Set([4]));
    expect(new Set(g.alerts.map((a: { lastSeenAt: string }) => a.lastSeenAt))).toEqual(new Set([t.clock.now().toISOString()]));

    // Not taken as a repeat: its unreadable body is dropped, and nothing changes.
    await unreadable(firing);
    expect((await group()).counts).toMatchObject({ firing: 700, resolved: 100, received: 4 });

    await send(t, '/alerts/alertmanager', firing, key);
    g = await group();
    expect(g.counts).toEqual({ alerts: 800, firing: 800, resolved: 0, received: 5 });
    expect(new Set(g.alerts.map((a: { received: number }) => a.received))).toEqual(new Set([5]));
  });

  it('an alert of the snapshot touched since by another delivery: not a repeat', async () => {
    const firing = disks();
    const g = await group();
    // As another instance's delivery would leave it, without having become the group's snapshot.
    const [other] = await t.store.alertInbox.add([{ source: sourceId, body: Buffer.from('{}'), receivedAt: t.clock.now().toISOString(), digest: null }]);
    await t.store.alertInbox.remove(other!);
    await t.store.alerts.touchAlerts(g.id, [g.alerts[0].fingerprint], other!, t.clock.now().toISOString());
    await unreadable(firing);
    expect((await group()).counts.received).toBe(5);
  });

  it('alerts without a status, read from endsAt: the same bytes after endsAt resolve them', async () => {
    const endsAt = new Date(t.clock.now().getTime() + 30 * 60_000).toISOString();
    const certs = JSON.stringify(
      webhook(
        Array.from({ length: 800 }, (_, i) => {
          const alert: Partial<AmAlert> = amAlert(`edge-${i}.prod.example:443`, { alertname: 'CertExpiring', service: 'edge', endsAt });
          delete alert.status;
          return alert as AmAlert;
        }),
        { groupKey: '{}:{alertname="CertExpiring"}', alertname: 'CertExpiring' },
      ),
    );
    const certGroup = async (state: string) => (await groups(t, state)).find((g: { groupKey: string }) => g.groupKey === '{}:{alertname="CertExpiring"}');
    await send(t, '/alerts/alertmanager', certs, key);
    expect((await certGroup('open')).counts).toMatchObject({ firing: 800, resolved: 0 });
    t.clock.advance(60 * 60_000);
    await send(t, '/alerts/alertmanager', certs, key);
    expect((await certGroup('resolved')).counts).toMatchObject({ firing: 0, resolved: 800, received: 2 });
  });

  it('a repeat older than one already counted is not counted as the newest', async () => {
    const firing = disks();
    await send(t, '/alerts/alertmanager', firing, key);
    expect((await group()).counts.received).toBe(6);
    const delivery = () => ({ source: sourceId, body: Buffer.from(firing), receivedAt: t.clock.now().toISOString(), digest: digest(firing) });
    const [older] = await t.store.alertInbox.add([delivery()]);
    t.clock.advance(60_000);
    const [newer] = await t.store.alertInbox.add([delivery()]);
    expect(await t.app.alertInbox.process(newer!)).toBe(true);
    expect(await t.app.alertInbox.process(older!)).toBe(true);
    const g = await group();
    expect(g.counts).toMatchObject({ alerts: 800, firing: 800, received: 8 });
    // The newer repeat, processed first, stands as when they were last seen.
    expect(new Set(g.alerts.map((a: { lastSeenAt: string }) => a.lastSeenAt))).toEqual(new Set([t.clock.now().toISOString()]));
  });
});

describe.each(STORE_KINDS)('a burst of deliveries for many groups (%s)', (kind) => {
  let t: TestApp;
  let sourceId: string;
  beforeAll(async () => {
    t = await testApp(kind);
    sourceId = String((await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'burst', type: 'alertmanager' })).id);
  });
  afterAll(() => t.close());

  it("stored together and processed in one batch (on PostgreSQL, several groups at once), each group's deliveries in order", async () => {
    const names = Array.from({ length: 12 }, (_, g) => `Burst${g}`);
    const snapshot = (name: string, status: 'firing' | 'resolved') =>
      JSON.stringify(webhook([amAlert('a:1', { alertname: name, status }), amAlert('b:1', { alertname: name })], { groupKey: `{}:{alertname="${name}"}`, alertname: name }));
    const at = (step: number) => new Date(t.clock.now().getTime() + step * 60_000).toISOString();
    // Every group: fired, resolved, fired again, and, for every other group, resolved last; one minute apart.
    const deliveries = [0, 1, 2, 3].flatMap((step) =>
      names.flatMap((name, g) =>
        step < 3 || g % 2 === 0 ? [{ source: sourceId, body: Buffer.from(snapshot(name, step % 2 === 1 ? 'resolved' : 'firing')), receivedAt: at(step), digest: null }] : [],
      ),
    );
    await t.store.alertInbox.add(deliveries);
    t.app.alertInbox.wake();
    await t.app.alertInbox.idle();
    const all = await groups(t, 'open');
    expect(all).toHaveLength(12);
    for (const [g, name] of names.entries()) {
      const group = all.find((x: { groupKey: string }) => x.groupKey === `{}:{alertname="${name}"}`);
      const last = g % 2 === 0 ? 3 : 2;
      expect(group.counts).toEqual({ alerts: 2, firing: g % 2 === 0 ? 1 : 2, resolved: g % 2 === 0 ? 1 : 0, received: last + 1 });
      // Out of order, an older delivery after a newer one would have been stale for both alerts: fewer received, seen earlier.
      const { alerts } = await ok(t, 200, 'GET', `${API}/alerts/${group.id}`);
      expect(alerts.map((a: { received: number; lastSeenAt: string }) => [a.received, a.lastSeenAt])).toEqual([
        [last + 1, at(last)],
        [last + 1, at(last)],
      ]);
    }
    expect(await t.store.alertInbox.pending(0, 1000, 10)).toEqual([]);
  });
});

describe.each(STORE_KINDS)('Events API v2 intake (%s)', (kind) => {
  let t: TestApp;
  let key: string;
  let amKey: string;
  beforeAll(async () => {
    t = await testApp(kind);
    key = await source(t, 'pd-compat', 'events');
    amKey = await source(t, 'prometheus', 'alertmanager');
  });
  afterAll(() => t.close());

  it('bad events are refused like PagerDuty refuses them, and nothing is stored', async () => {
    const cases: [unknown, string][] = [
      [{ ...trigger(key), routing_key: undefined }, "'routing_key' is missing or blank"],
      [{ ...trigger(key), event_action: 'escalate' }, "'event_action' is invalid (must be one of: trigger, acknowledge, resolve)"],
      [trigger(key, {}, { summary: '' }), "'payload.summary' is missing or blank"],
      [trigger(key, {}, { source: undefined }), "'payload.source' is missing or blank"],
      [trigger(key, {}, { severity: 'disaster' }), "'payload.severity' is invalid (must be one of: critical, error, warning, info)"],
      [{ routing_key: key, event_action: 'resolve' }, "'dedup_key' is missing or blank"],
      [trigger(amKey), "'routing_key' is not the key of an events alert source"],
      ['{"routing_key": ', 'Event object is not valid JSON'],
      ['[1,2]', 'Event object must be a JSON object'],
    ];
    for (const [body, error] of cases) {
      const res = await send(t, '/alerts/events', body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toEqual({ status: 'invalid event', message: 'Event object is invalid', errors: [error] });
    }
    expect(await stored(t)).toEqual({ groups: [], inbox: [] });
  });

  it('trigger: 202 with the dedup key, made up when the event has none; the same key again is a repeat', async () => {
    const res = await send(t, '/alerts/events', trigger(key, { dedup_key: 'db01-replication' }));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'db01-replication' });
    const generated = await send(t, '/alerts/events', trigger(key, {}, { summary: 'Replication stopped on db01', severity: 'critical' }));
    expect(generated.statusCode).toBe(202);
    expect(generated.json().dedup_key).toMatch(/^[0-9a-f]{32}$/);
    await send(t, '/alerts/events', trigger(key, { dedup_key: 'db01-replication' }));

    const [group, ...others] = await groups(t);
    expect(others).toEqual([]);
    expect(group).toMatchObject({
      source: { name: 'pd-compat', type: 'events' },
      groupKey: 'component=mysql,source=db01.example.com',
      title: 'Replication stopped on db01 and 1 other alert on mysql',
      severity: 'critical',
      suggestedSeverity: 'SEV1',
      suggestedComponents: ['mysql'],
      counts: { alerts: 2, firing: 2, resolved: 0, received: 3 },
    });
    const detail = await ok(t, 200, 'GET', `${API}/alerts/${group.id}`);
    const replication = detail.alerts.find((a: { fingerprint: string }) => a.fingerprint === 'db01-replication');
    expect(replication).toMatchObject({
      severity: 'error',
      summary: 'Replication lag above 30s on db01',
      labels: { source: 'db01.example.com', component: 'mysql', group: 'prod-datapipe', class: 'replication', severity: 'error' },
      annotations: { lag_seconds: '42', threshold: '30' },
      startsAt: '2026-06-06T14:05:00.000Z',
      generatorURL: 'https://grafana.example.com/d/mysql',
      received: 2,
    });
  });

  it('acknowledge acknowledges the group as the source; resolve resolves the alert; unknown keys are accepted and ignored', async () => {
    const ack = await send(t, '/alerts/events', { routing_key: key, event_action: 'acknowledge', dedup_key: 'db01-replication' });
    expect(ack.statusCode).toBe(202);
    const [group] = await groups(t, 'acknowledged');
    expect(group).toMatchObject({ acknowledgedBy: 'alerts:pd-compat', acknowledgedAt: '2026-06-06T14:14:00.000Z', secondsToAcknowledge: 0 });

    const resolve = await send(t, '/alerts/events', { routing_key: key, event_action: 'resolve', dedup_key: 'db01-replication' });
    expect(resolve.json()).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'db01-replication' });
    const after = await ok(t, 200, 'GET', `${API}/alerts/${group.id}`);
    expect(after.counts).toMatchObject({ firing: 1, resolved: 1 });
    expect(after.alerts.find((a: { fingerprint: string }) => a.fingerprint === 'db01-replication').status).toBe('resolved');

    expect((await send(t, '/alerts/events', { routing_key: key, event_action: 'resolve', dedup_key: 'never-seen' })).statusCode).toBe(202);
    expect((await stored(t)).groups).toHaveLength(1);
  });
});

describe.each(STORE_KINDS)('per-source rate limit (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind, { alerts: { rateLimit: { requests: 2, per: '1m' } } });
  });
  afterAll(() => t.close());

  it('a source over its limit is answered 429 with Retry-After; other sources are not slowed', async () => {
    const noisy = await source(t, 'noisy', 'alertmanager');
    const quiet = await source(t, 'quiet', 'alertmanager');
    const events = await source(t, 'events', 'events');
    const body = webhook([amAlert('a')]);
    expect((await send(t, '/alerts/alertmanager', body, noisy)).statusCode).toBe(200);
    expect((await send(t, '/alerts/alertmanager', body, noisy)).statusCode).toBe(200);
    const limited = await send(t, '/alerts/alertmanager', body, noisy);
    expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await send(t, '/alerts/alertmanager', body, quiet)).statusCode).toBe(200);

    await send(t, '/alerts/events', trigger(events));
    await send(t, '/alerts/events', trigger(events));
    const throttled = await send(t, '/alerts/events', trigger(events));
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers['retry-after']).toBeDefined();
  });
});
