import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { walk } from '../support/pages.js';
import { API, expectError, ok } from '../api/helpers.js';

describe.each(STORE_KINDS)('paging people and tokens (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(kind);
  });
  afterEach(() => t.close());

  it('walks every person once, by handle, also when people are added between pages', async () => {
    for (let i = 0; i < 11; i++) await ok(t, 201, 'POST', `${API}/people`, { handle: `p${String(i).padStart(2, '0')}`, name: `P ${i}` });
    const added: string[] = [];
    const { items, pages } = await walk<{ handle: string }>(t, `${API}/people?limit=4`, {
      between: async (page) => {
        // One before the page already read (never shown: no gap, no duplicate) and one after it (shown).
        for (const handle of [`a-early-${page}`, `z-late-${page}`]) await ok(t, 201, 'POST', `${API}/people`, { handle, name: handle });
        added.push(`z-late-${page}`);
      },
    });
    const handles = items.map((p) => p.handle);
    expect(new Set(handles).size).toBe(handles.length);
    expect(handles).toEqual([...handles].sort());
    for (let i = 0; i < 11; i++) expect(handles).toContain(`p${String(i).padStart(2, '0')}`);
    for (const late of added) expect(handles).toContain(late);
    expect(handles.some((h) => h.startsWith('a-early'))).toBe(false);
    expect(pages).toBeGreaterThan(3);
  });

  it('keeps the filter on every page', async () => {
    for (let i = 0; i < 5; i++) await ok(t, 201, 'POST', `${API}/people`, { handle: `gone${i}`, name: 'Gone' });
    for (let i = 0; i < 5; i++) await ok(t, 200, 'POST', `${API}/people/gone${i}/deactivate`);
    const { items } = await walk<{ handle: string; active: boolean }>(t, `${API}/people?active=false&limit=2`);
    expect(items.map((p) => p.handle)).toEqual(['gone0', 'gone1', 'gone2', 'gone3', 'gone4']);
  });

  it('pages tokens with equal creation times by id', async () => {
    await t.person('priya');
    for (let i = 0; i < 6; i++) await ok(t, 201, 'POST', `${API}/people/priya/tokens`, { name: `laptop ${i}` });
    const all = await ok(t, 200, 'GET', `${API}/people/priya/tokens?limit=500`);
    const { items, pages } = await walk<{ id: string }>(t, `${API}/people/priya/tokens?limit=2`);
    expect(items.map((x) => x.id)).toEqual(all.map((x: { id: string }) => x.id));
    expect(items).toHaveLength(7);
    expect(pages).toBe(4);
  });

  it('refuses a bad limit and a cursor it did not hand out, naming the field', async () => {
    for (const limit of ['0', '501', 'ten', '1.5', '-1']) expectError(await t.call('GET', `${API}/people?limit=${limit}`), 400, 'VALIDATION_FAILED', 'limit');
    const first = await t.call('GET', `${API}/people?limit=1`);
    await t.person('second');
    const cursor = String((await t.call('GET', `${API}/people?limit=1`)).headers['x-next-cursor']);
    const forged = Buffer.from(JSON.stringify({ l: 'people', d: 'next', k: [7] })).toString('base64url');
    const otherList = Buffer.from(JSON.stringify({ l: 'tokens', d: 'next', k: ['a'] })).toString('base64url');
    for (const bad of ['%%%', 'bm90IGpzb24', forged, otherList, `${cursor}x`, cursor.slice(0, -3)])
      expectError(await t.call('GET', `${API}/people?cursor=${encodeURIComponent(bad)}`), 400, 'VALIDATION_FAILED', 'cursor');
    expect(first.statusCode).toBe(200);
  });
});
