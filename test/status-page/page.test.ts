/**
 * R10 over HTTP, on every store: what the public page, feed and Statuspage JSON say as an
 * incident runs, the components API, and how the page is served (ETag, 304, caching, CSP,
 * rate limit, a change visible within a second).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, UPDATE, declare, expectError, ok } from '../api/helpers.js';
import { expectComponent, expectIncident, expectPage, expectStatus, publicDom, publicGet, publicJson, text } from './support.js';

const CONFIG = {
  organization: { name: 'Example', statusPageTitle: 'Example Status', logoUrl: 'https://cdn.example.com/logo.png', colors: { brand: '#0b5394' } },
  components: [
    { id: 'checkout', name: 'Checkout', group: 'Storefront', description: 'Paying for an order' },
    { id: 'search', name: 'Search', group: 'Storefront' },
    { id: 'api', name: 'Public API' },
  ],
  links: { statusPage: 'https://status.example.com' },
};

/** A component's row as a reader meets it: name, status, description (the uptime bars are uptime-page.test.ts's). */
const componentLine = (li: Element) =>
  [...li.children]
    .filter((child) => !child.classList.contains('uptime'))
    .map((child) => child.textContent)
    .join('');

describe.each(STORE_KINDS)('status page (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(kind, CONFIG);
    await t.app.ready();
  });
  afterEach(() => t.close());

  it('R10: with nothing open the page says all systems operational, with every component operational', async () => {
    const doc = await publicDom(t, '/status');
    expect(doc.querySelector('h1')?.textContent).toBe('Example Status');
    expect(doc.querySelector('#overall-heading')?.textContent).toBe('All Systems Operational');
    expect([...doc.querySelectorAll('.components > li')].map(componentLine)).toEqual([
      'CheckoutOperationalPaying for an order',
      'SearchOperational',
      'Public APIOperational',
    ]);
    expect([...doc.querySelectorAll('#components-heading ~ h3')].map((h) => h.textContent)).toEqual(['Storefront', 'Other components']);
    const summary = await publicJson(t, '/api/v2/summary.json');
    expect(summary.status).toEqual({ indicator: 'none', description: 'All Systems Operational' });
  });

  it('R10: a declared public incident is on the page at once with "We are investigating" and its next update time, never "All Systems Operational"', async () => {
    await declare(t, { title: 'Checkout errors', severity: 'SEV2', components: ['checkout'] });
    const doc = await publicDom(t, '/status');
    const page = text(doc);
    expect(page).not.toContain('All Systems Operational');
    expect(doc.querySelector('#overall-heading')?.textContent).toBe('Partial System Outage');
    const incident = doc.querySelector('article.incident')!;
    expect(incident.querySelector('h3')?.textContent).toBe('Checkout errors');
    expect(incident.textContent).toContain('We are investigating');
    expect(incident.querySelector('.next')?.textContent).toContain('Next update by 2026-06-06 14:29 UTC');
    expect(doc.querySelector('.components > li')?.textContent).toContain('Partial outage');

    // A SEV1 with no components still moves the overall status.
    await declare(t, { title: 'Everything is slow', severity: 'SEV1' });
    expect((await publicJson(t, '/api/v2/status.json')).status).toEqual({ indicator: 'critical', description: 'Major System Outage' });
  });

  it('R10: only public updates of public incidents are shown, newest first; internal updates, SEV3 and private incidents never', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', components: ['checkout'] });
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, { ...UPDATE, impact: 'Public impact one.' });
    t.clock.advance(MINUTE);
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, { ...UPDATE, status: 'monitoring', impact: 'Secret internal detail.', audience: 'internal' });
    t.clock.advance(MINUTE);
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, { ...UPDATE, status: 'monitoring', impact: 'Public impact two.' });
    await declare(t, { title: 'Minor internal glitch', severity: 'SEV3', components: ['search'] });
    await declare(t, { title: 'Private security matter', severity: 'SEV1', private: true, components: ['api'] });

    const doc = await publicDom(t, '/status');
    const page = text(doc);
    expect(page).not.toContain('Secret internal detail');
    expect(page).not.toContain('Minor internal glitch');
    expect(page).not.toContain('Private security matter');
    expect([...doc.querySelectorAll('article.incident .update-status')].map((h) => h.textContent)).toEqual(['Monitoring', 'Identified']);
    expect([...doc.querySelectorAll('article.incident .body')].map((b) => b.textContent)).toEqual([
      expect.stringContaining('Public impact two.'),
      expect.stringContaining('Public impact one.'),
    ]);
    // Neither SEV3's nor the private incident's components move.
    const components = (await publicJson(t, '/api/v2/components.json')).components as { id: string; status: string }[];
    expect(components.find((c) => c.id === 'search')?.status).toBe('operational');
    expect(components.find((c) => c.id === 'api')?.status).toBe('operational');
    const all = JSON.stringify([await publicJson(t, '/api/v2/incidents.json'), (await publicGet(t, '/status/feed.atom')).body]);
    for (const secret of ['Secret internal detail', 'Minor internal glitch', 'Private security matter']) expect(all).not.toContain(secret);
    // Responder handles are not shown unless configured.
    expect(page).not.toContain('@admin');
    // Nor do they have pages of their own (INC-2 is the SEV3, INC-3 the private one).
    expect((await publicGet(t, `/status/incidents/${incident.id}`)).statusCode).toBe(200);
    for (const hidden of ['INC-2', 'INC-3']) expect((await publicGet(t, `/status/incidents/${hidden}`)).statusCode).toBe(404);
  });

  it('R10: a responder publishes a SEV3 onto the page; a private incident cannot be published', async () => {
    const minor = await declare(t, { title: 'Search is slow', severity: 'SEV3', components: ['search'] });
    expect(minor.statusPage).toEqual({ public: false, publishedAt: null, components: { search: 'degraded_performance' } });
    const published = await ok(t, 200, 'POST', `${API}/incidents/${minor.id}/publish`);
    expect(published.statusPage.public).toBe(true);
    const timeline = await ok(t, 200, 'GET', `${API}/incidents/${minor.id}/timeline`);
    expect(timeline.map((e: { kind: string }) => e.kind)).toContain('published');
    expect(text(await publicDom(t, '/status'))).toContain('Search is slow');

    const secret = await declare(t, { title: 'Private matter', severity: 'SEV1', private: true });
    expectError(await t.call('POST', `${API}/incidents/${secret.id}/publish`), 409, 'PRIVATE_INCIDENT', 'private');
  });

  it('Statuspage contract: an incident going investigating → identified → monitoring → resolved, in every v2 document', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', components: ['checkout'] });
    const phases: [string, () => Promise<unknown>][] = [
      ['investigating', async () => undefined],
      ['identified', () => ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, UPDATE)],
      ['monitoring', () => ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, { ...UPDATE, status: 'monitoring' })],
      ['resolved', () => ok(t, 200, 'POST', `${API}/incidents/${incident.id}/resolve`, { impact: 'Checkout failed for 40 minutes.', whatWeKnow: 'A bad deploy.' })],
    ];
    for (const [status, step] of phases) {
      t.clock.advance(5 * MINUTE);
      await step();
      const summary = await publicJson(t, '/api/v2/summary.json');
      expect(Object.keys(summary).sort()).toEqual(['components', 'incidents', 'page', 'scheduled_maintenances', 'status']);
      expectPage(summary.page);
      expectStatus(summary.status);
      summary.components.forEach(expectComponent);
      summary.incidents.forEach(expectIncident);
      const unresolved = await publicJson(t, '/api/v2/incidents/unresolved.json');
      const all = await publicJson(t, '/api/v2/incidents.json');
      expect(Object.keys(all).sort()).toEqual(['incidents', 'page']);
      all.incidents.forEach(expectIncident);
      const ours = all.incidents.find((i: { id: string }) => i.id === incident.id);
      expect(ours.status).toBe(status);
      expect(ours.name).toBe('Checkout errors');
      expect(ours.impact).toBe('major');
      expect(ours.shortlink).toBe(`https://status.example.com/status/incidents/${incident.id}`);
      expect(ours.incident_updates[0].status).toBe(status);
      const checkout = summary.components.find((c: { id: string }) => c.id === 'checkout');
      const storefront = summary.components.find((c: { name: string; group: boolean }) => c.group && c.name === 'Storefront');
      expect(storefront.components).toEqual(['checkout', 'search']);
      expect(checkout.group_id).toBe(storefront.id);
      if (status === 'resolved') {
        expect(unresolved.incidents).toEqual([]);
        expect(summary.status).toEqual({ indicator: 'none', description: 'All Systems Operational' });
        expect(checkout.status).toBe('operational');
        expect(ours.resolved_at).toBe(t.clock.now().toISOString());
        expect(ours.incident_updates.map((u: { status: string }) => u.status)).toEqual(['resolved', 'monitoring', 'identified']);
        expect(ours.monitoring_at).not.toBeNull();
      } else {
        expect(unresolved.incidents.map((i: { id: string }) => i.id)).toEqual([incident.id]);
        expect(summary.status).toEqual({ indicator: 'major', description: 'Partial System Outage' });
        expect(checkout.status).toBe('partial_outage');
        expect(ours.resolved_at).toBeNull();
      }
    }
    const status = await publicJson(t, '/api/v2/status.json');
    expect(Object.keys(status).sort()).toEqual(['page', 'status']);
    const maintenances = await publicJson(t, '/api/v2/scheduled-maintenances.json');
    expect(maintenances).toEqual({ page: status.page, scheduled_maintenances: [] });
  });

  it('R10: affected components take the status responders set; on resolve they return to operational unless another open incident holds them (worst wins)', async () => {
    const first = await declare(t, { title: 'Checkout errors', severity: 'SEV2', components: ['checkout'] });
    const second = await declare(t, { title: 'Payments slow', severity: 'SEV2', components: [] });
    const set = await ok(t, 200, 'PUT', `${API}/incidents/${first.id}/components/checkout`, { status: 'major_outage' });
    expect(set.statusPage.components).toEqual({ checkout: 'major_outage' });
    await ok(t, 200, 'PUT', `${API}/incidents/${second.id}/components/checkout`, { status: 'degraded_performance' });
    await ok(t, 200, 'PUT', `${API}/incidents/${second.id}/components/api`, { status: 'partial_outage' });
    const statuses = async () =>
      Object.fromEntries(((await publicJson(t, '/api/v2/components.json')).components as { id: string; status: string }[]).map((c) => [c.id, c.status]));
    expect(await statuses()).toMatchObject({ checkout: 'major_outage', api: 'partial_outage', search: 'operational' });

    await ok(t, 200, 'POST', `${API}/incidents/${first.id}/resolve`, { impact: 'Fixed.', whatWeKnow: 'Bad deploy.' }, 'admin');
    expect(await statuses()).toMatchObject({ checkout: 'degraded_performance', api: 'partial_outage' });
    await ok(t, 200, 'POST', `${API}/incidents/${second.id}/resolve`, { impact: 'Fixed.', whatWeKnow: 'Slow provider.' });
    expect(await statuses()).toMatchObject({ checkout: 'operational', api: 'operational' });

    const timeline = await ok(t, 200, 'GET', `${API}/incidents/${second.id}/timeline`);
    expect(timeline.map((e: { text: string }) => e.text)).toContain('Component api: Partial outage.');
    expectError(await t.call('PUT', `${API}/incidents/${second.id}/components/checkout`, { status: 'operational' }), 409, 'INCIDENT_NOT_OPEN');
    expectError(await t.call('PUT', `${API}/incidents/${first.id}/components/nope`, { status: 'operational' }), 404, 'COMPONENT_NOT_FOUND', 'componentId');
    expectError(await t.call('PUT', `${API}/incidents/${first.id}/components/checkout`, { status: 'broken' }), 400, 'VALIDATION_FAILED', 'status');
  });

  it('R10: the default per severity is configurable', async () => {
    const custom = await testApp(kind, { ...CONFIG, statusPage: { componentStatusBySeverity: { SEV2: 'degraded_performance' } } });
    try {
      const incident = await declare(custom, { title: 'Checkout errors', severity: 'SEV2', components: ['checkout'] });
      expect(incident.statusPage.components).toEqual({ checkout: 'degraded_performance' });
    } finally {
      await custom.close();
    }
  });

  it('components: admins add and change them through the API; configured ones are changed in the file; concurrent edits are refused', async () => {
    const created = await ok(t, 201, 'POST', `${API}/components`, { id: 'webhooks', name: 'Webhooks', group: 'Platform', order: 0 });
    expect(created).toEqual({
      id: 'webhooks',
      name: 'Webhooks',
      group: 'Platform',
      description: null,
      order: 0,
      source: 'api',
      status: 'operational',
      version: 1,
      createdAt: '2026-06-06T14:14:00.000Z',
      updatedAt: '2026-06-06T14:14:00.000Z',
    });
    // Page order: by `order` (configured components count from 0 in file order), then by name.
    const list = await ok(t, 200, 'GET', `${API}/components`);
    expect(list.map((c: { id: string }) => c.id)).toEqual(['checkout', 'webhooks', 'search', 'api']);
    const changed = await ok(t, 200, 'PATCH', `${API}/components/webhooks`, { description: 'Outbound webhooks' }, 'admin', { 'if-match': '"1"' });
    expect(changed).toMatchObject({ description: 'Outbound webhooks', version: 2 });
    expectError(await t.call('PATCH', `${API}/components/webhooks`, { name: 'Hooks' }, { headers: { 'if-match': '"1"' } }), 409, 'VERSION_CONFLICT');
    expectError(await t.call('PATCH', `${API}/components/checkout`, { name: 'Pay' }), 409, 'COMPONENT_FROM_CONFIGURATION', 'id');
    expectError(await t.call('POST', `${API}/components`, { id: 'checkout', name: 'Again' }), 409, 'COMPONENT_EXISTS', 'id');
    expectError(await t.call('POST', `${API}/components`, { id: 'Bad Id', name: 'X' }), 400, 'VALIDATION_FAILED', 'id');
    expectError(await t.call('PATCH', `${API}/components/nope`, { name: 'X' }), 404, 'COMPONENT_NOT_FOUND');
    await t.person('rita', 'responder');
    expectError(await t.call('POST', `${API}/components`, { id: 'x', name: 'X' }, { as: 'rita' }), 403, 'FORBIDDEN');

    // A component created through the API can be named when declaring, and is on the page at once.
    await declare(t, { title: 'Webhooks delayed', severity: 'SEV2', components: ['webhooks'] });
    const doc = await publicDom(t, '/status');
    expect([...doc.querySelectorAll('.components > li')].map(componentLine)).toContain('WebhooksPartial outageOutbound webhooks');
  });

  it('R10: recent resolved incidents stay listed for 14 days, each with its own page and full public history', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', components: ['checkout'] });
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, UPDATE);
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/resolve`, { impact: 'Checkout failed for 40 minutes.', whatWeKnow: 'A bad deploy.' });
    const recent = await publicDom(t, '/status');
    expect(recent.querySelector('#recent-heading')?.textContent).toBe('Past incidents (last 14 days)');
    expect(recent.querySelector('.incidents a')?.getAttribute('href')).toBe(`/status/incidents/${incident.id}`);

    const page = await publicDom(t, `/status/incidents/${incident.id}`);
    expect(page.querySelector('h1')?.textContent).toBe('Checkout errors');
    expect([...page.querySelectorAll('.update-status')].map((h) => h.textContent)).toEqual(['Resolved', 'Identified']);
    for (const missing of ['/status/incidents/INC-999', '/status/nothing', '/api/v2/nothing.json']) {
      const res = await publicGet(t, missing);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    }

    t.clock.advance(15 * 86_400_000);
    expect(text(await publicDom(t, '/status'))).toContain('No incidents in the last 14 days.');
  });

  it('feed: one Atom entry per public update, valid XML', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2' });
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, UPDATE);
    t.clock.advance(MINUTE);
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, { ...UPDATE, status: 'monitoring' });
    const res = await publicGet(t, '/status/feed.atom');
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const xml = new JSDOM(res.body, { contentType: 'application/xml' }).window.document;
    expect(xml.querySelector('parsererror')).toBeNull();
    const titles = [...xml.querySelectorAll('entry > title')].map((e) => e.textContent);
    expect(titles).toEqual(['[Monitoring] Checkout errors', '[Identified] Checkout errors']);
    expect(xml.querySelector('entry > link')?.getAttribute('href')).toBe(`https://status.example.com/status/incidents/${incident.id}`);
  });

  it('spike-proof: ETag, Last-Modified and Cache-Control on every answer; a conditional request gets 304; CSP everywhere', async () => {
    for (const url of ['/status', '/status/feed.atom', '/api/v2/summary.json', '/api/v2/components.json']) {
      const first = await publicGet(t, url);
      expect(first.statusCode).toBe(200);
      expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
      expect(new Date(String(first.headers['last-modified'])).toISOString()).toBe(t.clock.now().toISOString());
      expect(first.headers['cache-control']).toBe('public, max-age=5, s-maxage=5, stale-while-revalidate=60');
      expect(first.headers['content-security-policy']).toBe(
        "default-src 'none'; style-src 'self'; img-src 'self' https://cdn.example.com; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      );
      const again = await publicGet(t, url, { 'if-none-match': String(first.headers.etag) });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      expect((await publicGet(t, url, { 'if-modified-since': String(first.headers['last-modified']) })).statusCode).toBe(304);
      expect((await publicGet(t, url, { 'if-modified-since': 'Sat, 06 Jun 2026 14:13:59 GMT' })).statusCode).toBe(200);
      const gzipped = await publicGet(t, url, { 'accept-encoding': 'gzip, br' });
      if (gzipped.headers['content-encoding'] === 'gzip') expect(gzipped.rawPayload.length).toBeLessThan(first.rawPayload.length);
    }
    // The stylesheet is content-addressed and cached for good; the page links nothing else to load.
    const doc = await publicDom(t, '/status');
    const css = doc.querySelector('link[rel=stylesheet]')!.getAttribute('href')!;
    const sheet = await publicGet(t, css);
    expect(sheet.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(sheet.body).toContain('--brand:#0b5394');
    expect(doc.querySelectorAll('script, [style]')).toHaveLength(0);
    // Landmarks and headings for assistive technology; the e-mail subscription form (no script) when e-mail goes out.
    expect(['header', 'main#main', 'footer', 'h1'].map((selector) => doc.querySelectorAll(selector).length)).toEqual([1, 1, 1, 1]);
    expect(doc.querySelector('form.subscribe')?.getAttribute('action')).toBe('/status/subscribe');
    expect(doc.querySelector('label[for=subscribe-email]')?.textContent).toContain('e-mail');

    const before = await publicGet(t, '/status');
    await declare(t, { title: 'Checkout errors', severity: 'SEV2' });
    expect((await publicGet(t, '/status', { 'if-none-match': String(before.headers.etag) })).statusCode).toBe(200);
    // Changed within the same second (the test clock stands still): If-Modified-Since alone must not keep the old bytes.
    const after = await publicGet(t, '/status', { 'if-modified-since': String(before.headers['last-modified']) });
    expect(after.statusCode).toBe(200);
    expect(Date.parse(String(after.headers['last-modified']))).toBeGreaterThan(Date.parse(String(before.headers['last-modified'])));
  });

  it('spike-proof: a change is on the page within a second, with no one asking for a re-render', async () => {
    await t.app.statusPage.refresh();
    await declare(t, { title: 'Checkout errors', severity: 'SEV1' });
    const deadline = Date.now() + 1000;
    let body = '';
    while (Date.now() < deadline) {
      body = (await t.app.inject({ method: 'GET', url: '/status' })).body;
      if (body.includes('Checkout errors')) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(body).toContain('Checkout errors');
  });

  it('spike-proof: each client is rate-limited (429 with Retry-After)', async () => {
    const limited = await testApp(kind, { statusPage: { rateLimit: { requests: 3, per: '1m' } } });
    try {
      await limited.app.ready();
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await limited.app.inject({ method: 'GET', url: '/api/v2/status.json', remoteAddress: '10.0.0.1' })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const over = await limited.app.inject({ method: 'GET', url: '/status', remoteAddress: '10.0.0.1' });
      expect(over.statusCode).toBe(429);
      expect(over.json().error.code).toBe('RATE_LIMITED');
      expect(over.headers['retry-after']).toBeDefined();
      expect(over.headers['content-security-policy']).toContain("default-src 'none'");
      expect((await limited.app.inject({ method: 'GET', url: '/status', remoteAddress: '10.0.0.2' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
