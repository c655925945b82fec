/**
 * E-mail notifications on both stores, sent over SMTP (nodemailer) to a real SMTP server
 * started by the test: who hears what (issue 3, point 3), the text and HTML parts from the
 * update template with user text escaped, preferences, private incidents, and one message
 * per (event, person) however many passes or processors run.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestApp } from '../support/harness.js';
import { API, UPDATE, declare, expectError, ok } from '../api/helpers.js';
import type { SmtpReceiver } from '../support/smtp-receiver.js';
import { address, mailSuite } from './mail-suite.js';
import { NotificationProcessor } from '../../src/processors/notifications/processor.js';
import { MemoryWebhookSender } from '../../src/integrations/webhook.js';
import { smtpMailSender } from '../../src/integrations/mail.js';
import { ReminderScheduler } from '../../src/processors/reminder-scheduler.js';
import { addMs } from '../../src/domain/model/time.js';

const T = '2026-06-06T14:14:00.000Z';
const at = (minutes: number) => addMs(T, minutes * 60_000);
const CONFIG = {
  severities: [
    { id: 'SEV2', name: 'Major', impact: 'Some users', response: 'On-call', updateEvery: '30m', firstUpdateWithin: '30m', audience: 'internal', roles: 'comms-separate', postmortem: 'optional', escalateTo: ['vp'] },
  ],
};

describe.each(STORE_KINDS)('E-mail notifications (%s)', (kind) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  const processor = () =>
    new NotificationProcessor({ store: t.store, config: t.config, clock: t.clock, webhooks: new MemoryWebhookSender(), mail: smtpMailSender(smtp.url, 'Incidents <incidents@example.com>'), backoffMs: 10_000, maxAttempts: 3 });
  const fire = async (minutes: number) => {
    t.clock.set(at(minutes));
    await new ReminderScheduler({ store: t.store, config: t.config, clock: t.clock }).tick();
    await processor().tick();
  };

  const people = ['ivy', 'cole', 'vp', 'sam', 'olga', 'nomail'].map((handle) => ({ handle, role: 'responder' as const, email: handle !== 'nomail' }));
  mailSuite({ kind, config: CONFIG, people, start: T, flush: () => processor().tick() }, (app, receiver) => {
    t = app;
    smtp = receiver;
  });

  it('R8: due-soon and overdue go to the IC and the Comms Lead; the escalation also to the severity escalateTo list', async () => {
    const { id } = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'ivy' }, 'ivy');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/roles`, { role: 'comms_lead', person: 'cole' }, 'ivy');
    await processor().tick();
    // Named Comms Lead: told at once (test/notifications/told.test.ts); nothing else yet.
    expect(smtp.messages.map((m) => [m.to, m.subject])).toEqual([[[address('cole')], `[SEV2] ${id} Checkout errors: you are Comms Lead`]]);
    smtp.messages.length = 0;
    await fire(25);
    expect(smtp.messages.map((m) => m.to).sort()).toEqual([[address('cole')], [address('ivy')]]);
    const [dueSoon] = smtp.to(address('ivy'));
    expect(dueSoon!.subject).toBe(`[SEV2] ${id} Checkout errors: status update due soon`);
    expect(dueSoon!.from).toBe('incidents@example.com');
    expect(dueSoon!.text).toContain(`[SEV2] ${id} Checkout errors`);
    expect(dueSoon!.text).toMatch(/due/i);
    expect(dueSoon!.html).toContain(`<strong>[SEV2] ${id} Checkout errors</strong>`);
    await fire(30);
    expect(smtp.messages.filter((m) => m.subject.endsWith('status update overdue')).flatMap((m) => m.to).sort()).toEqual([address('cole'), address('ivy')]);
    await fire(45);
    const escalated = smtp.messages.filter((m) => m.subject.endsWith('(escalated)'));
    expect(escalated.flatMap((m) => m.to).sort()).toEqual([address('cole'), address('ivy'), address('vp')]);
  });

  it('R3: an IC offer reaches the person offered', async () => {
    const { id } = await declare(t, { title: 'Search slow', severity: 'SEV2', commander: 'ivy' }, 'ivy');
    await ok(t, 202, 'POST', `${API}/incidents/${id}/roles`, { role: 'incident_commander', person: 'olga' }, 'ivy');
    await processor().tick();
    expect(smtp.messages.map((m) => [m.to, m.subject])).toEqual([[[address('olga')], `[SEV2] ${id} Search slow: you are offered Incident Commander`]]);
  });

  it('R7: subscribers get each update, text from the update template and HTML with user text escaped; once per (event, person)', async () => {
    const { id } = await declare(t, { title: 'Payments <down>', severity: 'SEV2', commander: 'ivy' }, 'ivy');
    expect(await ok(t, 200, 'POST', `${API}/incidents/${id}/subscribers`, { handle: 'sam' }, 'sam')).toEqual({ incident: id, subscribers: ['sam'] });
    await ok(t, 200, 'POST', `${API}/incidents/${id}/subscribers`, { handle: 'nomail' }, 'ivy');
    expectError(await t.call('POST', `${API}/incidents/${id}/subscribers`, { handle: 'nobody' }), 400, 'UNKNOWN_PERSON');
    const update = await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, impact: 'Checkout <script>alert(1)</script> & co fail.' }, 'ivy');
    await Promise.all([processor().tick(), processor().tick()]);
    await processor().tick();
    expect(smtp.messages).toHaveLength(1);
    const [mail] = smtp.to(address('sam'));
    expect(mail!.subject).toBe(`[SEV2] ${id} Payments <down>: status update`);
    // The plain part is the update template's text (the same as the update's `text` answer).
    expect(mail!.text.replace(/\r\n/g, '\n').trimEnd()).toBe((update.text as string).trimEnd());
    expect(mail!.html).toContain('Checkout &lt;script&gt;alert(1)&lt;/script&gt; &amp; co fail.');
    expect(mail!.html).not.toContain('<script>');
    expect(mail!.html).toContain('<strong>[SEV2] Payments &lt;down&gt;, UPDATE');
  });

  it('preferences choose the events and the channel; people may set only their own unless admin', async () => {
    const { id } = await declare(t, { title: 'Queue stuck', severity: 'SEV2', commander: 'ivy' }, 'ivy');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/subscribers`, { handle: 'sam' }, 'ivy');
    expect(await ok(t, 200, 'GET', `${API}/people/sam/notifications`, undefined, 'sam')).toMatchObject({ channels: ['email'] });
    expectError(await t.call('PUT', `${API}/people/sam/notifications`, { channels: ['email'], events: [] }, { as: 'olga' }), 403, 'FORBIDDEN');
    expect(await ok(t, 200, 'PUT', `${API}/people/sam/notifications`, { channels: ['email'], events: ['incident.update_overdue'] }, 'sam')).toEqual({
      channels: ['email'],
      events: ['incident.update_overdue'],
    });
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, UPDATE, 'ivy');
    await processor().tick();
    expect(smtp.to(address('sam'))).toEqual([]);
    await ok(t, 200, 'PUT', `${API}/people/sam/notifications`, { channels: [], events: ['incident.update_posted'] });
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, UPDATE, 'ivy');
    await processor().tick();
    expect(smtp.to(address('sam'))).toEqual([]);
    await ok(t, 200, 'PUT', `${API}/people/sam/notifications`, { channels: ['email'], events: ['incident.update_posted'] }, 'sam');
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, UPDATE, 'ivy');
    await processor().tick();
    expect(smtp.to(address('sam'))).toHaveLength(1);
  });

  it('a private incident cannot be followed by someone outside it', async () => {
    const { id } = await declare(t, { title: 'Credential leak', severity: 'SEV2', commander: 'ivy', private: true }, 'ivy');
    expectError(await t.call('POST', `${API}/incidents/${id}/subscribers`, { handle: 'sam' }, { as: 'ivy' }), 400, 'VALIDATION_FAILED', 'handle');
    expectError(await t.call('POST', `${API}/incidents/${id}/subscribers`, { handle: 'sam' }, { as: 'sam' }), 404, 'INCIDENT_NOT_FOUND');
  });

  it('a refused message is retried later and sent once', async () => {
    const { id } = await declare(t, { title: 'DNS flaps', severity: 'SEV2', commander: 'ivy' }, 'ivy');
    await ok(t, 202, 'POST', `${API}/incidents/${id}/roles`, { role: 'incident_commander', person: 'olga' }, 'ivy');
    smtp.failures = 1;
    const p = processor();
    await p.tick();
    expect(smtp.messages).toEqual([]);
    const [pending] = (await t.store.email.all()).filter((e) => e.recipient === 'olga' && e.subject.includes('DNS flaps'));
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: addMs(T, 10_000) });
    expect(pending!.lastError).toMatch(/451/);
    t.clock.advance(10_000);
    await p.tick();
    await p.tick();
    expect(smtp.to(address('olga'))).toHaveLength(1);
    expect((await t.store.email.all()).find((e) => e.id === pending!.id)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('the e-mail delivery log lists each message with every attempt and its outcome, by incident and by status (admin)', async () => {
    const { id } = await declare(t, { title: 'Mail log', severity: 'SEV2', commander: 'ivy' }, 'ivy');
    const other = await declare(t, { title: 'Other mail', severity: 'SEV2', commander: 'ivy' }, 'ivy');
    await ok(t, 202, 'POST', `${API}/incidents/${id}/roles`, { role: 'incident_commander', person: 'olga' }, 'ivy');
    await ok(t, 202, 'POST', `${API}/incidents/${other.id}/roles`, { role: 'incident_commander', person: 'olga' }, 'ivy');
    smtp.failures = 1;
    const p = processor();
    await p.tick();
    t.clock.advance(10_000);
    await p.tick();

    expectError(await t.call('GET', `${API}/notifications/email-deliveries`, undefined, { as: 'ivy' }), 403, 'FORBIDDEN');
    expectError(await t.call('GET', `${API}/notifications/email-deliveries?incident=nope`), 400, 'VALIDATION_FAILED', 'incident');
    expectError(await t.call('GET', `${API}/notifications/email-deliveries?status=lost`), 400, 'VALIDATION_FAILED', 'status');
    const [retried, ...rest] = await ok(t, 200, 'GET', `${API}/notifications/email-deliveries?incident=${id}`);
    expect(rest).toEqual([]);
    expect(retried).toMatchObject({
      incident: id,
      type: 'incident.role_offered',
      recipient: 'olga',
      address: address('olga'),
      subject: `[SEV2] ${id} Mail log: you are offered Incident Commander`,
      status: 'delivered',
      nextAttemptAt: null,
      lastError: null,
    });
    expect(retried.attempts.map((a: { attempt: number; at: string; status: string }) => [a.attempt, a.at, a.status])).toEqual([
      [1, T, 'failed'],
      [2, addMs(T, 10_000), 'delivered'],
    ]);
    expect(retried.attempts[0].error).toMatch(/451/);
    expect(retried.attempts[1].error).toBeNull();
    const [once] = await ok(t, 200, 'GET', `${API}/notifications/email-deliveries?incident=${other.id.slice(4)}&status=delivered`);
    expect(once).toMatchObject({ incident: other.id, recipient: 'olga', status: 'delivered' });
    expect(once.attempts.map((a: { status: string }) => a.status)).toEqual(['delivered']);
    // Newest first, across incidents; none of these failed for good.
    const latest = await ok(t, 200, 'GET', `${API}/notifications/email-deliveries?limit=2`);
    expect(latest.map((e: { incident: string }) => e.incident)).toEqual([other.id, id]);
    expect((await ok(t, 200, 'GET', `${API}/notifications/email-deliveries?status=failed`)).filter((e: { incident: string }) => [id, other.id].includes(e.incident))).toEqual([]);
  });
});
