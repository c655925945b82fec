/**
 * R7's stakeholders, on both stores, by e-mail to a real SMTP server: an update (`public`
 * or `internal`, the final one too) reaches the organization's stakeholders and the
 * severity's, unless the severity's audience is internal; reminders do not; preferences,
 * private incidents and the one-message-per-(event, person) rule apply as to everyone.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestApp } from '../support/harness.js';
import { API, UPDATE, declare, ok } from '../api/helpers.js';
import type { SmtpReceiver } from '../support/smtp-receiver.js';
import { address, mailSuite } from './mail-suite.js';
import { NotificationProcessor } from '../../src/processors/notifications/processor.js';
import { MemoryWebhookSender } from '../../src/integrations/webhook.js';
import { smtpMailSender } from '../../src/integrations/mail.js';
import { ReminderScheduler } from '../../src/processors/reminder-scheduler.js';
import { stakeholdersOf } from '../../src/domain/notifications/recipients.js';
import { buildConfig } from '../../src/config/load.js';
import { addMs } from '../../src/domain/model/time.js';

const T = '2026-06-06T14:14:00.000Z';
const level = (id: string, audience: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  impact: 'Some users',
  response: 'On-call',
  updateEvery: '30m',
  audience,
  roles: 'combined',
  postmortem: 'optional',
  ...extra,
});
const CONFIG = {
  stakeholders: ['ceo', 'support'],
  severities: [level('SEV1', 'public', { stakeholders: ['vp', 'ceo'] }), level('SEV2', 'stakeholders'), level('SEV3', 'internal')],
};

describe('R7: who the stakeholders of a severity are (pure)', () => {
  const { policy } = buildConfig(CONFIG, 'test');
  it("R7: the organization's stakeholders and the severity's, once each; none for an internal severity or an unknown one", () => {
    expect(stakeholdersOf(policy, ['ceo', 'support'], 'SEV1')).toEqual(['ceo', 'support', 'vp']);
    expect(stakeholdersOf(policy, ['ceo', 'support'], 'SEV2')).toEqual(['ceo', 'support']);
    expect(stakeholdersOf(policy, ['ceo', 'support'], 'SEV3')).toEqual([]);
    expect(stakeholdersOf(policy, ['ceo'], 'SEV9')).toEqual([]);
  });
});

describe.each(STORE_KINDS)('R7: stakeholders hear every update by e-mail (%s)', (kind) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  const processor = () =>
    new NotificationProcessor({ store: t.store, config: t.config, clock: t.clock, webhooks: new MemoryWebhookSender(), mail: smtpMailSender(smtp.url, 'Incidents <incidents@example.com>') });
  const updatesTo = () =>
    smtp.messages
      .filter((m) => m.subject.endsWith(': status update'))
      .flatMap((m) => m.to)
      .sort();

  const people = ['ivy', 'ceo', 'support', 'vp', 'sam'].map((handle) => ({ handle, role: handle === 'ivy' ? ('responder' as const) : ('viewer' as const) }));
  mailSuite({ kind, config: CONFIG, people, start: T, flush: () => processor().tick() }, (app, receiver) => {
    t = app;
    smtp = receiver;
  });

  it("R7: a public update, an internal one and the final one each reach the organization's and the severity's stakeholders, from the update template", async () => {
    const { id } = await declare(t, { title: 'Checkout errors', severity: 'SEV1' }, 'ivy');
    const posted = await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, audience: 'public' }, 'ivy');
    await processor().tick();
    expect(updatesTo()).toEqual([address('ceo'), address('support'), address('vp')]);
    const [mail] = smtp.to(address('vp'));
    expect(mail!.subject).toBe(`[SEV1] ${id} Checkout errors: status update`);
    expect(mail!.text.replace(/\r\n/g, '\n').trimEnd()).toBe((posted.text as string).trimEnd());

    smtp.messages.length = 0;
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, audience: 'internal' }, 'ivy');
    await processor().tick();
    expect(updatesTo()).toEqual([address('ceo'), address('support'), address('vp')]);

    smtp.messages.length = 0;
    await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, { impact: 'Fixed.', whatWeKnow: 'A bad deploy.' }, 'ivy');
    await processor().tick();
    expect(updatesTo()).toEqual([address('ceo'), address('support'), address('vp')]);
    expect(smtp.to(address('ceo'))[0]!.text).toMatch(/Status: Resolved/);
  });

  it('R7: a severity whose audience is stakeholders tells the organization’s; an internal one tells none', async () => {
    const major = await declare(t, { title: 'Search slow', severity: 'SEV2' }, 'ivy');
    const minor = await declare(t, { title: 'Typo on a page', severity: 'SEV3' }, 'ivy');
    await ok(t, 201, 'POST', `${API}/incidents/${major.id}/updates`, UPDATE, 'ivy');
    await ok(t, 201, 'POST', `${API}/incidents/${minor.id}/updates`, UPDATE, 'ivy');
    await processor().tick();
    expect(smtp.messages.map((m) => [m.subject.split(' ')[1], ...m.to]).sort()).toEqual([
      [major.id, address('ceo')],
      [major.id, address('support')],
    ]);
  });

  it('R8: reminders are for the IC and the Comms Lead, not for stakeholders', async () => {
    const { id } = await declare(t, { title: 'Queue stuck', severity: 'SEV1', commander: 'ivy' });
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: addMs(T, 10 * 60_000) }, 'ivy');
    await processor().tick();
    smtp.messages.length = 0;
    t.clock.set(addMs(T, 10 * 60_000));
    await new ReminderScheduler({ store: t.store, config: t.config, clock: t.clock }).tick();
    await processor().tick();
    expect(smtp.messages.map((m) => [m.subject.replace(/^.*: /, ''), ...m.to])).toEqual([['status update overdue', address('ivy')]]);
  });

  it('stakeholders choose by their preferences like everyone; a private incident reaches only those in it; a subscribed stakeholder gets one message', async () => {
    await ok(t, 200, 'PUT', `${API}/people/support/notifications`, { channels: ['email'], events: ['incident.update_overdue'] }, 'support');
    const { id } = await declare(t, { title: 'Card data exposure', severity: 'SEV1', private: true }, 'ivy');
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, UPDATE, 'ivy');
    const open = await declare(t, { title: 'Login errors', severity: 'SEV1' }, 'ivy');
    await ok(t, 200, 'POST', `${API}/incidents/${open.id}/subscribers`, { handle: 'vp' }, 'vp');
    await ok(t, 201, 'POST', `${API}/incidents/${open.id}/updates`, UPDATE, 'ivy');
    await processor().tick();
    await processor().tick();
    expect(smtp.messages.filter((m) => m.subject.includes(id))).toEqual([]);
    expect(smtp.messages.filter((m) => m.subject.includes(open.id)).flatMap((m) => m.to).sort()).toEqual([address('ceo'), address('vp')]);
    await ok(t, 200, 'PUT', `${API}/people/support/notifications`, { channels: ['email'], events: ['incident.update_posted'] }, 'support');
  });

  it('R2: the policy in force shows each severity’s stakeholders', async () => {
    const severities = await ok(t, 200, 'GET', `${API}/severities`, undefined, 'sam');
    expect(severities.map((s: { id: string; stakeholders: string[] }) => [s.id, s.stakeholders])).toEqual([
      ['SEV1', ['vp', 'ceo']],
      ['SEV2', []],
      ['SEV3', []],
    ]);
  });
});
