/**
 * Issue 17 (3): a status page subscriber, by e-mail or webhook, may follow some components
 * only, and then hears only about incidents touching them. On both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, UPDATE, declare, ok } from '../api/helpers.js';
import { SmtpReceiver } from '../support/smtp-receiver.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { deliverer, formPoster, subscribeFollowing } from './support.js';
import { publicDom } from '../status-page/support.js';
import { hearsAbout } from '../../src/domain/subscribers/components.js';

const CONFIG = {
  organization: { name: 'Example', statusPageTitle: 'Example Status' },
  components: [
    { id: 'checkout', name: 'Checkout' },
    { id: 'search', name: 'Search' },
  ],
};

describe('which subscribers hear about what (pure)', () => {
  it('following everything hears everything; following some hears only incidents touching one of them; an incident naming none reaches only those following all', () => {
    expect(hearsAbout(null, ['checkout'])).toBe(true);
    expect(hearsAbout(null, [])).toBe(true);
    expect(hearsAbout(['checkout'], ['checkout', 'search'])).toBe(true);
    expect(hearsAbout(['search'], ['checkout'])).toBe(false);
    expect(hearsAbout(['search'], [])).toBe(false);
  });
});

describe.each(STORE_KINDS)('component subscriptions (%s)', (kind) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  let hooks: WebhookReceiver;
  const deliver = deliverer(() => t, () => smtp, 'https://status.example.com');
  const form = formPoster(() => t, '10.1.0');
  const subscribe = (email: string, components: string[]) => subscribeFollowing(form, smtp, deliver, email, components);

  beforeAll(async () => {
    t = await testApp(kind, CONFIG);
    smtp = await new SmtpReceiver().start();
    hooks = await new WebhookReceiver().start();
    await subscribe('all@example.com', []);
    await subscribe('checkout@example.com', ['checkout']);
    await subscribe('search@example.com', ['search']);
    await ok(t, 201, 'POST', `${API}/status-subscribers/webhooks`, { url: hooks.url('all') });
    const searchHook = await ok(t, 201, 'POST', `${API}/status-subscribers/webhooks`, { url: hooks.url('search'), components: ['search'] });
    expect(searchHook.components).toEqual(['search']);
    await deliver();
    smtp.messages.length = 0;
  });
  afterAll(async () => {
    await hooks.stop();
    await smtp.stop();
    await t.close();
  });

  it('the form offers each component to follow; the admin list shows what each subscriber follows', async () => {
    const doc = await publicDom(t, '/status');
    expect([...doc.querySelectorAll('form.subscribe input[name=components]')].map((i) => i.getAttribute('value'))).toEqual(['checkout', 'search']);
    expect(doc.querySelector('form.subscribe fieldset legend')?.textContent).toContain('Only about these components');
    const list = await ok(t, 200, 'GET', `${API}/status-subscribers`);
    expect(Object.fromEntries(list.email.map((s: { address: string; components: unknown }) => [s.address, s.components]))).toEqual({
      'all@example.com': null,
      'checkout@example.com': ['checkout'],
      'search@example.com': ['search'],
    });
    expect(list.webhooks.map((w: { components: unknown }) => JSON.stringify(w.components)).sort()).toEqual(['["search"]', 'null']);
  });

  it('an update of an incident on checkout reaches those following checkout or everything, not those following search only', async () => {
    const { id } = await declare(t, { title: 'Checkout errors', severity: 'SEV1', components: ['checkout'] });
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, audience: 'public' });
    await deliver();
    await deliver();
    expect(smtp.messages.flatMap((m) => m.to).sort()).toEqual(['all@example.com', 'checkout@example.com']);
    expect(hooks.on('all')).toHaveLength(1);
    expect(hooks.on('search')).toHaveLength(0);
    smtp.messages.length = 0;
  });

  it('an incident naming no component reaches only those following everything', async () => {
    const { id } = await declare(t, { title: 'Everything is slow', severity: 'SEV1' });
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, audience: 'public' });
    await deliver();
    await deliver();
    expect(smtp.messages.flatMap((m) => m.to)).toEqual(['all@example.com']);
    expect(hooks.on('all')).toHaveLength(2);
    expect(hooks.on('search')).toHaveLength(0);
  });

  it('an unknown component is a 400 naming components, by form and by API', async () => {
    const res = await form('/status/subscribe', new URLSearchParams([['email', 'x@example.com'], ['components', 'nope']]).toString());
    expect(res.statusCode).toBe(400);
    expect(res.headers['x-error-field']).toBe('components');
    expect(res.body).toContain('There is no component nope.');
    const api = await t.call('POST', `${API}/status-subscribers/webhooks`, { url: hooks.url('x'), components: ['nope'] });
    expect(api.statusCode).toBe(400);
    expect(api.json().error.details.field).toBe('components');
  });
});
