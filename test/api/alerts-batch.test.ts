import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { IntakePace } from '../../src/processors/intake-pace.js';
import { AlertIntake } from '../../src/commands/intake/intake.js';
import { STEP } from '../../src/commands/intake/single.js';
import { API, alertGroupsInFull, ok } from './helpers.js';
import { amAlert, webhook, type AmAlert } from './alert-payloads.js';

/**
 * Deliveries waiting in the inbox together are applied as a batch, group by group in
 * memory (src/domain/alerts/batch.ts); the groups and alerts must end exactly as when the
 * same deliveries are applied one at a time (and the counts as worked out by hand).
 */
function deliveries(): { body: unknown; at: string }[] {
  const at = (i: number) => new Date(Date.parse('2026-06-06T14:20:00.000Z') + i * 1000).toISOString();
  const a = (instance: string, o: Parameters<typeof amAlert>[1] = {}) => amAlert(instance, { alertname: 'Disk', service: 'storage', ...o });
  const b = (instance: string, o: Parameters<typeof amAlert>[1] = {}) => amAlert(instance, { alertname: 'Latency', severity: 'warning', ...o });
  const out: AmAlert[][] = [];
  const gks: string[] = [];
  const push = (key: string, alerts: AmAlert[]) => {
    gks.push(key);
    out.push(alerts);
  };
  push('A', [a('a1'), a('a2'), a('a3')]);
  push('B', [b('b1', { status: 'resolved' })]);
  push('A', [a('a1'), a('a2'), a('a3'), a('a4')]);
  push('A', [a('a1'), a('a2', { status: 'resolved' }), a('a3')]);
  push('B', [b('b1'), b('b2')]);
  push('A', [a('a2'), a('a4', { severity: 'warning' })]);
  push('C', []);
  push('A', ['a1', 'a2', 'a3', 'a4'].map((i) => a(i, { status: 'resolved' })));
  push('B', [b('b2'), b('b1')]);
  push('A', [a('a3')]);
  push('A', [a('a3'), a('a5')]);
  push('B', [b('b1', { status: 'resolved' }), b('b2', { status: 'resolved' })]);
  push('B', [b('b1', { status: 'resolved' })]);
  for (let i = 0; i < 12; i++) push(i % 2 ? 'A' : 'B', i % 2 ? [a(`a${i}`), a('a3')] : [b(`b${i}`), b('b1')]);
  return out.map((alerts, i) => ({ body: webhook(alerts, { groupKey: gks[i]!, truncatedAlerts: i % 3 }), at: at(i) }));
}

describe.each(STORE_KINDS)('alert deliveries applied as a batch (%s)', (kind) => {
  let one: TestApp;
  let many: TestApp;
  beforeAll(async () => {
    [one, many] = await Promise.all([testApp(kind), testApp(kind)]);
    for (const t of [one, many]) await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'prom', type: 'alertmanager' });
  });
  afterAll(async () => {
    await one.close();
    await many.close();
  });

  it('end exactly as the same deliveries applied one at a time', async () => {
    const source = async (t: TestApp) => (await t.store.alertSources.list())[0]!.id;
    // Each its own digest: the snapshot a group is left with (its last delivery in full) is compared too.
    const row = (id: string, d: { body: unknown; at: string }, i: number) => ({ source: id, body: Buffer.from(JSON.stringify(d.body)), receivedAt: d.at, digest: `d${i}` });
    const oneSource = await source(one);
    for (const [i, d] of deliveries().entries()) {
      await one.store.alertInbox.add([row(oneSource, d, i)]);
      one.app.alertInbox.wake();
      await one.app.alertInbox.idle();
    }
    const manySource = await source(many);
    await many.store.alertInbox.add(deliveries().map((d, i) => row(manySource, d, i)));
    many.app.alertInbox.wake();
    await many.app.alertInbox.idle();

    const expected = await alertGroupsInFull(one);
    expect(expected.map((g) => [g.groupKey, g.state, g.counts])).toEqual([
      ['A', 'open', { alerts: 8, firing: 6, resolved: 2, received: 13 }],
      ['B', 'open', { alerts: 7, firing: 7, resolved: 0, received: 11 }],
    ]);
    expect(await alertGroupsInFull(many)).toEqual(expected);
    expect(await many.store.alertInbox.pending(0, 100, 100)).toEqual([]);
    const snapshots = async (t: TestApp, id: string) => {
      const found = [];
      for (const i of deliveries().keys()) {
        const s = await t.store.transaction((tx) => tx.alertSnapshots.byDigest(id, `d${i}`));
        if (s) found.push({ digest: `d${i}`, group: s.group.groupKey, delivery: s.delivery, alerts: s.alerts, truncatedAlerts: s.truncatedAlerts, repeatedIn: s.repeatedIn });
      }
      return found;
    };
    const expectedSnapshots = await snapshots(one, oneSource);
    expect(expectedSnapshots.map((s) => s.group).sort()).toEqual(['A', 'B']);
    expect(await snapshots(many, manySource)).toEqual(expectedSnapshots);
  });
});

describe.each(STORE_KINDS)('a page intake leaves while deliveries arrive (%s)', (kind) => {
  let one: TestApp;
  let left: TestApp;
  beforeAll(async () => {
    [one, left] = await Promise.all([testApp(kind), testApp(kind)]);
    for (const t of [one, left]) await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'prom', type: 'alertmanager' });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await one.close();
    await left.close();
  });

  it('is listed again, from where intake stopped, and ends exactly as the deliveries applied one at a time', async () => {
    // Two bodies too large for a batch (applied step by step) split the page into three batches.
    const at = deliveries()[0]!.at;
    const big = (k: number) => ({ body: webhook(Array.from({ length: STEP + 1 }, (_, i) => amAlert(`big${k}-${i}`, { alertname: 'Disk', service: 'storage' })), { groupKey: 'A' }), at });
    const list = deliveries();
    list.splice(15, 0, big(2));
    list.splice(5, 0, big(1));
    const row = (id: string, d: { body: unknown; at: string }) => ({ source: id, body: Buffer.from(JSON.stringify(d.body)), receivedAt: d.at, digest: null });
    const oneSource = (await one.store.alertSources.list())[0]!.id;
    for (const d of list) {
      await one.store.alertInbox.add([row(oneSource, d)]);
      one.app.alertInbox.wake();
      await one.app.alertInbox.idle();
    }

    // Deliveries arriving throughout: before each batch but a listing's first, intake stops and leaves the rest.
    vi.spyOn(IntakePace.prototype, 'deferring').mockReturnValue(true);
    const apply = vi.spyOn(AlertIntake.prototype, 'apply');
    const leftSource = (await left.store.alertSources.list())[0]!.id;
    await left.store.alertInbox.add(list.map((d) => row(leftSource, d)));
    left.app.alertInbox.wake();
    await left.app.alertInbox.idle();
    vi.restoreAllMocks();

    const reports = await Promise.all(apply.mock.results.map((r) => r.value as ReturnType<AlertIntake['apply']>));
    expect(reports.map((r, i) => [apply.mock.calls[i]![0].length, r.done])).toEqual([
      [list.length, 6],
      [list.length - 6, 11],
      [list.length - 17, list.length - 17],
    ]);
    expect(await alertGroupsInFull(left)).toEqual(await alertGroupsInFull(one));
    expect(await left.store.alertInbox.pending(0, 100, 100)).toEqual([]);
  });
});
