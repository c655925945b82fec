/**
 * Issue 17 (3): status page subscribers hear about scheduled maintenance that touches what
 * they follow — scheduled, rescheduled, started, completed, cancelled — each once, by
 * e-mail (a real local SMTP server) and by signed webhook (a real local receiver). The
 * rules pure, then on both stores.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, ok } from '../api/helpers.js';
import { SmtpReceiver } from '../support/smtp-receiver.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { deliverer, formPoster, subscribeFollowing } from './support.js';
import { MaintenanceNotices } from '../../src/processors/notifications/maintenance-notices.js';
import { decideCancel, decideChange, decideSchedule } from '../../src/domain/maintenance/window.js';
import { LATE_NOTICE_MS, noticeOfChange, noticesOwed, scheduledNotice, type NoticeKind } from '../../src/domain/maintenance/notices.js';

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
  const window = decideSchedule(
    { title: 'Database upgrade', message: 'Checkout is read-only.', components: ['checkout'], startsAt: at(2), endsAt: at(4) },
    { id: 'mnt_1', actor: 'priya', now: T, knownComponents: ['checkout', 'search'] },
  );
  const had = (...kinds: NoticeKind[]) => new Set(kinds);
  const kinds = (now: string, ...before: NoticeKind[]) => noticesOwed(window, had(...before), now).map((n) => n.kind);

  it('scheduling announces the window to those following its components', () => {
    expect(scheduledNotice(window)).toEqual({ kind: 'scheduled', key: 'mnt_1:scheduled', version: 1, components: ['checkout'] });
  });

  it('a change of times or components is a reschedule (once per version, to those following before or after); words alone are not sent', () => {
    const moved = decideChange(window, { startsAt: at(3), endsAt: at(5) }, { now: T, knownComponents: ['checkout', 'search'] });
    expect(noticeOfChange(window, moved, T)).toEqual({ kind: 'rescheduled', key: 'mnt_1:rescheduled:2', version: 2, components: ['checkout'] });
    const widened = decideChange(moved, { components: ['search'] }, { now: T, knownComponents: ['checkout', 'search'] });
    expect(noticeOfChange(moved, widened, T)?.components).toEqual(['checkout', 'search']);
    const reworded = decideChange(window, { message: 'Checkout is read-only for ten minutes.' }, { now: T, knownComponents: ['checkout'] });
    expect(noticeOfChange(window, reworded, T)).toBeNull();
  });

  it('calling it off is a cancellation; ending it early is its completion', () => {
    expect(noticeOfChange(window, decideCancel(window, T), T)?.kind).toBe('cancelled');
    const ended = decideChange(window, { endsAt: at(3) }, { now: at(3), knownComponents: ['checkout'] });
    expect(noticeOfChange(window, ended, at(3))).toMatchObject({ kind: 'completed', key: 'mnt_1:completed' });
  });

  it('the clock owes a start once in progress and an end once over, each once, only for an announced window, and not later than an hour', () => {
    expect(kinds(at(1), 'scheduled')).toEqual([]);
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
  const hooked = (name: string) => hooks.on(name).map((r) => JSON.parse(r.raw) as { type: string; notice: string; scheduled_maintenance: Record<string, unknown> });
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
  beforeEach(() => {
    smtp.messages.length = 0;
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
    // Done with this window: cancelled, so later tests' clocks do not owe it anything.
    await ok(t, 200, 'POST', `${API}/maintenances/${window.id}/cancel`);
    await tell();
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
});
