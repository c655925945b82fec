/**
 * While intake waits for a lull in a storm, the inbox reads ahead the bodies the requests
 * parsed (their alerts normalized, src/commands/intake/intake.ts `readAhead`), so that less is
 * left to do once the storm ends. What is read ahead must be what intake would have read: the
 * groups and alerts end exactly as when the same deliveries are applied one at a time.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { IntakePace } from '../../src/processors/intake-pace.js';
import { AlertInbox } from '../../src/processors/alert-inbox.js';
import { AlertIntake, readAhead } from '../../src/commands/intake/intake.js';
import { normalizeAlertmanager } from '../../src/domain/alerts/alertmanager.js';
import { STEP } from '../../src/commands/intake/single.js';
import { API, alertGroupsInFull, ok } from './helpers.js';
import { amAlert, webhook } from './alert-payloads.js';

const at = (i: number) => new Date(Date.parse('2026-06-06T14:20:00.000Z') + i * 1000).toISOString();

/** Twelve snapshots of two groups, alerts coming, changing and resolving. */
function bodies(): unknown[] {
  return Array.from({ length: 12 }, (_, i) => {
    const key = i % 2 ? 'A' : 'B';
    const alerts = [
      amAlert(`${key}-1`, { alertname: key, status: i > 8 ? 'resolved' : 'firing' }),
      amAlert(`${key}-${i}`, { alertname: key, severity: i % 3 ? 'warning' : 'critical' }),
    ];
    return webhook(alerts, { groupKey: key, truncatedAlerts: i % 3 });
  });
}

async function post(t: TestApp, key: string, body: unknown, receivedAt: string) {
  t.clock.set(receivedAt);
  const res = await t.app.inject({
    method: 'POST',
    url: `${API}/alerts/alertmanager`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    payload: JSON.stringify(body),
  });
  expect(res.statusCode).toBe(200);
}

describe.each(STORE_KINDS)('alert bodies read ahead during a storm (%s)', (kind) => {
  let one: TestApp;
  let storm: TestApp;
  const keys = new Map<TestApp, string>();
  beforeAll(async () => {
    [one, storm] = await Promise.all([testApp(kind), testApp(kind)]);
    for (const t of [one, storm]) keys.set(t, (await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'prom', type: 'alertmanager' })).key);
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    await one.close();
    await storm.close();
  });

  it('are read while intake waits for a lull, and end exactly as the deliveries applied one at a time', async () => {
    // The reference reads nothing ahead.
    const never = vi.spyOn(AlertInbox.prototype as unknown as { readAheadSome: () => boolean }, 'readAheadSome').mockReturnValue(false);
    const referenceApply = vi.spyOn(AlertIntake.prototype, 'apply');
    for (const [i, body] of bodies().entries()) {
      await post(one, keys.get(one)!, body, at(i));
      await one.app.alertInbox.idle();
    }
    expect(referenceApply.mock.calls.flatMap(([deliveries]) => deliveries).filter((d) => d.readAhead)).toEqual([]);
    never.mockRestore();
    referenceApply.mockRestore();

    // The storm: every delivery stored before intake looks, then intake waits for a lull that is slow to come.
    const wake = vi.spyOn(AlertInbox.prototype, 'wake').mockImplementation(() => undefined);
    for (const [i, body] of bodies().entries()) await post(storm, keys.get(storm)!, body, at(i));
    wake.mockRestore();
    vi.spyOn(IntakePace.prototype, 'deferring').mockReturnValue(true);
    const apply = vi.spyOn(AlertIntake.prototype, 'apply');
    await new Promise((resolve) => setTimeout(resolve, 5));
    storm.app.alertInbox.wake();
    await storm.app.alertInbox.idle();

    const given = apply.mock.calls.flatMap(([deliveries]) => deliveries);
    expect(given.length).toBeGreaterThanOrEqual(bodies().length);
    // Each was read ahead, as intake reads it: normalized as of when it was received.
    for (const d of given) expect(d.readAhead?.batch).toEqual(normalizeAlertmanager(d.parsed, d.readAhead!.receivedAt));
    expect(given.map((d) => d.readAhead?.receivedAt).slice(0, bodies().length)).toEqual(bodies().map((_, i) => at(i)));
    expect(await alertGroupsInFull(storm)).toEqual(await alertGroupsInFull(one));
    expect(await storm.store.alertInbox.pending(0, 100, 100)).toEqual([]);
  });

  it('are what intake applies, without reading the body again; but only as of the time the delivery was stored', async () => {
    const t = storm;
    const source = (await t.store.alertSources.list())[0]!.id;
    const intake = new AlertIntake({ store: t.store, config: t.config, clock: t.clock }, async () => undefined, () => false, () => false);
    const sent = webhook([amAlert('sent-1', { alertname: 'R' })], { groupKey: 'R' });
    const other = webhook([amAlert('read-1', { alertname: 'R' })], { groupKey: 'R' });
    const store = async (receivedAt: string) =>
      (await t.store.transaction((tx) => tx.alertInbox.add([{ source, body: Buffer.from(JSON.stringify(sent)), receivedAt, digest: null }])))[0]!;
    const instances = async () => {
      const group = (await ok(t, 200, 'GET', `${API}/alerts?state=open`)).find((g: { groupKey: string }) => g.groupKey === 'R');
      const detail = await ok(t, 200, 'GET', `${API}/alerts/${group.id}`);
      return detail.alerts.map((a: { labels: { instance: string } }) => a.labels.instance).sort();
    };

    // Read ahead (here from another body, to tell which was applied) as of the time stored: applied as read.
    const first = await store(at(100));
    expect(await intake.apply([{ id: first, parsed: sent, readAhead: readAhead(other, at(100))! }])).toMatchObject({ done: 1, failed: [] });
    expect(await instances()).toEqual(['read-1']);
    // As of another time: read again from the body.
    const second = await store(at(101));
    expect(await intake.apply([{ id: second, parsed: sent, readAhead: readAhead(other, at(100))! }])).toMatchObject({ done: 1, failed: [] });
    expect(await instances()).toEqual(['read-1', 'sent-1']);
  });

  it('leaves a body too large for a batch to be read step by step', () => {
    const large = webhook(Array.from({ length: STEP + 1 }, (_, i) => amAlert(`big-${i}`)), { groupKey: 'L' });
    expect(readAhead(large, at(0))).toBeNull();
    expect(readAhead(webhook([amAlert('small')], { groupKey: 'L' }), at(0))?.batch.alerts).toHaveLength(1);
  });
});
