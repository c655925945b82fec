/** Issue 17 (2): /status/history by month, paginated, each incident with its updates and its published postmortem. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, UPDATE, declare, expectError, ok } from '../api/helpers.js';
import { publicDom, publicGet } from './support.js';
import { historyPages } from '../../src/domain/status-page/history.js';

const RESOLVE = { impact: 'None left.', whatWeKnow: 'A bad deploy, rolled back.' };

describe('history pages (pure)', () => {
  it('three months to a page from the current month back to the oldest incident, empty months included', () => {
    const incident = (declaredAt: string) => ({ declaredAt }) as Parameters<typeof historyPages>[0][number];
    const pages = historyPages([incident('2026-01-20T10:00:00.000Z'), incident('2026-06-01T10:00:00.000Z')], '2026-06-06T14:14:00.000Z');
    expect(pages.map((p) => [p.path, p.months.map((m) => `${m.month}:${m.incidents.length}`)])).toEqual([
      ['/status/history', ['2026-06:1', '2026-05:0', '2026-04:0']],
      ['/status/history/2', ['2026-03:0', '2026-02:0', '2026-01:1']],
    ]);
    expect(historyPages([], '2026-01-06T00:00:00.000Z').map((p) => p.months.map((m) => m.month))).toEqual([['2026-01']]);
  });
});

describe.each(STORE_KINDS)('status history (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(kind, {});
  });
  afterEach(() => t.close());

  it('each month lists its public incidents with their updates; older months on the next pages; a published postmortem is linked', async () => {
    t.clock.set('2026-02-10T09:00:00.000Z');
    const old = await declare(t, { title: 'February outage', severity: 'SEV1' });
    await ok(t, 201, 'POST', `${API}/incidents/${old.id}/updates`, { ...UPDATE, audience: 'public', whatWeKnow: 'The February cause.' });
    await ok(t, 200, 'POST', `${API}/incidents/${old.id}/resolve`, RESOLVE);
    // Publishing a postmortem: only http(s), only once resolved.
    expectError(await t.call('PUT', `${API}/incidents/${old.id}/postmortem/publication`, { url: 'javascript:alert(1)' }), 400, 'VALIDATION_FAILED');
    const published = await ok(t, 200, 'PUT', `${API}/incidents/${old.id}/postmortem/publication`, { url: 'https://wiki.example.com/pm/feb' });
    expect(published.id).toBe(old.id);

    t.clock.set('2026-06-06T14:14:00.000Z');
    await declare(t, { title: 'Internal only', severity: 'SEV3' });
    const open = await declare(t, { title: 'June slowness', severity: 'SEV2' });
    expectError(await t.call('PUT', `${API}/incidents/${open.id}/postmortem/publication`, { url: 'https://wiki.example.com/pm/jun' }), 409, 'INCIDENT_NOT_RESOLVED');

    const first = await publicDom(t, '/status/history');
    expect([...first.querySelectorAll('main h2')].map((h) => h.textContent)).toEqual(['June 2026', 'May 2026', 'April 2026']);
    expect([...first.querySelectorAll('main h3')].map((h) => h.textContent)).toEqual(['June slowness']);
    expect(first.body.textContent).toContain('No incidents reported this month.');
    expect(first.body.textContent).not.toContain('Internal only');
    expect(first.querySelector('nav.pager')?.textContent).toBe('Page 1 of 2Older incidents');
    expect(first.querySelector('nav.pager a[rel=next]')?.getAttribute('href')).toBe('/status/history/2');

    const second = await publicDom(t, '/status/history/2');
    expect([...second.querySelectorAll('main h2')].map((h) => h.textContent)).toEqual(['March 2026', 'February 2026']);
    const article = second.querySelector('article.incident')!;
    expect(article.querySelector('h3 a')?.getAttribute('href')).toBe(`/status/incidents/${old.id}`);
    expect([...article.querySelectorAll('.update-status')].map((h) => h.textContent)).toEqual(['Resolved', 'Identified']);
    expect(article.textContent).toContain('The February cause.');
    expect(article.querySelector('a[href="https://wiki.example.com/pm/feb"]')?.textContent).toBe('Read the postmortem');
    expect(second.querySelector('nav.pager a[rel=prev]')?.getAttribute('href')).toBe('/status/history');

    const page = await publicDom(t, `/status/incidents/${old.id}`);
    expect(page.querySelector('a[href="https://wiki.example.com/pm/feb"]')?.textContent).toBe('Read the postmortem');
    expect((await publicDom(t, '/status')).querySelector('footer a[href="/status/history"]')).not.toBeNull();
    expect((await publicGet(t, '/status/history/3')).statusCode).toBe(404);
    // The timeline records it.
    const timeline = await ok(t, 200, 'GET', `${API}/incidents/${old.id}/timeline`);
    expect(timeline.at(-1)).toMatchObject({ kind: 'postmortem_published', text: 'Postmortem published: https://wiki.example.com/pm/feb' });
  });
});
