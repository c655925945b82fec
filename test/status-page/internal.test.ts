/** Issue 17 (4): /status/internal — signed-in people only; internal severities and updates; private incidents only for those in them. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, UPDATE, declare, ok } from '../api/helpers.js';
import { publicGet, text } from './support.js';

describe.each(STORE_KINDS)('internal status page (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(kind, { components: [{ id: 'checkout', name: 'Checkout' }] });
    await t.person('priya');
    await t.person('outsider', 'viewer');
  });
  afterEach(() => t.close());

  const internalPage = async (as: string) => {
    const res = await t.call('GET', '/status/internal', undefined, { as });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    return new JSDOM(res.body).window.document;
  };

  it('signed-in people see internal severities and internal updates; the public page shows neither; private incidents only to those in them', async () => {
    const minor = await declare(t, { title: 'Search is slow', severity: 'SEV3', components: ['checkout'] }, 'priya');
    await ok(t, 201, 'POST', `${API}/incidents/${minor.id}/updates`, { ...UPDATE, audience: 'internal', whatWeKnow: 'Index rebuild is running.' }, 'priya');
    const major = await declare(t, { title: 'Checkout errors', severity: 'SEV2' }, 'priya');
    await ok(t, 201, 'POST', `${API}/incidents/${major.id}/updates`, { ...UPDATE, audience: 'internal', whatWeKnow: 'Suspect the payments deploy.' }, 'priya');
    await declare(t, { title: 'Secret breach', severity: 'SEV1', private: true }, 'priya');

    const forPriya = await internalPage('priya');
    const titles = [...forPriya.querySelectorAll('article.incident h3')].map((h) => h.textContent);
    expect(titles.sort()).toEqual(['Checkout errors', 'Search is slow', 'Secret breach (private)']);
    const page = text(forPriya);
    expect(page).toContain('SEV3 · Status: Identified');
    expect(page).toContain('Index rebuild is running.');
    expect(page).toContain('Identified (internal update)');
    expect(forPriya.querySelector('h1')?.textContent).toContain('(internal)');

    const forOutsider = await internalPage('outsider');
    expect([...forOutsider.querySelectorAll('article.incident h3')].map((h) => h.textContent).sort()).toEqual(['Checkout errors', 'Search is slow']);
    expect(text(forOutsider)).not.toContain('Secret breach');

    const publicPage = (await publicGet(t, '/status')).body;
    expect(publicPage).not.toContain('Search is slow');
    expect(publicPage).not.toContain('Suspect the payments deploy.');
    expect(publicPage).not.toContain('Secret breach');
  });

  it('without signing in: 401 with a way to sign in, never the page', async () => {
    await declare(t, { title: 'Search is slow', severity: 'SEV3' });
    const res = await t.app.inject({ method: 'GET', url: '/status/internal' });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('Sign in to see the internal status page');
    expect(res.body).not.toContain('Search is slow');
    expect(res.headers['cache-control']).toBe('private, no-store');
    const bad = await t.app.inject({ method: 'GET', url: '/status/internal', headers: { authorization: 'Bearer nope' } });
    expect(bad.statusCode).toBe(401);
  });
});
