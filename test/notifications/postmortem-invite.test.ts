/**
 * Issue 16: scheduling the postmortem review e-mails the invite to the owner, the roles and
 * the SMEs through the durable e-mail lane, to a real SMTP server, the .ics attached
 * (text/calendar, METHOD:REQUEST) and parsed back with ical.js — on SQLite and PostgreSQL.
 */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestApp } from '../support/harness.js';
import { API, MINUTE, declare, ok } from '../api/helpers.js';
import type { ReceivedMail, SmtpReceiver } from '../support/smtp-receiver.js';
import { address, mailSuite } from './mail-suite.js';
import { NotificationProcessor } from '../../src/processors/notifications/processor.js';
import { MemoryWebhookSender } from '../../src/integrations/webhook.js';
import { smtpMailSender } from '../../src/integrations/mail.js';

const PUBLIC_URL = 'https://incidents.example.com';
const mailto = (value: unknown) => String(value).replace(/^mailto:/i, '').toLowerCase();

function invite(mail: ReceivedMail) {
  const part = mail.attachments.find((a) => /^text\/calendar/i.test(a.contentType));
  if (!part) throw new Error(`no text/calendar part in "${mail.subject}"`);
  const calendar = new ICAL.Component(ICAL.parse(part.content));
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT in the invite');
  return { part, calendar, vevent, event: new ICAL.Event(vevent) };
}

describe.each(STORE_KINDS)('The postmortem review invite, by e-mail (%s)', (kind) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  const processor = () =>
    new NotificationProcessor({ store: t.store, config: t.config, clock: t.clock, webhooks: new MemoryWebhookSender(), mail: smtpMailSender(smtp.url, 'Incidents <incidents@example.com>'), publicUrl: PUBLIC_URL });
  const people = ['ivy', 'priya', 'sam', 'dana', 'lee', 'vic'].map((handle) => ({ handle, role: 'responder' as const }));
  mailSuite(
    { kind, config: {}, people: [...people, { handle: 'nomail', role: 'responder', email: false }], start: '2026-06-06T14:14:00.000Z', flush: () => processor().tick() },
    (app, receiver) => {
      t = app;
      smtp = receiver;
    },
  );

  it('goes to the owner, the IC, Comms Lead, Scribe and SMEs with an address, the .ics attached; a new date moves the same meeting', async () => {
    const { id } = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'ivy' }, 'ivy');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/roles`, { role: 'comms_lead', person: 'priya' }, 'ivy');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/roles`, { role: 'scribe', person: 'sam' }, 'ivy');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/smes`, { person: 'dana', specialty: 'payments' }, 'ivy');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/smes`, { person: 'nomail', specialty: 'network' }, 'ivy');
    t.clock.advance(30 * MINUTE);
    await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, { impact: 'Checkouts failed.', whatWeKnow: 'Pool exhausted.' }, 'ivy');
    await processor().tick();
    smtp.messages.length = 0;

    await ok(t, 200, 'POST', `${API}/incidents/${id}/postmortem/schedule`, { owner: 'lee', scheduledFor: '2026-06-09T17:00:00+02:00', durationMinutes: 45 }, 'ivy');
    // Two processors at once: each invite still goes out once.
    await Promise.all([processor().tick(), processor().tick()]);
    const invited = smtp.messages.filter((m) => m.subject.includes('postmortem review'));
    expect(invited.map((m) => m.to[0]).sort()).toEqual(['dana', 'ivy', 'lee', 'priya', 'sam'].map(address));
    expect(smtp.messages).toHaveLength(invited.length);

    const mail = smtp.to(address('priya'))[0]!;
    expect(mail.subject).toBe(`[SEV2] ${id} Checkout errors: postmortem review 2026-06-09 15:00 UTC`);
    expect(mail.text).toContain('Postmortem review: 2026-06-09 15:00 UTC for 45 minutes, owned by @lee.');
    const one = invite(mail);
    expect(one.part.contentType).toMatch(/^text\/calendar;.*method=REQUEST/i);
    expect(one.part.disposition).toMatch(/attachment; filename="?postmortem-inc-\d+\.ics/);
    expect(one.calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(one.event.uid).toBe(`postmortem-${String(id).toLowerCase()}@incidents.example.com`);
    expect(one.event.startDate.toString()).toBe('2026-06-09T15:00:00Z');
    expect(one.event.startDate.zone.tzid).toBe('UTC');
    expect(one.event.endDate.toJSDate().toISOString()).toBe('2026-06-09T15:45:00.000Z');
    expect(mailto(one.vevent.getFirstPropertyValue('organizer'))).toBe(address('lee'));
    expect(one.event.attendees.map((a) => mailto(a.getFirstValue()))).toEqual(['lee', 'ivy', 'priya', 'sam', 'dana'].map(address));
    expect(one.event.description).toContain('@nomail');
    // Everyone gets the same meeting.
    expect(invite(smtp.to(address('lee'))[0]!).event.uid).toBe(one.event.uid);
    // The API's .ics is the same invite.
    const served = await t.call('GET', `${API}/incidents/${id}/postmortem.ics`, undefined, { as: 'vic' });
    expect(new ICAL.Event(new ICAL.Component(ICAL.parse(served.body)).getFirstSubcomponent('vevent')!).endDate.toString()).toBe('2026-06-09T15:45:00Z');
    smtp.messages.length = 0;

    await ok(t, 200, 'POST', `${API}/incidents/${id}/postmortem/schedule`, { owner: 'lee', scheduledFor: '2026-06-10T09:30:00Z', durationMinutes: 45 }, 'lee');
    await processor().tick();
    const moved = invite(smtp.to(address('dana'))[0]!);
    expect(moved.event.uid).toBe(one.event.uid);
    expect(moved.event.sequence).toBe(one.event.sequence + 1);
    expect(moved.event.startDate.toString()).toBe('2026-06-10T09:30:00Z');
  });

  it('is retried like any e-mail when the mail server refuses it for a while', async () => {
    const { id } = await declare(t, { title: 'Search slow', severity: 'SEV2', commander: 'ivy' }, 'ivy');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, { impact: 'Search slow.', whatWeKnow: 'Index rebuild.' }, 'ivy');
    await processor().tick();
    smtp.messages.length = 0;
    await ok(t, 200, 'POST', `${API}/incidents/${id}/postmortem/schedule`, { owner: 'ivy', scheduledFor: '2026-06-09T10:00:00Z' }, 'ivy');
    smtp.failures = 1;
    await processor().tick();
    expect(smtp.messages).toHaveLength(0);
    const [queued] = (await t.store.email.all()).filter((e) => e.type === 'postmortem.invite' && e.subject.includes(String(id)));
    expect(queued).toMatchObject({ status: 'pending', attempts: 1 });
    t.clock.advance(60 * MINUTE);
    await processor().tick();
    expect(invite(smtp.to(address('ivy'))[0]!).event.endDate.toString()).toBe('2026-06-09T11:00:00Z');
  });
});
