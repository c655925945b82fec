import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, ok } from '../api/helpers.js';
import { amAlert, webhook } from '../api/alert-payloads.js';
import { normalizeAlertmanager } from '../../src/domain/alerts/alertmanager.js';
import { applyToGroup } from '../../src/domain/alerts/batch.js';
import { HeldAlerts } from '../../src/commands/intake/held.js';
import type { Repository } from '../../src/store/repository.js';

/**
 * Alert intake keeps the alerts of busy groups in memory (src/commands/intake/held.ts) and
 * trusts a copy only while the group's alerts_revision has not moved: every way of writing
 * a group's alerts must move it, in the same transaction (a batch's alerts' writes, run by the
 * group's applyBatch: on PostgreSQL in the group's own statement).
 */
describe.each(STORE_KINDS)("a group's alerts revision (%s)", (kind) => {
  let t: TestApp;
  let source: string;
  let group: number;
  const at = '2026-06-06T14:20:00.000Z';
  const alerts = normalizeAlertmanager(webhook([amAlert('a1'), amAlert('a2')], { groupKey: 'A' }), at).alerts;
  const revision = async () => (await t.store.transaction((tx) => tx.alertGroups.ensure(source, 'A', at))).alertsRevision;
  const moves = async (write: (tx: Repository) => Promise<unknown>) => {
    const before = await revision();
    await t.store.transaction(write);
    return (await revision()) - before;
  };

  beforeAll(async () => {
    t = await testApp(kind);
    source = String((await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'prom', type: 'alertmanager' })).id);
    group = (await t.store.transaction((tx) => tx.alertGroups.ensure(source, 'A', at))).id;
  });
  afterAll(() => t.close());

  it('starts at 0 and moves once for each transaction that writes the alerts', async () => {
    expect(await revision()).toBe(0);
    expect(await moves((tx) => tx.alerts.insertAlerts(group, source, alerts, 1, at))).toBe(1);
    expect(await moves((tx) => tx.alerts.changeAlert(group, { ...alerts[0]!, status: 'resolved' }, 2, at))).toBe(1);
    expect(await moves((tx) => tx.alerts.touchAlerts(group, [alerts[1]!.fingerprint], 3, at))).toBe(1);
    const outcome = applyToGroup(
      (await t.store.alertGroups.get(group))!,
      await t.store.alerts.held(group),
      [{ id: 4, receivedAt: at, alerts, truncatedAlerts: 0 }],
      false,
      [],
    );
    const batch = (tx: Repository) =>
      tx.alertGroups.applyBatch(group, outcome.group, tx.alerts.batchWrites(group, source, outcome.alerts), { delivery: 4, digest: null, alerts: alerts.length, truncatedAlerts: 0 });
    expect(await moves(batch)).toBe(1);
    // What the batch says the alerts are once written is what reading them back gives.
    expect(await t.store.alerts.held(group)).toEqual(outcome.held);
  });

  it('a batch larger than one statement takes (new, changed and seen-again alerts in many parts) is written in full, moving the revision once', async () => {
    const B = (await t.store.transaction((tx) => tx.alertGroups.ensure(source, 'B', at))).id;
    const many = Array.from({ length: 2_500 }, (_, i) => amAlert(`b${i}`));
    const first = normalizeAlertmanager(webhook(many.slice(0, 2_000), { groupKey: 'B' }), at).alerts;
    const later = '2026-06-06T14:25:00.000Z';
    // The first 2,000 again, 1,800 of them now resolved (more updates than go with the group's statement), and 500 new.
    const second = normalizeAlertmanager(webhook([...many.slice(0, 1_800).map((a) => ({ ...a, status: 'resolved' as const, endsAt: later })), ...many.slice(1_800)], { groupKey: 'B' }), later).alerts;
    let revisionB = 1;
    const applied = async (delivery: number, incoming: typeof first, receivedAt: string) => {
      const outcome = applyToGroup((await t.store.alertGroups.get(B))!, await t.store.alerts.held(B), [{ id: delivery, receivedAt, alerts: incoming, truncatedAlerts: 0 }], true, []);
      const writes = t.store.alerts.batchWrites(B, source, outcome.alerts);
      const before = (await t.store.alertGroups.get(B))!;
      await t.store.transaction((tx) => tx.alertGroups.applyBatch(B, outcome.group, tx.alerts.batchWrites(B, source, outcome.alerts), { delivery, digest: null, alerts: incoming.length, truncatedAlerts: 0 }));
      expect(await t.store.transaction(async (tx) => (await tx.alertGroups.ensure(source, 'B', at)).alertsRevision)).toBe(revisionB++);
      expect((await t.store.alertGroups.get(B))!.counts.received).toBe(before.counts.received + 1);
      // What the batch decided is what reading back gives, in the same order (ids as the alerts were stored).
      expect(await t.store.alerts.held(B)).toEqual(outcome.held);
      return { inserts: writes.inserts.length, updates: writes.updates.length };
    };
    expect(await applied(40, first, at)).toEqual({ inserts: 10, updates: 0 });
    expect(await applied(41, second, later)).toEqual({ inserts: 3, updates: 10 });
    const facts = await t.store.alerts.alertFacts(B);
    expect(facts).toHaveLength(2_500);
    expect(facts.filter((f) => f.status === 'resolved')).toHaveLength(1_800);
    expect((await t.store.alerts.changedBy(B, 41, 1)).total).toBe(2_300);
    expect(await t.store.alerts.alertByFingerprint(source, first[0]!.fingerprint)).toMatchObject({ status: 'resolved', received: 2, seenIn: 41, lastSeenAt: later });
    expect(await t.store.alerts.alertByFingerprint(source, first[1_999]!.fingerprint)).toMatchObject({ status: 'firing', received: 2, seenIn: 41, lastSeenAt: later });
    expect(await t.store.alerts.alertByFingerprint(source, second[2_499]!.fingerprint)).toMatchObject({ received: 1, seenIn: 41, firstSeenAt: later });
  });

  it('moves when repeats of a snapshot are written to the alerts, and not for reads or when nothing is written', async () => {
    await t.store.transaction((tx) => tx.alertSnapshots.record(group, { id: 5, digest: 'd' }, alerts.length, 0));
    await t.store.transaction((tx) => tx.alerts.touchAlerts(group, alerts.map((a) => a.fingerprint), 5, at));
    expect(await moves((tx) => tx.alertSnapshots.addRepeat(group, 6, at))).toBe(0);
    expect(await moves(async (tx) => expect(await tx.alertSnapshots.settleRepeats(group)).toBe(true))).toBe(1);
    expect(await moves(async (tx) => expect(await tx.alertSnapshots.settleRepeats(group)).toBe(false))).toBe(0);
    expect(await moves((tx) => tx.alerts.held(group))).toBe(0);
    expect(await moves((tx) => tx.alerts.touchAlerts(group, [], 7, at))).toBe(0);
    const unchanged = { assessment: null, received: 1, seenAt: at, truncatedAlerts: 0, change: {} };
    expect(await moves((tx) => tx.alertGroups.applyBatch(group, unchanged, { inserts: [], updates: [] }, { delivery: 8, digest: null, alerts: 2, truncatedAlerts: 0 }))).toBe(0);
  });

  it('a batch records its last delivery as the snapshot on the terms of record: only when newer, and never over unwritten repeats', async () => {
    const unchanged = { assessment: null, received: 1, seenAt: at, truncatedAlerts: 0, change: {} };
    const snapshotOf = (digest: string) => t.store.transaction((tx) => tx.alertSnapshots.byDigest(source, digest));
    const apply = (delivery: number, digest: string) =>
      t.store.transaction((tx) => tx.alertGroups.applyBatch(group, unchanged, { inserts: [], updates: [] }, { delivery, digest, alerts: 2, truncatedAlerts: 1 }));
    await apply(20, 'twenty');
    expect(await snapshotOf('twenty')).toMatchObject({ delivery: 20, alerts: 2, truncatedAlerts: 1, repeatedIn: null });
    await apply(19, 'older');
    expect(await snapshotOf('older')).toBeNull();
    await t.store.transaction((tx) => tx.alertSnapshots.addRepeat(group, 21, at));
    await apply(22, 'over-repeats');
    expect(await snapshotOf('over-repeats')).toBeNull();
    expect(await snapshotOf('twenty')).toMatchObject({ delivery: 20, repeatedIn: 21 });
    await t.store.transaction((tx) => tx.alertSnapshots.settleRepeats(group));
    await apply(23, 'settled');
    expect(await snapshotOf('settled')).toMatchObject({ delivery: 23, repeatedIn: null });
  });

  it('lockExisting reads, for many keys at once, the groups that exist and no incident owns, in order of id, as ensure reads each', async () => {
    const other = String((await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'other', type: 'alertmanager' })).id);
    const C = await t.store.transaction((tx) => tx.alertGroups.ensure(other, 'A', at));
    const owned = await t.store.transaction((tx) => tx.alertGroups.ensure(other, 'owned', at));
    const incident = (await ok(t, 201, 'POST', `${API}/incidents`, { title: 'Owns a group', severity: 'SEV3' })) as { id: string };
    await t.store.transaction((tx) => tx.alertGroups.change(owned.id, { incident: Number(incident.id.replace('INC-', '')) }));
    const keys = [
      { source: other, groupKey: 'A' },
      { source: source, groupKey: 'nobody sent this' },
      { source: other, groupKey: 'owned' },
      { source: other, groupKey: 'B' },
      { source: source, groupKey: 'A' },
    ];
    const locked = await t.store.transaction((tx) => tx.alertGroups.lockExisting(keys));
    const A = await t.store.transaction((tx) => tx.alertGroups.ensure(source, 'A', at));
    expect(locked).toEqual([A, C]);
    expect(await t.store.transaction((tx) => tx.alertGroups.lockExisting([]))).toEqual([]);
  });

  it('ensure answers the repeats not yet written, as settleRepeats would read them', async () => {
    const ensured = () => t.store.transaction((tx) => tx.alertGroups.ensure(source, 'A', at));
    await t.store.transaction((tx) => tx.alertSnapshots.settleRepeats(group));
    await t.store.transaction((tx) => tx.alertSnapshots.record(group, { id: 30, digest: 'thirty' }, alerts.length, 0));
    expect((await ensured()).pendingRepeats).toBeNull();
    await t.store.transaction((tx) => tx.alertSnapshots.addRepeat(group, 31, '2026-06-06T14:21:00.000Z'));
    await t.store.transaction((tx) => tx.alertSnapshots.addRepeat(group, 32, '2026-06-06T14:22:00.000Z'));
    expect((await ensured()).pendingRepeats).toEqual({ delivery: 30, times: 2, lastIn: 32, lastAt: '2026-06-06T14:22:00.000Z' });
    expect(await t.store.transaction((tx) => tx.alertSnapshots.pendingRepeats(group))).toEqual((await ensured()).pendingRepeats);
    await t.store.transaction(async (tx) => expect(await tx.alertSnapshots.settleRepeats(group, (await tx.alertGroups.ensure(source, 'A', at)).pendingRepeats)).toBe(true));
    expect((await ensured()).pendingRepeats).toBeNull();
  });
});

describe('alerts kept in memory (HeldAlerts)', () => {
  const alert = (fingerprint: string) => ({ fingerprint, status: 'firing' as const, seenIn: 1, severity: null, summary: null, labels: {} });

  it('answers a copy only for the revision it was taken at', () => {
    const held = new HeldAlerts();
    held.keep([{ group: 1, revision: 3, alerts: [alert('a')] }]);
    expect(held.get(1, 3)).toEqual([alert('a')]);
    expect(held.get(1, 4)).toBeNull();
    expect(held.get(2, 3)).toBeNull();
    held.keep([{ group: 1, revision: 4, alerts: [alert('a'), alert('b')] }]);
    expect(held.get(1, 3)).toBeNull();
    expect(held.get(1, 4)).toHaveLength(2);
  });

  it('keeps at most 100,000 alerts, dropping the groups used least recently', () => {
    const held = new HeldAlerts();
    const many = (n: number) => Array.from({ length: n }, (_, i) => alert(String(i)));
    held.keep([
      { group: 1, revision: 0, alerts: many(40_000) },
      { group: 2, revision: 0, alerts: many(40_000) },
    ]);
    expect(held.get(1, 0)).not.toBeNull();
    held.keep([{ group: 3, revision: 0, alerts: many(40_000) }]);
    expect(held.get(2, 0)).toBeNull();
    expect(held.get(1, 0)).not.toBeNull();
    expect(held.get(3, 0)).not.toBeNull();
    held.keep([{ group: 4, revision: 0, alerts: many(100_001) }]);
    expect(held.get(4, 0)).toBeNull();
  });

  it('a batch decided against a copy leaves the copy as it was: its transaction may yet roll back', () => {
    const at = '2026-06-06T14:20:00.000Z';
    const copy = [alert('a'), alert('b')].map((a) => Object.freeze({ ...a }));
    const incoming = (fingerprint: string, status: 'firing' | 'resolved') =>
      ({ fingerprint, status, severity: null, summary: null, labels: {}, annotations: {}, startsAt: at, endsAt: null, generatorUrl: null }) as const;
    const group = { id: 1, state: 'open' as const, openedAt: at, acknowledgedBy: null, acknowledgedAt: null, incident: null, dismissedReason: null };
    const outcome = applyToGroup(group, copy, [{ id: 2, receivedAt: at, alerts: [incoming('a', 'firing'), incoming('b', 'resolved'), incoming('c', 'firing')], truncatedAlerts: 0 }], true, []);
    expect(copy).toEqual([alert('a'), alert('b')]);
    expect(outcome.held.map((a) => [a.fingerprint, a.status, a.seenIn])).toEqual([
      ['a', 'firing', 2],
      ['b', 'resolved', 2],
      ['c', 'firing', 2],
    ]);
  });
});
