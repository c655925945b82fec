/**
 * What the console's status page controls rely on, through the API: taking a publication
 * back, previewing a public update with the page's own presenter (nothing recorded), and
 * subscriber counts per component.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, declare, expectError, ok } from '../api/helpers.js';
import { publicGet } from './support.js';

const CONFIG = {
  components: [{ id: 'checkout', name: 'Checkout' }, { id: 'search', name: 'Search' }],
  webhooks: { allowTargets: ['127.0.0.1'] },
};
const UPDATE = { status: 'identified', impact: 'Some checkouts fail.', whatWeKnow: 'A pool is exhausted.', nextStep: 'Adding capacity.' };

describe.each(STORE_KINDS)('status page controls through the API (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind, CONFIG);
    await t.person('alex');
    await t.person('vic', 'viewer');
  });
  afterAll(() => t.close());

  it('a published SEV3 is taken off the page (on the timeline); a SEV1 stays, 409 naming the severity', async () => {
    const minor = await declare(t, { title: 'Search slow', severity: 'SEV3', components: ['search'] }, 'alex');
    await ok(t, 200, 'POST', `${API}/incidents/${minor.id}/publish`, undefined, 'alex');
    expect((await publicGet(t, `/status/incidents/${minor.id}`)).statusCode).toBe(200);
    const taken = await ok(t, 200, 'POST', `${API}/incidents/${minor.id}/unpublish`, undefined, 'alex');
    expect(taken.statusPage).toMatchObject({ public: false, publishedAt: null });
    expect((await publicGet(t, `/status/incidents/${minor.id}`)).statusCode).toBe(404);
    const timeline = await ok(t, 200, 'GET', `${API}/incidents/${minor.id}/timeline?kind=unpublished`);
    expect(timeline.map((e: { text: string }) => e.text)).toEqual(['Taken off the status page.']);

    const major = await declare(t, { title: 'Checkout down', severity: 'SEV1' }, 'alex');
    expectError(await t.call('POST', `${API}/incidents/${major.id}/unpublish`, undefined, { as: 'alex' }), 409, 'PUBLIC_BY_POLICY', 'severity');
  });

  it('preview: the incident page as the public would read it after the update, rendered like the page itself; nothing is recorded', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV1', components: ['checkout'] }, 'alex');
    const before = await ok(t, 200, 'GET', `${API}/incidents/${incident.id}`);
    const preview = await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/status-page/preview`, UPDATE, 'alex');
    expect(preview.public).toBe(true);
    const shown = new JSDOM(preview.html).window.document;
    expect(shown.querySelector('h1')?.textContent).toBe('Checkout errors');
    expect(shown.querySelector('ol.updates > li')?.textContent).toContain('Some checkouts fail.');
    expect((await ok(t, 200, 'GET', `${API}/incidents/${incident.id}`)).version).toBe(before.version);

    // Posted, the public page has the same update, in the same markup.
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, { ...UPDATE, audience: 'public' }, 'alex');
    const page = new JSDOM((await publicGet(t, `/status/incidents/${incident.id}`)).body).window.document;
    expect(page.querySelector('ol.updates > li')?.outerHTML).toBe(shown.querySelector('ol.updates > li')?.outerHTML);
    expect(page.querySelector('main')?.outerHTML).toBe(shown.querySelector('main')?.outerHTML);
  });

  it('preview refuses as posting would (naming the field), says when the incident is not public, and shows nothing of a private one', async () => {
    const minor = await declare(t, { title: 'Queue backlog', severity: 'SEV3' }, 'alex');
    expectError(await t.call('POST', `${API}/incidents/${minor.id}/status-page/preview`, { ...UPDATE, impact: '' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'impact');
    expectError(await t.call('POST', `${API}/incidents/${minor.id}/status-page/preview`, UPDATE, { as: 'vic' }), 403, 'FORBIDDEN');
    const hidden = await ok(t, 200, 'POST', `${API}/incidents/${minor.id}/status-page/preview`, UPDATE, 'alex');
    expect(hidden.public).toBe(false);
    expect(hidden.html).toContain('Some checkouts fail.');
    const secret = await declare(t, { title: 'Secret', severity: 'SEV1', private: true }, 'alex');
    expect(await ok(t, 200, 'POST', `${API}/incidents/${secret.id}/status-page/preview`, UPDATE, 'alex')).toEqual({ public: false, html: null });
  });

  it('subscriber counts: per component, following everything, pending e-mail apart; no addresses, for anyone signed in', async () => {
    await ok(t, 201, 'POST', `${API}/status-subscribers/webhooks`, { url: 'http://127.0.0.1:9/checkout', components: ['checkout'] });
    await ok(t, 201, 'POST', `${API}/status-subscribers/webhooks`, { url: 'http://127.0.0.1:9/all' });
    const counts = await ok(t, 200, 'GET', `${API}/status-subscribers/counts`, undefined, 'vic');
    expect(counts).toEqual({ email: { confirmed: 0, pending: 0 }, webhooks: 2, components: { checkout: 2, search: 1 }, everything: 1 });
  });
});
