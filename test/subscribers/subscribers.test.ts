/**
 * Status page subscribers (issue 5, item 5), on both stores, mail sent over SMTP to a real
 * SMTP server started by the test and webhooks to a real local receiver that checks the
 * signatures: subscribe → confirmation mail → confirm → each public update exactly once per
 * confirmed subscriber; nothing for unconfirmed or unsubscribed addresses, internal updates,
 * private incidents or incidents that are not public; one POST unsubscribes (RFC 8058);
 * the form never reveals whether an address is subscribed and is rate-limited.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, UPDATE, declare, ok } from '../api/helpers.js';
import { SmtpReceiver, type ReceivedMail } from '../support/smtp-receiver.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { NotificationProcessor } from '../../src/processors/notifications/processor.js';
import { httpWebhookSender } from '../../src/integrations/webhook.js';
import { WebhookTargets } from '../../src/integrations/webhook-targets.js';
import { smtpMailSender } from '../../src/integrations/mail.js';
import { SUBSCRIBE_RATE_LIMIT } from '../../src/http/routes/status-subscribers.js';

const T = '2026-06-06T14:14:00.000Z';
const PUBLIC_URL = 'https://status.example.com';
const CONFIG = {
  organization: { name: 'Example', statusPageTitle: 'Example Status' },
  severities: [
    { id: 'SEV1', name: 'Critical', impact: 'Down', response: 'All hands', updateEvery: '30m', audience: 'public', roles: 'combined', postmortem: 'optional' },
    { id: 'SEV3', name: 'Minor', impact: 'Limited', response: 'On-call', audience: 'internal', roles: 'combined', postmortem: 'optional' },
  ],
  components: [{ id: 'checkout', name: 'Checkout' }],
};
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The raw header value of a received message (folded lines joined). */
function header(mail: ReceivedMail, name: string): string | undefined {
  const head = mail.raw.slice(0, mail.raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ');
  return head
    .split(/\r?\n/)
    .find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1)
    .trim();
}

describe.each(STORE_KINDS)('Status page subscribers (%s)', (kind) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  let hooks: WebhookReceiver;
  let client = 0;
  const processor = () =>
    new NotificationProcessor({ store: t.store, config: t.config, clock: t.clock, webhooks: httpWebhookSender({ targets: new WebhookTargets(['127.0.0.1']) }), mail: smtpMailSender(smtp.url, 'Status <status@example.com>'), publicUrl: PUBLIC_URL });
  const deliver = () => processor().tick();
  /** A public form request from its own client address, so the rate limit is not what a test measures (except where it is). */
  const form = (url: string, body: string, remoteAddress = `10.0.0.${++client % 250}`) =>
    t.app.inject({ method: 'POST', url, headers: FORM, payload: body, remoteAddress });
  const subscribe = (email: string, remoteAddress?: string) => form('/status/subscribe', new URLSearchParams({ email }).toString(), remoteAddress);
  const linkIn = (mail: ReceivedMail, path: string) => {
    // The in-process app has the default public address (the server takes INCIDENT_PUBLIC_URL for both).
    const match = new RegExp(`https?://[^/\\s]+${path}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
    expect(match, mail.text).not.toBeNull();
    return match![1]!;
  };
  /** Subscribes and confirms through the pages, the way a person would. */
  const subscribeAndConfirm = async (email: string) => {
    expect((await subscribe(email)).statusCode).toBe(200);
    await deliver();
    const [confirmation] = smtp.to(email.toLowerCase());
    expect(confirmation!.subject).toBe('Confirm your subscription to Example Status');
    const token = linkIn(confirmation!, '/status/subscription/confirm');
    const page = await t.app.inject({ method: 'GET', url: `/status/subscription/confirm?token=${token}` });
    // Following the link shows a button; only pressing it (a POST) confirms.
    expect(page.body).toMatch(new RegExp(`<form method="post" action="/status/subscription/confirm"><input type="hidden" name="token" value="${token}">`));
    const confirmed = await form('/status/subscription/confirm', new URLSearchParams({ token }).toString());
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.body).toContain('Subscribed');
    smtp.messages.length = 0;
  };

  beforeAll(async () => {
    t = await testApp(kind, CONFIG);
    t.clock.set(T);
    smtp = await new SmtpReceiver().start();
    hooks = await new WebhookReceiver().start();
    await subscribeAndConfirm('alice@example.com');
    await subscribeAndConfirm('Carol@Example.com');
    expect((await subscribe('bob@example.com')).statusCode).toBe(200);
    const created = await ok(t, 201, 'POST', `${API}/status-subscribers/webhooks`, { url: hooks.url('status') });
    expect(created.secret).toMatch(/^whsec_/);
    hooks.secrets.set('/hook/status', created.secret);
    await deliver();
    smtp.messages.length = 0;
  });
  beforeEach(() => t.clock.set(T));
  afterAll(async () => {
    await hooks.stop();
    await smtp.stop();
    await t.close();
  });

  it('each public update reaches each confirmed subscriber exactly once, with the one-click unsubscribe headers; the unconfirmed get nothing', async () => {
    const { id } = await declare(t, { title: 'Checkout errors', severity: 'SEV1', components: ['checkout'] });
    await deliver();
    // The page's own "We are investigating" entry is not an update anyone posted: no mail.
    expect(smtp.messages).toEqual([]);
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, audience: 'public', whatWeKnow: 'A bad deploy. <script>alert(1)</script> [x](javascript:alert(1))' });
    await deliver();
    await deliver();
    expect(smtp.messages.flatMap((m) => m.to).sort()).toEqual(['alice@example.com', 'carol@example.com']);
    const mail = smtp.to('alice@example.com')[0]!;
    expect(mail.subject).toBe('[Example Status] Checkout errors: Identified');
    expect(mail.text).toContain(UPDATE.impact);
    const unsubscribeUrl = /<([^>]+)>/.exec(header(mail, 'List-Unsubscribe') ?? '')?.[1];
    expect(unsubscribeUrl).toMatch(new RegExp(`^${PUBLIC_URL}/status/unsubscribe\\?token=`));
    expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.text).toContain(unsubscribeUrl);
    // The responders' Markdown goes through the page's sanitizer: no script, no javascript: link.
    expect(mail.html).not.toMatch(/<script/i);
    expect([...mail.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]).filter((href) => !/^https?:/.test(href ?? ''))).toEqual([]);
    expect(hooks.on('status')).toHaveLength(1);
  });

  it('the webhook subscriber gets each public update signed, the new one first in incident_updates, with a sequence that orders them', async () => {
    type Body = { type: string; timestamp: string; sequence: number; incident: { id: string; name: string; status: string; incident_updates: { status: string; body: string }[] } };
    const [delivery] = hooks.on('status').slice(-1);
    expect(delivery!.signatureValid).toBe(true);
    const body = delivery!.body as unknown as Body;
    expect(body.type).toBe('status.incident_updated');
    expect(body.incident.name).toBe('Checkout errors');
    expect(body.incident.incident_updates[0]!.status).toBe('identified');
    expect(JSON.stringify(body)).not.toContain('admin');
    // The next update in the same second: `timestamp` cannot tell which came last, `sequence` can.
    await ok(t, 201, 'POST', `${API}/incidents/${body.incident.id}/updates`, { ...UPDATE, status: 'monitoring', audience: 'public' });
    await deliver();
    await deliver();
    const later = hooks.on('status').slice(-1)[0]!.body as unknown as Body;
    expect(later.incident.incident_updates.map((u) => u.status)).toEqual(['monitoring', 'identified']);
    expect(later.timestamp).toBe(body.timestamp);
    expect(Number.isInteger(body.sequence)).toBe(true);
    expect(later.sequence).toBeGreaterThan(body.sequence);
  });

  it('internal updates, private incidents and incidents that are not public reach no subscriber', async () => {
    smtp.messages.length = 0;
    const before = hooks.received.length;
    const open = (await ok(t, 200, 'GET', `${API}/incidents?state=open`)) as { id: string; title: string }[];
    const id = open.find((i) => i.title === 'Checkout errors')!.id;
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, status: 'monitoring', audience: 'internal' });
    const hidden = await declare(t, { title: 'Secret thing', severity: 'SEV1', private: true });
    await ok(t, 201, 'POST', `${API}/incidents/${hidden.id}/updates`, { ...UPDATE, audience: 'public' });
    const minor = await declare(t, { title: 'Minor thing', severity: 'SEV3' });
    await ok(t, 201, 'POST', `${API}/incidents/${minor.id}/updates`, { ...UPDATE, audience: 'public' });
    await deliver();
    expect(smtp.messages).toEqual([]);
    expect(hooks.received.length).toBe(before);
  });

  it('one POST to the List-Unsubscribe link unsubscribes (RFC 8058); the resolve reaches only who is still subscribed', async () => {
    const open = (await ok(t, 200, 'GET', `${API}/incidents?state=open`)) as { id: string; title: string }[];
    const id = open.find((i) => i.title === 'Checkout errors')!.id;
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, status: 'monitoring', audience: 'public' });
    await deliver();
    const carolMail = smtp.to('carol@example.com')[0]!;
    const url = new URL(/<([^>]+)>/.exec(header(carolMail, 'List-Unsubscribe')!)![1]!);
    const res = await t.app.inject({ method: 'POST', url: `${url.pathname}${url.search}`, headers: FORM, payload: 'List-Unsubscribe=One-Click' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain('Unsubscribed');
    smtp.messages.length = 0;
    await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, { impact: 'Checkout failed for 20 minutes.', whatWeKnow: 'The deploy is rolled back.', audience: 'public' });
    await deliver();
    expect(smtp.messages.map((m) => [m.to, m.subject])).toEqual([[['alice@example.com'], '[Example Status] Checkout errors: Resolved']]);
    const subscribers = await ok(t, 200, 'GET', `${API}/status-subscribers`);
    expect(subscribers.email.map((s: { address: string; state: string }) => [s.address, s.state]).sort()).toEqual([
      ['alice@example.com', 'confirmed'],
      ['bob@example.com', 'pending'],
      ['carol@example.com', 'unsubscribed'],
    ]);
  });

  it('the form answers the same whatever the address: new, pending, confirmed; a confirmed address gets no mail', async () => {
    smtp.messages.length = 0;
    const answers = await Promise.all(['alice@example.com', 'bob@example.com', 'dora@example.com'].map((email) => subscribe(email)));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    await deliver();
    // Bob's confirmation went out minutes ago (throttled); Dora is new.
    expect(smtp.messages.flatMap((m) => m.to)).toEqual(['dora@example.com']);
  });

  it('bad input is a 400 naming the field; an unknown link is a 404 page; the form is rate-limited per client', async () => {
    const bad = await subscribe('not an address');
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['x-error-field']).toBe('email');
    const missing = await t.app.inject({ method: 'POST', url: '/status/subscribe', payload: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.field).toBe('email');
    expect((await form('/status/subscription/confirm', 'token=nope')).statusCode).toBe(404);
    expect((await form('/status/unsubscribe?token=nope', 'List-Unsubscribe=One-Click')).statusCode).toBe(404);
    const multipart = await t.app.inject({
      method: 'POST',
      url: '/status/unsubscribe?token=nope',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--\r\n',
    });
    expect(multipart.statusCode).toBe(404);
    expect((await form('/status/subscription/confirm', 'token=%3Cscript%3E')).statusCode).toBe(400);
    expect((await form('/status/subscribe', `email=${'a'.repeat(5000)}@example.com`)).statusCode).toBe(413);
    const codes: number[] = [];
    for (let i = 0; i <= SUBSCRIBE_RATE_LIMIT.max; i++) codes.push((await subscribe(`x${i}@example.com`, '10.9.9.9')).statusCode);
    expect(codes.slice(0, SUBSCRIBE_RATE_LIMIT.max).every((c) => c === 200)).toBe(true);
    expect(codes.at(-1)).toBe(429);
  });
});
