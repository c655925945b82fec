/**
 * Item 8, up when we are down: the live page keeps its last good render when the database
 * fails; INCIDENT_STATUS_EXPORT_DIR keeps a static copy in step with every change; and
 * `incident status export DIR` writes the same files straight from the database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN, STORE_KINDS, testApp } from '../support/harness.js';
import { API } from '../api/helpers.js';
import { incident } from '../cli/run.js';
import { exportingApp } from './support.js';

const CONFIG = { components: [{ id: 'checkout', name: 'Checkout' }], links: { statusPage: 'https://status.example.com' } };
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe.each(STORE_KINDS)('item 8: up when we are down (%s)', (kind) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('item 8: when the database stops answering, /status and summary.json still answer 200 with the last good render', async () => {
    const t = await testApp(kind, CONFIG);
    cleanups.push(() => t.db.cleanup(), () => t.app.close());
    await t.app.ready();
    const declared = await t.call('POST', `${API}/incidents`, { title: 'Database on fire', severity: 'SEV1', components: ['checkout'] });
    expect(declared.statusCode).toBe(201);
    await t.app.statusPage.refresh();
    const before = await t.app.inject({ method: 'GET', url: '/api/v2/summary.json' });

    // The store's connections are gone for good: every read fails from here on.
    await t.store.close();
    await expect(t.store.ping()).rejects.toThrow();
    t.clock.advance(60_000);
    await t.app.statusPage.refresh();

    const page = await t.app.inject({ method: 'GET', url: '/status' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Database on fire');
    const summary = await t.app.inject({ method: 'GET', url: '/api/v2/summary.json' });
    expect(summary.statusCode).toBe(200);
    expect(summary.body).toBe(before.body);
    expect(summary.headers.etag).toBe(before.headers.etag);
    expect((await t.app.inject({ method: 'GET', url: '/api/v2/summary.json', headers: { 'if-none-match': String(before.headers.etag) } })).statusCode).toBe(304);
  });

  it('item 8: a server that starts while the database is down answers 503 with Retry-After until a first render, never a 5xx crash', async () => {
    const t = await testApp(kind, CONFIG);
    cleanups.push(() => t.db.cleanup(), () => t.app.close());
    await t.store.close();
    await t.app.ready();
    const res = await t.app.inject({ method: 'GET', url: '/status' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error.code).toBe('STATUS_PAGE_NOT_READY');
  });

  it('item 8: INCIDENT_STATUS_EXPORT_DIR holds the same bytes as the live page, rewritten on every change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'status-export-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const app = await exportingApp(kind, CONFIG, dir, cleanups);
    await app.ready();

    const index = join(dir, 'status', 'index.html');
    expect(readFileSync(index, 'utf8')).toContain('All Systems Operational');
    const res = await app.inject({ method: 'POST', url: `${API}/incidents`, headers: auth, payload: { title: 'Checkout errors', severity: 'SEV2' } });
    expect(res.statusCode).toBe(201);
    const deadline = Date.now() + 1000;
    while (!readFileSync(index, 'utf8').includes('Checkout errors') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(readFileSync(index, 'utf8')).toContain('Checkout errors');

    await app.statusPage.refresh();
    for (const [url, file] of [
      ['/status', 'status/index.html'],
      ['/status/incidents/INC-1', 'status/incidents/INC-1/index.html'],
      ['/status/feed.atom', 'status/feed.atom'],
      ['/api/v2/summary.json', 'api/v2/summary.json'],
      ['/api/v2/incidents/unresolved.json', 'api/v2/incidents/unresolved.json'],
      ['/api/v2/scheduled-maintenances.json', 'api/v2/scheduled-maintenances.json'],
    ] as const) {
      const live = await app.inject({ method: 'GET', url });
      expect(readFileSync(join(dir, file), 'utf8'), file).toBe(live.body);
    }

    // Taken off the page (downgraded to an internal severity, never published): gone from the copy too.
    const page = join(dir, 'status', 'incidents', 'INC-1', 'index.html');
    const downgraded = await app.inject({ method: 'POST', url: `${API}/incidents/INC-1/severity`, headers: auth, payload: { severity: 'SEV3', reason: 'Only a few users' } });
    expect(downgraded.statusCode, downgraded.body).toBe(200);
    await app.statusPage.refresh();
    expect((await app.inject({ method: 'GET', url: '/status/incidents/INC-1' })).statusCode).toBe(404);
    expect(existsSync(page)).toBe(false);
    expect(readFileSync(index, 'utf8')).not.toContain('Checkout errors');
  });

  it('item 8: `incident status export DIR` writes the whole page from the database, with the server stopped', async () => {
    const t = await testApp(kind, CONFIG);
    const dir = mkdtempSync(join(tmpdir(), 'status-export-'));
    cleanups.push(() => t.close(), () => rmSync(dir, { recursive: true, force: true }));
    await t.app.ready();
    expect((await t.call('POST', `${API}/incidents`, { title: 'Checkout errors', severity: 'SEV2', components: ['checkout'] })).statusCode).toBe(201);

    const configFile = join(dir, 'incident.config.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(configFile, JSON.stringify(CONFIG));
    const out = join(dir, 'public');
    const ran = await incident(['status', 'export', out], { ...t.db.env, INCIDENT_CONFIG: configFile });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain(`Wrote`);
    expect(readFileSync(join(out, 'status', 'index.html'), 'utf8')).toContain('Checkout errors');
    expect(existsSync(join(out, 'status', 'incidents', 'INC-1', 'index.html'))).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, 'api', 'v2', 'summary.json'), 'utf8'));
    expect(summary.incidents.map((i: { name: string }) => i.name)).toEqual(['Checkout errors']);
    expect(summary.page.url).toBe('https://status.example.com');
    const css = /href="\/(status\/assets\/style-[\w-]+\.css)"/.exec(readFileSync(join(out, 'status', 'index.html'), 'utf8'))![1]!;
    expect(existsSync(join(out, css))).toBe(true);
  });
});
