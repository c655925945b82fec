/**
 * Issue 17 (3): status page subscribers hear about scheduled maintenance that touches what
 * they follow — scheduled, rescheduled, started, completed, cancelled — each once, by
 * e-mail (a real local SMTP server) and by signed webhook (a real local receiver). The
 * rules pure, then on both stores.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, ok } from '../api/helpers.js';
import { SmtpReceiver } from '../support/smtp-receiver.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { deliverer, formPoster, subscribeFollowing } from './support.js';
import { MaintenanceNotices } from '../../src/processors/notifications/maintenance-notices.js';
import { decideCancel, decideChange, decideSchedule, type MaintenanceWindow, type ReminderLead } from '../../src/domain/maintenance/window.js';
import { LATE_NOTICE_MS, nextNoticeMoment, noticeOfChange, noticesOwed, scheduledNotice, worthSending, type NoticeHistory, type NoticeKind } from '../../src/domain/maintenance/notices.js';

const T = '2026-06-06T14:14:00.000Z';
const H = 3_600_000;
const at = (hours: number) => new Date(Date.parse(T) + hours * H).toISOString();
const PUBLIC_URL = 'https://status.example.com';
const CONFIG = {
  organization: { name: 'Example', statusPageTitle: 'Example Status' },
  components: [
    { id: 'checkout', name: 'Checkout' },
    { id: 'search', name: 'Search' },
  ],
};

describe('what subscribers are told of maintenance (pure)', () => {
  const known = { knownComponents: ['checkout', 'search'] };
  const window = decideSchedule(
    { title: 'Database upgrade', message: 'Checkout is read-only.', components: ['checkout'], startsAt: at(2), endsAt: at(4) },
    { id: 'mnt_1', actor: 'priya', now: T, ...known },
  );
  const had = (...kinds: NoticeKind[]) => new Set(kinds);
  const announced = had('scheduled');
  /** Told these kinds, the window announced when it was scheduled (T). */
  const told = (...before: NoticeKind[]): NoticeHistory => ({ kinds: had(...before), keys: new Set(), announcedAt: before.length ? T : null });
  const kinds = (now: string, ...before: NoticeKind[]) => noticesOwed(window, told(...before), now).map((n) => n.kind);

  it('scheduling announces the window, as it is, to those following its components', () => {
    expect(scheduledNotice(window)).toEqual({ kind: 'scheduled', key: 'mnt_1:scheduled', version: 1, components: ['checkout'], window });
  });

  it('a change of times or components is a reschedule (once per version, to those following before or after); words alone are not sent', () => {
    const moved = decideChange(window, { startsAt: at(3), endsAt: at(5) }, { now: T, ...known });
    expect(noticeOfChange(window, moved, T, announced)).toEqual({ kind: 'rescheduled', key: 'mnt_1:rescheduled:2', version: 2, components: ['checkout'], window: moved });
    const widened = decideChange(moved, { components: ['search'] }, { now: T, ...known });
    expect(noticeOfChange(moved, widened, T, announced)?.components).toEqual(['checkout', 'search']);
    const reworded = decideChange(window, { message: 'Checkout is read-only for ten minutes.' }, { now: T, ...known });
    expect(noticeOfChange(window, reworded, T, announced)).toBeNull();
  });

  it('calling it off is a cancellation; ending it early is its completion; a window never announced tells nothing', () => {
    expect(noticeOfChange(window, decideCancel(window, T), T, announced)?.kind).toBe('cancelled');
    const ended = decideChange(window, { endsAt: at(3) }, { now: at(3), ...known });
    expect(noticeOfChange(window, ended, at(3), announced)).toMatchObject({ kind: 'completed', key: 'mnt_1:completed' });
    expect(noticeOfChange(window, decideCancel(window, T), T, had())).toBeNull();
    expect(noticeOfChange(window, decideChange(window, { endsAt: at(5) }, { now: T, ...known }), T, had())).toBeNull();
  });

  it('the clock owes a start once in progress and an end once over, each once, only for an announced window, and not later than an hour', () => {
    expect(kinds(at(0.5), 'scheduled')).toEqual([]);
    expect(kinds(at(2), 'scheduled')).toEqual(['started']);
    expect(kinds(at(2.5), 'scheduled', 'started')).toEqual([]);
    expect(kinds(at(4), 'scheduled', 'started')).toEqual(['completed']);
    // Over before anyone heard it start: its end says more.
    expect(kinds(at(4.5), 'scheduled')).toEqual(['completed']);
    expect(kinds(at(4.5), 'scheduled', 'started', 'completed')).toEqual([]);
    expect(kinds(at(2), 'scheduled', 'cancelled')).toEqual([]);
    expect(kinds(at(2))).toEqual([]);
    const late = Date.parse(at(2)) + LATE_NOTICE_MS + 1;
    expect(kinds(new Date(late).toISOString(), 'scheduled')).toEqual([]);
  });

  it('the clock owes a reminder in the hour before the start: once per start, not when told of its times within the hour before the reminder', () => {
    const reminder = `mnt_1:reminder:1h:${at(2)}`;
    expect(window.remindBefore).toEqual(['1h']);
    expect(kinds(at(0.99), 'scheduled')).toEqual([]);
    expect(noticesOwed(window, told('scheduled'), at(1))).toEqual([{ kind: 'reminder', remindBefore: '1h', key: reminder, version: 1, components: ['checkout'], window }]);
    expect(kinds(at(1.25), 'scheduled', 'rescheduled')).toEqual(['reminder']);
    // More than a quarter of its hour late (the server was down): "in 1 hour" would no longer be true.
    expect(kinds(at(1.26), 'scheduled', 'rescheduled')).toEqual([]);
    expect(noticesOwed(window, { ...told('scheduled', 'reminder'), keys: new Set([reminder]) }, at(1.5))).toEqual([]);
    // Moved later after its reminder: the new start is owed one.
    const moved = decideChange(window, { startsAt: at(5), endsAt: at(6) }, { now: at(1.5), ...known });
    const afterMove = { kinds: had('scheduled', 'reminder', 'rescheduled'), keys: new Set([reminder]), announcedAt: at(1.5) };
    expect(noticesOwed(moved, afterMove, at(4)).map((n) => n.key)).toEqual([`mnt_1:reminder:1h:${at(5)}`]);
    // Scheduled or moved within the hour, or within an hour before the reminder: that notice was the reminder.
    expect(noticesOwed(window, { ...told('scheduled'), announcedAt: at(1) }, at(1.5))).toEqual([]);
    expect(noticesOwed(window, { ...told('scheduled'), announcedAt: at(0.5) }, at(1))).toEqual([]);
    expect(noticesOwed(window, { ...told('scheduled'), announcedAt: at(0) }, at(1)).map((n) => n.kind)).toEqual(['reminder']);
    expect(noticesOwed(moved, { ...afterMove, announcedAt: at(4.5) }, at(4.6))).toEqual([]);
    expect(kinds(at(1.5))).toEqual([]);
    expect(kinds(at(1.5), 'scheduled', 'cancelled')).toEqual([]);
    // The worker wakes for it: the next moment is the reminder, then the start, then the end.
    expect([T, at(1), at(2), at(4)].map((now) => nextNoticeMoment([window], now))).toEqual([at(1), at(2), at(4), null]);
    expect(nextNoticeMoment([decideCancel(window, T)], T)).toBeNull();
  });

  describe('reminders at the lead times chosen', () => {
    /** Announced when scheduled (T), starting `startH` hours later, reminded `remindBefore` ahead. */
    const chosen = (startH: number, remindBefore: ReminderLead[]) =>
      decideSchedule({ title: 'Storage move', message: 'Read-only.', components: ['checkout'], startsAt: at(startH), endsAt: at(startH + 2), remindBefore }, { id: 'mnt_2', actor: 'priya', now: T, ...known });
    const owed = (w: MaintenanceWindow, now: string, keys: string[] = []) =>
      noticesOwed(w, { ...told('scheduled'), keys: new Set(keys) }, now).map((n) => `${n.kind}${n.kind === 'reminder' ? ` ${n.remindBefore} ${n.key}` : ''}`);

    it('24 hours and 1 hour: one reminder at each moment, keyed by its lead time, once each', () => {
      const w = chosen(48, ['24h', '1h']);
      expect(w.remindBefore).toEqual(['1h', '24h']);
      const day = `mnt_2:reminder:24h:${at(48)}`;
      const hour = `mnt_2:reminder:1h:${at(48)}`;
      expect(owed(w, at(23.99))).toEqual([]);
      expect(owed(w, at(24))).toEqual([`reminder 24h ${day}`]);
      expect(owed(w, at(24.5), [day])).toEqual([]);
      expect(owed(w, at(46.99), [day])).toEqual([]);
      expect(owed(w, at(47), [day])).toEqual([`reminder 1h ${hour}`]);
      expect(owed(w, at(47.5), [day, hour])).toEqual([]);
      // The worker wakes for each: the day's reminder, the hour's, the start, the end.
      expect([T, at(24), at(47), at(48), at(50)].map((now) => nextNoticeMoment([w], now))).toEqual([at(24), at(47), at(48), at(50), null]);
    });

    it('72 hours chosen for a window scheduled 10 hours ahead: no late 72-hour reminder, the hour\'s as usual', () => {
      const w = chosen(10, ['72h', '1h']);
      expect(owed(w, T)).toEqual([]);
      expect(owed(w, at(5))).toEqual([]);
      expect(nextNoticeMoment([w], T)).toBe(at(9));
      expect(owed(w, at(9))).toEqual([`reminder 1h mnt_2:reminder:1h:${at(10)}`]);
      expect(owed(chosen(10, ['72h']), at(9))).toEqual([]);
      expect(nextNoticeMoment([chosen(10, ['72h'])], T)).toBe(at(10));
    });

    it('down through both the 24-hour and the 1-hour moments: only the nearest, and none later than a quarter of its lead (an hour at most)', () => {
      const w = chosen(48, ['1h', '24h']);
      expect(owed(w, at(47.25))).toEqual([`reminder 1h mnt_2:reminder:1h:${at(48)}`]);
      expect(owed(w, at(47.5))).toEqual([]);
      // Back 90 minutes after the day's moment: "in 24 hours" is no longer true, and the hour's comes later.
      expect(owed(w, at(25.5))).toEqual([]);
      expect(owed(w, at(24.9))).toEqual([`reminder 24h mnt_2:reminder:24h:${at(48)}`]);
      // The day's, kept but stuck in fan-out until the hour's moment, is not sent beside it.
      const kept = { kind: 'reminder' as const, remindBefore: '24h' as const, window: w, createdAt: at(24) };
      expect(worthSending(kept, at(24.9))).toBe(true);
      expect(worthSending(kept, at(47))).toBe(false);
    });

    it('none chosen: no reminder, and the worker does not wake for one', () => {
      const w = chosen(48, []);
      expect(w.remindBefore).toEqual([]);
      expect([at(24), at(47), at(47.9)].flatMap((now) => owed(w, now))).toEqual([]);
      expect(nextNoticeMoment([w], T)).toBe(at(48));
    });

    it('moved later after its reminders: each is owed again for the new start; told of the move within the hour before one, not that one', () => {
      const w = chosen(48, ['1h', '24h']);
      const day = `mnt_2:reminder:24h:${at(48)}`;
      const moved = decideChange(w, { startsAt: at(60), endsAt: at(61) }, { now: at(30), ...known });
      const afterMove = (announcedAt: string) => ({ kinds: had('scheduled', 'reminder', 'rescheduled'), keys: new Set([day]), announcedAt });
      expect(noticesOwed(moved, afterMove(at(30)), at(36)).map((n) => n.key)).toEqual([`mnt_2:reminder:24h:${at(60)}`]);
      expect(noticesOwed(moved, afterMove(at(35.5)), at(36))).toEqual([]);
      expect(noticesOwed(moved, afterMove(at(30)), at(59)).map((n) => n.key)).toEqual([`mnt_2:reminder:1h:${at(60)}`]);
    });

    it('a reminder kept before lead times were chosen (its key without one) was the hour\'s: not sent again', () => {
      expect(noticesOwed(window, { ...told('scheduled', 'reminder'), keys: new Set([`mnt_1:reminder:${at(2)}`]) }, at(1.5))).toEqual([]);
    });
  });

  it('a kept notice goes out within an hour of what it tells, or later only if it announces a window not yet begun', () => {
    const kept = (kind: Exclude<NoticeKind, 'reminder'>, createdAt: string) => ({ kind, window, createdAt });
    expect(worthSending(kept('cancelled', T), at(1))).toBe(true);
    expect(worthSending(kept('cancelled', T), at(1.01))).toBe(false);
    expect(worthSending(kept('scheduled', T), at(1.9))).toBe(true);
    expect(worthSending(kept('rescheduled', T), at(2))).toBe(false);
    expect(worthSending(kept('started', at(2)), at(3.5))).toBe(false);
    // The hour's reminder, stuck in fan-out: worth sending while "in 1 hour" is about true (a quarter of it late), and so never near the start.
    const reminder = { kind: 'reminder' as const, remindBefore: '1h' as const, window, createdAt: at(1) };
    expect(worthSending(reminder, at(1.25))).toBe(true);
    expect(worthSending(reminder, at(1.26))).toBe(false);
  });
});

describe.each(STORE_KINDS)('maintenance notices to subscribers (%s)', (kind) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  let hooks: WebhookReceiver;
  const deliver = deliverer(() => t, () => smtp, PUBLIC_URL);
  const notices = () => new MaintenanceNotices({ store: t.store, config: t.config, clock: t.clock, mail: true, publicUrl: PUBLIC_URL });
  /** The worker's pass, then the notification processor's. */
  const tell = async () => {
    await notices().pass();
    await deliver();
  };
  const form = formPoster(() => t, '10.2.0');
  const subscribe = (email: string, components: string[]) => subscribeFollowing(form, smtp, deliver, email, components);
  /** Who got mail since the last call (sorted), by subject. */
  const mailed = () => {
    const got = smtp.messages.map((m) => `${m.to.join(',')} ${m.subject}`).sort();
    smtp.messages.length = 0;
    return got;
  };
  // Deliveries go out side by side: a receiver orders them by `sequence`, as these do.
  const hooked = (name: string) =>
    hooks
      .on(name)
      .map((r) => JSON.parse(r.raw) as { type: string; notice: string; remindBefore?: string; sequence: number; scheduled_maintenance: Record<string, unknown> })
      .sort((a, b) => a.sequence - b.sequence);
  const schedule = (components: string[], startH: number, endH: number, title = 'Database upgrade') =>
    ok(t, 201, 'POST', `${API}/maintenances`, { title, message: 'Checkout is **read-only**.', components, startsAt: at(startH), endsAt: at(endH) });

  beforeAll(async () => {
    t = await testApp(kind, CONFIG);
    t.clock.set(T);
    smtp = await new SmtpReceiver().start();
    hooks = await new WebhookReceiver().start();
    await subscribe('all@example.com', []);
    await subscribe('checkout@example.com', ['checkout']);
    await subscribe('search@example.com', ['search']);
    const all = await ok(t, 201, 'POST', `${API}/status-subscribers/webhooks`, { url: hooks.url('all') });
    hooks.secrets.set('/hook/all', all.secret);
    await ok(t, 201, 'POST', `${API}/status-subscribers/webhooks`, { url: hooks.url('search'), components: ['search'] });
    await deliver();
    smtp.messages.length = 0;
  });
  afterEach(async () => {
    // A window left open would start or end under the next test's clock.
    for (const state of ['scheduled', 'in_progress'])
      for (const open of (await ok(t, 200, 'GET', `${API}/maintenances?state=${state}`)) as { id: string }[]) await ok(t, 200, 'POST', `${API}/maintenances/${open.id}/cancel`);
    await tell();
    smtp.messages.length = 0;
    hooks.received.length = 0;
  });
  afterAll(async () => {
    await hooks.stop();
    await smtp.stop();
    await t.close();
  });

  it('a window on checkout: scheduled, rescheduled, started and completed reach those following checkout or everything, each once', async () => {
    t.clock.set(T);
    const window = await schedule(['checkout'], 2, 4);
    await tell();
    await tell();
    expect(mailed()).toEqual([
      'all@example.com [Example Status] Scheduled maintenance: Database upgrade',
      'checkout@example.com [Example Status] Scheduled maintenance: Database upgrade',
    ]);
    const [scheduled] = hooked('all');
    expect(hooks.on('all')[0]!.signatureValid).toBe(true);
    expect(scheduled).toMatchObject({ type: 'status.maintenance_updated', notice: 'scheduled' });
    expect(scheduled).not.toHaveProperty('remindBefore');
    expect(scheduled!.scheduled_maintenance).toMatchObject({
      id: window.id,
      name: 'Database upgrade',
      status: 'scheduled',
      impact: 'maintenance',
      scheduled_for: at(2),
      scheduled_until: at(4),
      components: [{ id: 'checkout', name: 'Checkout' }],
    });
    expect(hooks.on('search')).toHaveLength(0);

    // New words alone: nothing is sent. New times: a reschedule.
    await ok(t, 200, 'PATCH', `${API}/maintenances/${window.id}`, { message: 'Checkout is read-only for ten minutes.' });
    await tell();
    expect(mailed()).toEqual([]);
    await ok(t, 200, 'PATCH', `${API}/maintenances/${window.id}`, { startsAt: at(3), endsAt: at(5) });
    await tell();
    expect(mailed()).toEqual([
      'all@example.com [Example Status] Maintenance rescheduled: Database upgrade',
      'checkout@example.com [Example Status] Maintenance rescheduled: Database upgrade',
    ]);

    t.clock.set(at(3));
    await tell();
    await tell();
    expect(mailed()).toEqual([
      'all@example.com [Example Status] Maintenance in progress: Database upgrade',
      'checkout@example.com [Example Status] Maintenance in progress: Database upgrade',
    ]);
    t.clock.set(at(5.1));
    await tell();
    await tell();
    expect(mailed()).toEqual([
      'all@example.com [Example Status] Maintenance completed: Database upgrade',
      'checkout@example.com [Example Status] Maintenance completed: Database upgrade',
    ]);
    expect(hooked('all').map((b) => `${b.notice} ${b.scheduled_maintenance.status}`)).toEqual([
      'scheduled scheduled',
      'rescheduled scheduled',
      'started in_progress',
      'completed completed',
    ]);
    expect(hooks.on('search')).toHaveLength(0);
  });

  it('the mail says when, what it affects and the window\'s words, in UTC, with the one-click way out', async () => {
    t.clock.set(T);
    const window = await schedule(['checkout'], 1, 2, 'Card network maintenance');
    await tell();
    const mail = smtp.to('checkout@example.com')[0]!;
    expect(mail.text).toContain('Maintenance is scheduled from 2026-06-06 15:14 UTC to 2026-06-06 16:14 UTC.');
    expect(mail.text).toContain('Affects: Checkout');
    expect(mail.text).toContain('Checkout is **read-only**.');
    expect(mail.html).toContain('<strong>read-only</strong>');
    expect(mail.text).toMatch(new RegExp(`Unsubscribe: ${PUBLIC_URL}/status/unsubscribe\\?token=`));
    expect(mail.raw).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    expect(window.title).toBe('Card network maintenance');
  });

  it('a window on search called off reaches those following search or everything, not checkout', async () => {
    t.clock.set(T);
    const window = await schedule(['search'], 2, 3, 'Reindex');
    await tell();
    await ok(t, 200, 'POST', `${API}/maintenances/${window.id}/cancel`);
    await tell();
    expect(mailed()).toEqual([
      'all@example.com [Example Status] Maintenance cancelled: Reindex',
      'all@example.com [Example Status] Scheduled maintenance: Reindex',
      'search@example.com [Example Status] Maintenance cancelled: Reindex',
      'search@example.com [Example Status] Scheduled maintenance: Reindex',
    ]);
    const cancelled = hooks.on('search').map((r) => JSON.parse(r.raw) as { notice: string; scheduled_maintenance: { status: string } });
    expect(cancelled.map((b) => `${b.notice} ${b.scheduled_maintenance.status}`)).toEqual(['scheduled scheduled', 'cancelled cancelled']);
    // The clock owes a cancelled window nothing.
    t.clock.set(at(2.5));
    await tell();
    expect(mailed()).toEqual([]);
  });

  it('ended early by moving its end to now: completed once, and nothing more when its old end comes', async () => {
    t.clock.set(T);
    const window = await schedule(['checkout'], 1, 3, 'Cache flush');
    await tell();
    t.clock.set(at(1.5));
    await tell();
    mailed();
    await ok(t, 200, 'PATCH', `${API}/maintenances/${window.id}`, { endsAt: at(1.5) });
    await tell();
    expect(mailed()).toEqual([
      'all@example.com [Example Status] Maintenance completed: Cache flush',
      'checkout@example.com [Example Status] Maintenance completed: Cache flush',
    ]);
    t.clock.set(at(3));
    await tell();
    expect(mailed()).toEqual([]);
  });

  it('a start noticed more than an hour late is not sent; two workers at once fan each notice out once', async () => {
    t.clock.set(T);
    await schedule(['checkout'], 1, 5, 'Long migration');
    await Promise.all([notices().pass(), notices().pass()]);
    await deliver();
    expect(mailed()).toHaveLength(2);
    t.clock.set(at(2.5));
    await Promise.all([notices().pass(), notices().pass()]);
    await deliver();
    expect(mailed()).toEqual([]);
    t.clock.set(at(5.5));
    await Promise.all([notices().pass(), notices().pass()]);
    await deliver();
    expect(mailed()).toEqual([
      'all@example.com [Example Status] Maintenance completed: Long migration',
      'checkout@example.com [Example Status] Maintenance completed: Long migration',
    ]);
  });

  it('a window naming no component reaches only those following everything', async () => {
    t.clock.set(T);
    await schedule([], 2, 3, 'Network switch replacement');
    await tell();
    expect(mailed()).toEqual(['all@example.com [Example Status] Scheduled maintenance: Network switch replacement']);
    expect(hooks.on('search')).toHaveLength(0);
    expect(hooked('all').map((b) => b.notice)).toEqual(['scheduled']);
  });

  it('moved from checkout to search: those who followed checkout hear it no longer affects them, those following search hear it now does', async () => {
    t.clock.set(T);
    const window = await schedule(['checkout'], 2, 3, 'Index rebuild');
    await tell();
    mailed();
    await ok(t, 200, 'PATCH', `${API}/maintenances/${window.id}`, { components: ['search'] });
    await tell();
    expect(mailed()).toEqual([
      'all@example.com [Example Status] Maintenance rescheduled: Index rebuild',
      'checkout@example.com [Example Status] Maintenance rescheduled: Index rebuild',
      'search@example.com [Example Status] Maintenance rescheduled: Index rebuild',
    ]);
    await ok(t, 200, 'PATCH', `${API}/maintenances/${window.id}`, { components: ['checkout'] });
    await tell();
    const mail = smtp.to('search@example.com')[0]!;
    expect(mail.text).toContain('Affects: Checkout');
    expect(mail.text).toContain('No longer affects: Search');
  });

  it('extended while in progress: told its new end, and completed at that end, not the old one', async () => {
    t.clock.set(T);
    const window = await schedule(['checkout'], 1, 2, 'Failover test');
    t.clock.set(at(1.2));
    await tell();
    mailed();
    await ok(t, 200, 'PATCH', `${API}/maintenances/${window.id}`, { endsAt: at(3) });
    await tell();
    expect(smtp.to('checkout@example.com').map((m) => m.subject)).toEqual(['[Example Status] Maintenance rescheduled: Failover test']);
    expect(smtp.to('checkout@example.com')[0]!.text).toContain('The maintenance in progress is now planned to end by 2026-06-06 17:14 UTC.');
    mailed();
    t.clock.set(at(2.1));
    await tell();
    expect(mailed()).toEqual([]);
    t.clock.set(at(3));
    await tell();
    expect(mailed()).toEqual([
      'all@example.com [Example Status] Maintenance completed: Failover test',
      'checkout@example.com [Example Status] Maintenance completed: Failover test',
    ]);
  });

  it('called off while in progress: the mail says when, and the webhook shows it had begun', async () => {
    t.clock.set(T);
    const window = await schedule(['checkout'], 1, 3, 'Storage migration');
    t.clock.set(at(1.5));
    await tell();
    mailed();
    hooks.received.length = 0;
    await ok(t, 200, 'POST', `${API}/maintenances/${window.id}/cancel`);
    await tell();
    expect(smtp.to('checkout@example.com')[0]!.text).toContain('The maintenance was called off at 2026-06-06 15:44 UTC.');
    const [cancelled] = hooked('all');
    const updates = (cancelled!.scheduled_maintenance.incident_updates as { status: string }[]).map((u) => u.status);
    expect([cancelled!.scheduled_maintenance.status, updates]).toEqual(['cancelled', ['in_progress', 'scheduled']]);
  });

  it('a notice says what was true when it happened, even when the window changed again before it went out', async () => {
    t.clock.set(T);
    const window = await schedule(['search'], 2, 3, 'Shard split');
    await ok(t, 200, 'PATCH', `${API}/maintenances/${window.id}`, { startsAt: at(3), endsAt: at(4) });
    await ok(t, 200, 'POST', `${API}/maintenances/${window.id}/cancel`);
    await tell();
    // Mails arrive in any order; the three lines sort as listed.
    expect(smtp.to('search@example.com').map((m) => m.text.split(/\r?\n/)[1]).sort()).toEqual([
      'Maintenance is scheduled from 2026-06-06 16:14 UTC to 2026-06-06 17:14 UTC.',
      'The maintenance has changed: it is now scheduled from 2026-06-06 17:14 UTC to 2026-06-06 18:14 UTC.',
      'The maintenance planned from 2026-06-06 17:14 UTC to 2026-06-06 18:14 UTC has been cancelled: it will not take place.',
    ]);
    const bodies = hooked('search');
    expect(bodies.every((b) => Number.isInteger(b.sequence))).toBe(true);
    expect(bodies.map((b) => `${b.notice} ${b.scheduled_maintenance.status} ${b.scheduled_maintenance.scheduled_for}`)).toEqual([
      `scheduled scheduled ${at(2)}`,
      `rescheduled scheduled ${at(3)}`,
      `cancelled cancelled ${at(3)}`,
    ]);
    // Called off before it began: no "in progress" update in its history.
    expect((bodies[2]!.scheduled_maintenance.incident_updates as { status: string }[]).map((u) => u.status)).toEqual(['scheduled']);
  });

  it('an hour before it starts its followers are reminded, once per start; a window moved at short notice is not reminded again', async () => {
    t.clock.set(T);
    const window = await schedule(['checkout'], 3, 4, 'Cache flush');
    await tell();
    mailed();
    hooks.received.length = 0;
    t.clock.set(at(1.9));
    await tell();
    expect(mailed()).toEqual([]);
    t.clock.set(at(2));
    await tell();
    await tell();
    expect(mailed()).toEqual(['all@example.com [Example Status] Maintenance reminder: Cache flush', 'checkout@example.com [Example Status] Maintenance reminder: Cache flush']);
    expect(hooked('search')).toEqual([]);
    const [reminder] = hooked('all');
    expect([reminder!.notice, reminder!.remindBefore, reminder!.scheduled_maintenance.status, reminder!.scheduled_maintenance.scheduled_for]).toEqual(['reminder', '1h', 'scheduled', at(3)]);

    // Pushed back a day: told of the move, and reminded again before the new start.
    t.clock.set(at(2.5));
    await ok(t, 200, 'PATCH', `${API}/maintenances/${window.id}`, { startsAt: at(27), endsAt: at(28) });
    await tell();
    mailed();
    t.clock.set(at(26));
    await tell();
    expect(smtp.to('checkout@example.com').map((m) => m.text.split(/\r?\n/)[1])).toEqual([
      'Reminder: maintenance begins in 1 hour, at 2026-06-07 17:14 UTC, and is planned to end by 2026-06-07 18:14 UTC.',
    ]);
    mailed();

    // Moved again within its last hour: that notice is the reminder; no second one for the new start.
    t.clock.set(at(26.5));
    await ok(t, 200, 'PATCH', `${API}/maintenances/${window.id}`, { startsAt: at(27.2), endsAt: at(28) });
    t.clock.set(at(26.6));
    await tell();
    expect(mailed()).toEqual(['all@example.com [Example Status] Maintenance rescheduled: Cache flush', 'checkout@example.com [Example Status] Maintenance rescheduled: Cache flush']);
  });

  it('reminders chosen 24 hours and 1 hour ahead: each says how far ahead it is, by mail and in the webhook\'s remindBefore', async () => {
    t.clock.set(T);
    const window = await ok(t, 201, 'POST', `${API}/maintenances`, {
      title: 'Datacenter move',
      message: 'Checkout is **read-only**.',
      components: ['checkout'],
      startsAt: at(30),
      endsAt: at(31),
      remindBefore: ['1h', '24h'],
    });
    expect(window.remindBefore).toEqual(['1h', '24h']);
    await tell();
    mailed();
    hooks.received.length = 0;
    t.clock.set(at(5.9));
    expect(await notices().pass()).toBe(at(6));
    t.clock.set(at(6));
    await tell();
    await tell();
    const said = () => smtp.to('checkout@example.com').map((m) => m.text.split(/\r?\n/)[1]);
    expect(said()).toEqual(['Reminder: maintenance begins in 24 hours, at 2026-06-07 20:14 UTC, and is planned to end by 2026-06-07 21:14 UTC.']);
    expect(mailed()).toEqual(['all@example.com [Example Status] Maintenance reminder: Datacenter move', 'checkout@example.com [Example Status] Maintenance reminder: Datacenter move']);
    t.clock.set(at(29));
    await tell();
    expect(said()).toEqual(['Reminder: maintenance begins in 1 hour, at 2026-06-07 20:14 UTC, and is planned to end by 2026-06-07 21:14 UTC.']);
    const bodies = hooked('all');
    expect(bodies.map((b) => [b.notice, b.remindBefore, b.scheduled_maintenance.scheduled_for])).toEqual([
      ['reminder', '24h', at(30)],
      ['reminder', '1h', at(30)],
    ]);
  });

  it('a title is text, never markup, in the mail', async () => {
    t.clock.set(T);
    await schedule(['checkout'], 2, 3, '<img src=x onerror=alert(1)> upgrade');
    await tell();
    const mail = smtp.to('checkout@example.com')[0]!;
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt; upgrade');
  });

  it('a window scheduled before subscribers were told of maintenance: its changes, cancelling, start and end tell no one', async () => {
    t.clock.set(T);
    const old = decideSchedule(
      { title: 'Old window', message: 'Scheduled before this version.', components: ['checkout'], startsAt: at(1), endsAt: at(2) },
      { id: 'mnt_00000000000000aa', actor: 'admin', now: T, knownComponents: ['checkout', 'search'] },
    );
    await t.store.transaction((tx) => tx.maintenance.insert(old));
    await ok(t, 200, 'PATCH', `${API}/maintenances/${old.id}`, { startsAt: at(0.5) });
    t.clock.set(at(0.6));
    await tell();
    t.clock.set(at(2));
    await tell();
    const older = decideSchedule(
      { title: 'Older window', message: 'Also from before.', components: [], startsAt: at(3), endsAt: at(4) },
      { id: 'mnt_00000000000000ab', actor: 'admin', now: at(2), knownComponents: [] },
    );
    await t.store.transaction((tx) => tx.maintenance.insert(older));
    await ok(t, 200, 'POST', `${API}/maintenances/${older.id}/cancel`);
    await tell();
    expect(mailed()).toEqual([]);
    expect(hooks.received).toEqual([]);
  });

  it('a notice is claimed once: a second claim, here or on another instance, finds it taken', async () => {
    t.clock.set(T);
    const window = await schedule(['checkout'], 2, 3, 'Claimed once');
    const mine = (await t.store.maintenance.pendingNotices(50)).filter((n) => n.maintenanceId === window.id);
    expect(mine.map((n) => n.kind)).toEqual(['scheduled']);
    expect(await t.store.transaction((tx) => tx.maintenance.claimNotice(mine[0]!.id, T))).toBe(true);
    expect(await t.store.transaction((tx) => tx.maintenance.claimNotice(mine[0]!.id, T))).toBe(false);
    expect((await t.store.maintenance.pendingNotices(50)).filter((n) => n.maintenanceId === window.id)).toEqual([]);
  });

  it('the running worker wakes when a window is scheduled, and a pass answers when the next notice is owed (its reminder)', async () => {
    t.clock.set(T);
    const worker = notices();
    worker.start();
    try {
      await schedule(['checkout'], 2, 3, 'Woken');
      for (let tries = 0; tries < 100 && smtp.messages.length < 2; tries++) {
        await deliver();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(mailed()).toEqual(['all@example.com [Example Status] Scheduled maintenance: Woken', 'checkout@example.com [Example Status] Scheduled maintenance: Woken']);
    } finally {
      await worker.stop();
    }
    expect(await notices().pass()).toBe(at(1));
  });
});
