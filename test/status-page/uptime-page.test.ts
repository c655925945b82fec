/**
 * Issue 17 (1, 6) over HTTP, on every store: dates a Statuspage reader can trust (never
 * the epoch), and the 90-day uptime bars computed from the recorded history — including
 * history recorded before those dates were kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, declare, ok } from '../api/helpers.js';
import { publicDom, publicJson } from './support.js';
import { declared, record } from '../domain/given.js';
import { fold } from '../../src/domain/model/state.js';
import { buildConfig } from '../../src/config/load.js';
import { recordStatusPageInventory } from '../../src/commands/components.js';

const CONFIG = {
  components: [
    { id: 'checkout', name: 'Checkout', group: 'Storefront' },
    { id: 'search', name: 'Search', group: 'Storefront' },
  ],
};
const START = '2026-06-06T14:14:00.000Z';
const HOUR = 60 * MINUTE;
const EPOCH = /^1970-/;

describe.each(STORE_KINDS)('status page dates and uptime (%s)', (kind) => {
  let t: TestApp;
  afterEach(() => t.close());

  it('issue 17 (6): a fresh install dates the page and every component from its first start, never 1970; a status change dates the component', async () => {
    t = await testApp(kind, CONFIG);
    const fresh = await publicJson(t, '/api/v2/summary.json');
    expect(fresh.page.updated_at).toBe(START);
    for (const c of fresh.components) {
      expect(c.created_at, c.id).toBe(START);
      expect(c.updated_at, c.id).toBe(START);
    }
    expect(JSON.stringify(fresh)).not.toMatch(/1970-/);

    t.clock.advance(HOUR);
    await declare(t, { title: 'Checkout errors', severity: 'SEV2', components: ['checkout'] });
    const during = await publicJson(t, '/api/v2/components.json');
    const at = new Date(Date.parse(START) + HOUR).toISOString();
    expect(during.components.find((c: { id: string }) => c.id === 'checkout')).toMatchObject({ created_at: START, updated_at: at, status: 'partial_outage' });
    expect(during.components.find((c: { id: string }) => c.id === 'search')).toMatchObject({ created_at: START, updated_at: START });
    // The group: created with its first member, changed with its last.
    expect(during.components.find((c: { group: boolean }) => c.group)).toMatchObject({ created_at: START, updated_at: at, status: 'partial_outage' });
    expect((await publicJson(t, '/api/v2/summary.json')).page.updated_at).toBe(at);

    // A changed definition in the configuration file is dated when the server next starts with it; an unchanged one is not.
    const later = new Date(Date.parse(START) + 2 * HOUR).toISOString();
    const changed = buildConfig({ components: [{ id: 'checkout', name: 'Checkout', group: 'Storefront' }, { id: 'search', name: 'Site search', group: 'Storefront' }] }, 'test');
    await t.store.transaction((tx) => recordStatusPageInventory({ tx, config: changed, now: later }));
    const records = new Map((await t.store.statusComponents.records()).map((r) => [r.key, r]));
    expect(records.get('component:search')).toMatchObject({ createdAt: START, updatedAt: later });
    expect(records.get('component:checkout')).toMatchObject({ createdAt: START, updatedAt: START });
    expect(records.get('page')).toMatchObject({ createdAt: START });
  });

  it('issue 17 (1): history recorded before the page kept dates counts — components date from the first event, its outage is on the bars', async () => {
    t = await testApp(kind, CONFIG);
    // An incident from before this version: a SEV2 on checkout, 10:00–12:00 on 1 June, already in the store.
    const from = '2026-06-01T10:00:00.000Z';
    const events = record([
      { event: declared({ severity: 'SEV2', declaredAt: from, components: ['checkout'] }), at: from },
      { event: { type: 'IncidentResolved', postmortemRequired: false }, at: '2026-06-01T12:00:00.000Z' },
    ]);
    await t.store.transaction((tx) => tx.incidents.append(0, events, fold(events), []));
    await t.app.ready();

    const summary = await publicJson(t, '/api/v2/summary.json');
    expect(summary.components.find((c: { id: string }) => c.id === 'checkout')).toMatchObject({ created_at: from, updated_at: '2026-06-01T12:00:00.000Z' });
    expect(JSON.stringify(summary)).not.toMatch(EPOCH);

    const doc = await publicDom(t, '/status');
    const item = [...doc.querySelectorAll('.components > li')].find((li) => li.querySelector('.name')?.textContent === 'Checkout')!;
    const days = [...item.querySelectorAll('ol.days > li')];
    expect(days).toHaveLength(90);
    // No JavaScript, no tooltip: each day is a list item whose words say what the colour says.
    const june1 = days.find((d) => d.textContent?.startsWith('2026-06-01'))!;
    expect(june1.className).toBe('day day-partial_outage');
    // Checkout is dated from the first event (10:00), so 1 June counts 14 h, of which 0.6 h down.
    expect(june1.textContent).toBe('2026-06-01: partial outage for 2h; 95.71% uptime');
    expect(days.find((d) => d.textContent?.startsWith('2026-05-31'))!.className).toBe('day day-no_data');
    expect(days.at(-1)!.textContent).toBe('2026-06-06: no incidents; 100.00% uptime');
    // 0.6 h down in 14 h + 4 × 24 h + 14 h 14 min counted: 1 - 0.6 / 124.2333… h.
    expect(item.querySelector('.uptime-figure')?.textContent).toBe('99.51% uptime');
    expect(doc.querySelector('.uptime-note')?.textContent).toContain('30% of a partial');
    expect(doc.querySelector('ol.days')?.getAttribute('aria-label')).toBe('Checkout: the last 90 days, oldest first');
  });

  it('issue 17 (1): internal and private incidents never reach the bars', async () => {
    t = await testApp(kind, CONFIG);
    t.clock.set('2026-06-06T10:00:00.000Z');
    const internal = await declare(t, { title: 'Quiet', severity: 'SEV3', components: ['search'] });
    const hidden = await declare(t, { title: 'Secret', severity: 'SEV1', components: ['search'], private: true });
    t.clock.advance(HOUR);
    for (const incident of [internal, hidden])
      await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/resolve`, { impact: 'None left.', whatWeKnow: 'Fixed.' });
    const doc = await publicDom(t, '/status');
    const search = [...doc.querySelectorAll('.components > li')].find((li) => li.querySelector('.name')?.textContent === 'Search')!;
    expect(search.querySelector('ol.days > li:last-child')?.className).toBe('day day-operational');
    expect(search.querySelector('.uptime-figure')?.textContent).toBe('100.00% uptime');
  });
});
