/**
 * Follow-up reminders (issue 16, item 2): the owner is e-mailed through the notification
 * path's e-mail deliveries when an item falls due and when it is overdue, once per item
 * per due date — not again on the next pass, nor after a restart (a new worker).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, declare, ok } from '../api/helpers.js';
import { FollowUpReminders } from '../../src/processors/follow-up-reminders.js';

const T = '2026-06-06T14:14:00.000Z';

describe.each(STORE_KINDS)('follow-up reminders (%s)', (kind) => {
  let t: TestApp;
  let inc: string;
  const worker = (mail = true) => new FollowUpReminders({ store: t.store, clock: t.clock, mail, publicUrl: 'https://incidents.example.com' });
  const mails = async () => (await t.store.email.all()).filter((m) => m.type.startsWith('follow_up.'));
  const open = async (title: string, due: string, owner = 'sam') => ok(t, 201, 'POST', `${API}/incidents/${inc}/follow-ups`, { title, owner, due });

  beforeAll(async () => {
    t = await testApp(kind);
    await ok(t, 201, 'POST', `${API}/people`, { handle: 'sam', name: 'Sam', role: 'responder', email: 'sam@example.com' });
    await ok(t, 201, 'POST', `${API}/people`, { handle: 'lee', name: 'Lee', role: 'responder' });
    inc = (await declare(t, { title: 'Checkout errors', severity: 'SEV2' })).id;
  });
  beforeEach(() => t.clock.set(T));
  afterAll(() => t.close());

  it('sends "due" on the due day and "overdue" the day after, each once, not again after a restart', async () => {
    const item = await open('Alert on checkout error rate', '2026-06-08');
    expect(await worker().pass()).toBe('2026-06-08T00:00:00.000Z');
    expect(await mails()).toHaveLength(0);

    t.clock.set('2026-06-08T07:30:00.000Z');
    expect(await worker().pass()).toBe('2026-06-09T00:00:00.000Z');
    const due = await mails();
    expect(due.map((m) => [m.type, m.address, m.eventId])).toEqual([['follow_up.due', 'sam@example.com', 0]]);
    expect(due[0]!.subject).toBe(`[${inc}] Follow-up due today: Alert on checkout error rate`);
    expect(due[0]!.text).toContain(`incident follow-up done ${item.id}`);
    await worker().pass();
    expect(await mails()).toHaveLength(1);

    t.clock.set('2026-06-09T00:00:00.000Z');
    await worker().pass();
    await worker().pass();
    expect((await mails()).map((m) => m.type)).toEqual(['follow_up.due', 'follow_up.overdue']);
    expect((await mails())[1]!.subject).toBe(`[${inc}] Follow-up overdue: Alert on checkout error rate`);

    // A new due date earns new reminders; done earns none.
    await ok(t, 200, 'PATCH', `${API}/follow-ups/${item.id}`, { due: '2026-06-10' });
    t.clock.set('2026-06-10T09:00:00.000Z');
    await worker().pass();
    expect((await mails()).map((m) => m.type)).toEqual(['follow_up.due', 'follow_up.overdue', 'follow_up.due']);
    await ok(t, 200, 'PATCH', `${API}/follow-ups/${item.id}`, { state: 'done' });
    t.clock.set('2026-06-12T09:00:00.000Z');
    expect(await worker().pass()).toBeNull();
    expect(await mails()).toHaveLength(3);
  });

  it('an item first seen overdue gets only the overdue reminder; an owner without an address, or no mail, gets the mark but no e-mail', async () => {
    const before = (await mails()).length;
    const late = await open('Runbook for rollback', '2026-06-06');
    const quiet = await open('Canary for payments', '2026-06-06', 'lee');
    t.clock.set('2026-06-08T00:00:00.000Z');
    await worker().pass();
    const sent = (await mails()).slice(before);
    expect(sent.map((m) => [m.type, m.recipient])).toEqual([['follow_up.overdue', `follow-up-${late.id}-overdue-2026-06-06`]]);
    const third = await open('Dashboards for the pool', '2026-06-08');
    t.clock.set('2026-06-08T12:00:00.000Z');
    await worker(false).pass();
    await worker().pass();
    expect((await mails()).slice(before)).toHaveLength(1);
    const stored = await t.store.followUps.get(third.id);
    expect([stored?.dueRemindedFor, (await t.store.followUps.get(quiet.id))?.overdueRemindedFor]).toEqual(['2026-06-08', '2026-06-06']);
  });
});
