/**
 * Who is told, by severity (issue 15, item 1), on both stores, by e-mail to a real SMTP
 * server: declaring tells the severity's page list; an upgrade tells the new severity's
 * list once; someone named to a role or pulled in as SME is told what is asked of them,
 * with the link to the room. Each notice is sent once, however many processors run.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestApp } from '../support/harness.js';
import { API, declare, ok } from '../api/helpers.js';
import type { SmtpReceiver } from '../support/smtp-receiver.js';
import { address, mailSuite } from './mail-suite.js';
import { NotificationProcessor } from '../../src/processors/notifications/processor.js';
import { MemoryWebhookSender } from '../../src/integrations/webhook.js';
import { smtpMailSender } from '../../src/integrations/mail.js';

const T = '2026-06-06T14:14:00.000Z';
const level = (id: string, page: string[]) => ({ id, name: id, impact: 'Some users', response: `${id} response`, updateEvery: '30m', audience: 'internal', roles: 'combined', postmortem: 'optional', page });
const CONFIG = {
  groups: { leadership: ['ana', 'raj'] },
  severities: [level('SEV1', ['group:leadership', 'oncall']), level('SEV2', ['oncall', 'ana']), level('SEV3', [])],
};
const PUBLIC_URL = 'https://incidents.example.com';

describe.each(STORE_KINDS)('Who is told, by e-mail (%s)', (kind) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  const processor = () =>
    new NotificationProcessor({ store: t.store, config: t.config, clock: t.clock, webhooks: new MemoryWebhookSender(), mail: smtpMailSender(smtp.url, 'Incidents <incidents@example.com>'), publicUrl: PUBLIC_URL });
  const sent = () => smtp.messages.map((m) => [m.to[0], m.subject]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));

  const people = ['ivy', 'oncall', 'ana', 'raj', 'priya', 'dana'].map((handle) => ({ handle, role: 'responder' as const }));
  mailSuite({ kind, config: CONFIG, people, start: T, flush: () => processor().tick() }, (app, receiver) => {
    t = app;
    smtp = receiver;
  });

  it('declaring a SEV2 tells the SEV2 page list; upgrading to SEV1 tells leadership, once', async () => {
    // ana wants only overdue notices: a page is not one of the events she can leave out.
    await ok(t, 200, 'PUT', `${API}/people/ana/notifications`, { channels: ['email'], events: ['incident.update_overdue'] }, 'ana');
    const { id } = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'ivy' }, 'ivy');
    await Promise.all([processor().tick(), processor().tick()]);
    expect(sent()).toEqual([
      [address('ana'), `[SEV2] ${id} Checkout errors: SEV2 declared: you are paged`],
      [address('oncall'), `[SEV2] ${id} Checkout errors: SEV2 declared: you are paged`],
    ]);
    const [mail] = smtp.to(address('oncall'));
    expect(mail!.text).toContain('You are on the SEV2 page list.');
    expect(mail!.text).toContain('SEV2 response: SEV2 response');
    expect(mail!.text).toContain(`${PUBLIC_URL}/incidents/${id}`);
    smtp.messages.length = 0;

    await ok(t, 200, 'POST', `${API}/incidents/${id}/severity`, { severity: 'SEV1', reason: 'all checkouts failing' }, 'ivy');
    await processor().tick();
    await processor().tick();
    // ana was paged on declaring: only raj is new to it.
    expect(sent()).toEqual([[address('raj'), `[SEV1] ${id} Checkout errors: SEV1 upgrade: you are paged`]]);
    expect(smtp.to(address('raj'))[0]!.text).toContain('upgraded from SEV2 to SEV1. You are on the SEV1 page list (group leadership).');
    smtp.messages.length = 0;

    await ok(t, 200, 'POST', `${API}/incidents/${id}/severity`, { severity: 'SEV2', reason: 'partly mitigated' }, 'ivy');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/severity`, { severity: 'SEV1', reason: 'back again' }, 'ivy');
    await processor().tick();
    expect(sent()).toEqual([]);
    expect((await t.store.email.all()).filter((e) => e.recipient === 'raj' && e.subject.includes(id))).toHaveLength(1);
  });

  it('a Comms Lead named and an SME pulled in are told what is asked of them, with the link', async () => {
    const { id } = await declare(t, { title: 'Search slow', severity: 'SEV3', commander: 'ivy' }, 'ivy');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/roles`, { role: 'comms_lead', person: 'priya' }, 'ivy');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/smes`, { person: 'dana', specialty: 'search' }, 'ivy');
    await processor().tick();
    expect(sent()).toEqual([
      [address('dana'), `[SEV3] ${id} Search slow: you are Subject-Matter Expert`],
      [address('priya'), `[SEV3] ${id} Search slow: you are Comms Lead`],
    ]);
    const [comms] = smtp.to(address('priya'));
    expect(comms!.text).toContain('What is asked of you: Own everything that leaves the room');
    expect(comms!.text).toContain(`${PUBLIC_URL}/incidents/${id}`);
    expect(comms!.html).toContain(`${PUBLIC_URL}/incidents/${id}`);
    expect(smtp.to(address('dana'))[0]!.text).toContain('You are pulled in as Subject-Matter Expert (search).');
  });

  it('someone named IC on declaring by another is told; no page list, nobody else', async () => {
    const { id } = await declare(t, { title: 'Queue stuck', severity: 'SEV3', commander: 'ivy' }, 'oncall');
    await processor().tick();
    expect(sent()).toEqual([[address('ivy'), `[SEV3] ${id} Queue stuck: you are Incident Commander`]]);
    expect(smtp.to(address('ivy'))[0]!.text).toContain('The IC owns the incident, not the fix.');
  });
});
