/**
 * R8 (with R4, R11): the durable schedule on both stores — rows recomputed with every
 * change, claimed with a lease, fired exactly once through the command path — driven
 * in-process with the test clock (`tick()`), plus one wake-up on real timers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, UPDATE, declare, ok } from '../api/helpers.js';
import { ReminderScheduler, type Firing } from '../../src/processors/reminder-scheduler.js';
import { buildConfig } from '../../src/config/load.js';
import type { Clock } from '../../src/domain/model/time.js';
import { addMs } from '../../src/domain/model/time.js';

const T = '2026-06-06T14:14:00.000Z';
const at = (minutes: number, seconds = 0) => addMs(T, minutes * 60_000 + seconds * 1000);

describe.each(STORE_KINDS)('R8: the durable reminder schedule (%s)', (kind) => {
  let t: TestApp;
  const schedulers: ReminderScheduler[] = [];
  const scheduler = (instance: string, clock: Clock = t.clock, leaseMs = 10_000) => {
    const s = new ReminderScheduler({ store: t.store, config: t.config, clock, instance, leaseMs });
    schedulers.push(s);
    return s;
  };
  const rows = async (id: string) =>
    (await t.store.reminders.forIncident(Number(id.slice(4)))).map((r) => ({ kind: r.kind, dueAt: r.dueAt, fired: r.firedAt !== null }));
  const timeline = async (id: string, kind: string) => ok(t, 200, 'GET', `${API}/incidents/${id}/timeline?kind=${kind}`) as Promise<{ text: string; actor: string; recordedAt: string }[]>;

  beforeAll(async () => {
    t = await testApp(kind);
  });
  beforeEach(() => t.clock.set(T));
  afterAll(async () => {
    for (const s of schedulers) await s.stop();
    await t.close();
  });

  it('R8: declaring stores the due moments its state derives; posting an update replaces them in the same write', async () => {
    const { id } = await declare(t, { title: 'Checkout errors', severity: 'SEV2' });
    expect(await rows(id)).toEqual([
      { kind: 'update_due_soon', dueAt: at(10), fired: false },
      { kind: 'update_overdue', dueAt: at(15), fired: false },
      { kind: 'overdue_escalation', dueAt: at(45), fired: false },
    ]);
    t.clock.set(at(10));
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: at(40) });
    expect(await rows(id)).toEqual([
      { kind: 'update_due_soon', dueAt: at(35), fired: false },
      { kind: 'update_overdue', dueAt: at(40), fired: false },
      { kind: 'overdue_escalation', dueAt: at(70), fired: false },
    ]);
  });

  it('R8/R11: resolving cancels the update reminders and owes the postmortem; assigning it cancels that', async () => {
    const { id } = await declare(t, { title: 'Search slow', severity: 'SEV2' });
    t.clock.set(at(20));
    await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, { impact: 'Slow search for 20m.', whatWeKnow: 'Index rebuild.' });
    expect(await rows(id)).toEqual([{ kind: 'postmortem_owed', dueAt: addMs(at(20), 24 * 3_600_000), fired: false }]);
    await ok(t, 200, 'PUT', `${API}/incidents/${id}/postmortem`, { owner: 'admin', scheduledFor: '2026-06-09T15:00:00Z' });
    expect(await rows(id)).toEqual([]);
  });

  it('R4: a SEV1 role gap is scheduled, and filling the roles cancels it', async () => {
    await t.person('priya');
    await t.person('sam');
    const { id } = await declare(t, { title: 'Payments down', severity: 'SEV1' });
    expect((await rows(id)).filter((r) => r.kind === 'role_gap')).toEqual([{ kind: 'role_gap', dueAt: at(5), fired: false }]);
    await ok(t, 200, 'POST', `${API}/incidents/${id}/roles`, { role: 'comms_lead', person: 'priya' });
    await ok(t, 200, 'POST', `${API}/incidents/${id}/roles`, { role: 'scribe', person: 'sam' });
    expect((await rows(id)).filter((r) => r.kind === 'role_gap')).toEqual([]);
    await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, { impact: 'x', whatWeKnow: 'y' });
  });

  it('R8: a due reminder fires once, as system, on the timeline; a second pass or instance finds nothing', async () => {
    const { id } = await declare(t, { title: 'Login errors', severity: 'SEV2' });
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: at(30) });
    const a = scheduler('a');
    const b = scheduler('b');
    t.clock.set(at(24));
    expect(await a.tick()).toEqual([]);
    t.clock.set(at(25, 1));
    const first = await a.tick();
    expect(first.filter((f) => f.reminder.incident === Number(id.slice(4))).map((f) => [f.reminder.kind, f.outcome])).toEqual([['update_due_soon', 'fired']]);
    expect(await a.tick()).toEqual([]);
    expect(await b.tick()).toEqual([]);
    const dueSoon = await timeline(id, 'update_due_soon');
    expect(dueSoon).toHaveLength(1);
    expect(dueSoon[0]).toMatchObject({ actor: 'system', recordedAt: at(25, 1), text: 'Update due soon: next update promised by 14:44 UTC (no update since 14:14 UTC).' });
    const answer = await ok(t, 200, 'GET', `${API}/incidents/${id}`);
    expect(answer).toMatchObject({ updateDue: true, updateDueAt: at(25), overdue: false });

    t.clock.set(at(30, 2));
    await b.tick();
    expect(await timeline(id, 'update_overdue')).toMatchObject([{ actor: 'system', text: 'Update overdue: no update since 14:14 UTC, promised by 14:44 UTC.' }]);
    expect(await ok(t, 200, 'GET', `${API}/incidents/${id}`)).toMatchObject({ updateDue: false, overdue: true, overdueSince: at(30) });
    const listed = (await ok(t, 200, 'GET', `${API}/incidents?overdue=true`)) as { id: string }[];
    expect(listed.map((i) => i.id)).toContain(id);
    expect(await rows(id)).toEqual([
      { kind: 'update_due_soon', dueAt: at(25), fired: true },
      { kind: 'update_overdue', dueAt: at(30), fired: true },
      { kind: 'overdue_escalation', dueAt: at(60), fired: false },
    ]);

    // The escalation repeats every half cadence while the promise stays unkept…
    t.clock.set(at(61));
    await a.tick();
    expect((await rows(id)).filter((r) => r.kind === 'overdue_escalation')).toEqual([{ kind: 'overdue_escalation', dueAt: at(91), fired: false }]);
    // …and an update ends it.
    t.clock.set(at(62));
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: at(100) });
    t.clock.set(at(95));
    await a.tick();
    expect(await timeline(id, 'overdue_escalated')).toHaveLength(1);
    await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, { impact: 'x', whatWeKnow: 'y' });
  });

  it('R8: a claim holds for its lease; a dead instance’s claim is taken over after it; the late holder finds it taken', async () => {
    const { id } = await declare(t, { title: 'Queue backlog', severity: 'SEV2' });
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: at(3) });
    t.clock.set(at(3));
    // Instance "dead" claims and never fires.
    const claimed = await t.store.reminders.claimDue('dead', at(3), at(3, 10), 10);
    expect(claimed.map((r) => [r.kind, r.claimedBy, r.claimedUntil, r.attempts])).toEqual([['update_overdue', 'dead', at(3, 10), 1]]);
    expect(await t.store.reminders.claimDue('other', at(3), at(3, 10), 10)).toEqual([]);
    expect(await t.store.reminders.nextWake()).toBe(at(3, 10));
    const survivor = scheduler('survivor');
    t.clock.set(at(3, 9));
    expect(await survivor.tick()).toEqual([]);
    t.clock.set(at(3, 11));
    expect((await survivor.tick()).map((f) => [f.reminder.kind, f.outcome, f.reminder.attempts])).toEqual([['update_overdue', 'fired', 2]]);
    // The "dead" one was only slow: firing its stale claim now records nothing.
    const late = scheduler('dead');
    expect((await late.fire(claimed[0]!)).outcome).toBe('taken');
    expect(await timeline(id, 'update_overdue')).toHaveLength(1);
    await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, { impact: 'x', whatWeKnow: 'y' });
  });

  it('R8: two instances ticking at once over 30 due reminders fire each exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const { id } = await declare(t, { title: `Burst ${i}`, severity: 'SEV2' });
      await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: at(2, i) });
      ids.push(id);
    }
    t.clock.set(at(3));
    const a = new ReminderScheduler({ store: t.store, config: t.config, clock: t.clock, instance: 'a', batch: 4 });
    const b = new ReminderScheduler({ store: t.store, config: t.config, clock: t.clock, instance: 'b', batch: 4 });
    const [fa, fb] = await Promise.all([a.tick(), b.tick()]);
    const fired = [...fa, ...fb].filter((f) => f.outcome === 'fired');
    expect(fired).toHaveLength(30);
    expect(new Set(fired.map((f) => f.reminder.key)).size).toBe(30);
    for (const id of ids) expect(await timeline(id, 'update_overdue')).toHaveLength(1);
    for (const id of ids) await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, { impact: 'x', whatWeKnow: 'y' });
  });

  it('R8: resync brings stored rows in line with a changed configuration', async () => {
    const { id } = await declare(t, { title: 'Config change', severity: 'SEV2' });
    expect((await rows(id))[0]).toEqual({ kind: 'update_due_soon', dueAt: at(10), fired: false });
    const tenMinutes = buildConfig({ reminders: { dueSoon: '10m' } }, 'test');
    const s = new ReminderScheduler({ store: t.store, config: tenMinutes, clock: t.clock, instance: 'c' });
    expect(await s.resync()).toBeGreaterThan(0);
    expect((await rows(id))[0]).toEqual({ kind: 'update_due_soon', dueAt: at(5), fired: false });
    await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, { impact: 'x', whatWeKnow: 'y' });
  });

  it('R8: reminders are recorded as system, a handle nobody can take', async () => {
    const res = await t.call('POST', `${API}/people`, { handle: 'system', name: 'Mallory' });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'PERSON_EXISTS', details: { field: 'handle' } });
  });

  it('R8: the running loop sleeps, and wakes early when a write adds an earlier reminder', async () => {
    const { id } = await declare(t, { title: 'Wake early', severity: 'SEV2' });
    // The scheduler's clock runs in real time from 14:18:59.3; the app's stays at 14:14.
    const started = Date.now();
    const running: Clock = { now: () => new Date(Date.parse(at(4, 59.3)) + (Date.now() - started)) };
    const s = scheduler('loop', running);
    const firings: Firing[] = [];
    s.onFiring = (f) => firings.push(f);
    s.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(firings).toEqual([]);
    // Due-soon at 14:19:00 (5m before 14:24): 0.7s from now on the scheduler's clock, well before its 30s sleep ends.
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: at(10) });
    const deadline = Date.now() + 5_000;
    while (!firings.some((f) => f.outcome === 'fired') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const firing = firings.find((f) => f.outcome === 'fired');
    expect(firing?.reminder.kind).toBe('update_due_soon');
    const lateness = Date.parse(firing!.firedAt) - Date.parse(firing!.reminder.dueAt);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(1_000);
    await s.stop();
  });
});
