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
import { AlertIntake } from '../../src/commands/intake/intake.js';
import { normalizeAlertmanager } from '../../src/domain/alerts/alertmanager.js';
import { API, alertGroupsInFull, ok } from './helpers.js';
import { amAlert, webhook } from './alert-payloads.js';

const at = (i: number) => new Date(Date.parse('2026-06-06T14:20:00.000Z') + i * 1000).toISOString();

/** Twelve snapshots of two groups, alerts coming, changing and resolving. */
function bodies(): unknown[] {
  return Array.from({ length: 12 }, (_, i) => {
    const key = i % 2 ? 'A' : 'B';
    const alerts = [amAlert(`${key}-1`, { alertname: key, status: i > 8 ? 'resolved' : 'firing' }), amAlert(`${key}-${i}`, { alertname: key, severity: i % 3 ? 'warning' : 'critical' })];
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
    for (const [i, body] of bodies().entries()) {
      await post(one, keys.get(one)!, body, at(i));
      await one.app.alertInbox.idle();
    }

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
});
