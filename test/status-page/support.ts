/** Shared by the status page suites: public requests, the Statuspage v2 shapes, parsing what the page says. */
import { expect } from 'vitest';
import { JSDOM } from 'jsdom';
import type { FastifyInstance } from 'fastify';
import { ADMIN_TOKEN, TestClock, freshDatabase, type StoreKind, type TestApp } from '../support/harness.js';
import { Store } from '../../src/store/store.js';
import { buildConfig } from '../../src/config/load.js';
import { buildApp } from '../../src/http/app.js';
import { bootstrapAdmin } from '../../src/commands/bootstrap-admin.js';

/** A server (not listening) keeping its static copy in `dir`, on a fresh database; `cleanups` are run in reverse by the suite. */
export async function exportingApp(kind: StoreKind, config: unknown, dir: string, cleanups: (() => Promise<void> | void)[]): Promise<FastifyInstance> {
  const db = await freshDatabase(kind);
  cleanups.push(() => db.cleanup());
  const store = await Store.open({ databaseUrl: db.env.DATABASE_URL, dataDir: db.dataDir });
  const clock = new TestClock();
  await bootstrapAdmin(store, db.dataDir, clock.now().toISOString(), ADMIN_TOKEN);
  const app = await buildApp({ store, config: buildConfig(config), clock, statusExportDir: dir });
  cleanups.push(() => store.close(), () => app.close());
  return app;
}

/** A public (unauthenticated) GET, after the page has caught up with every commit so far. */
export async function publicGet(t: TestApp, url: string, headers: Record<string, string> = {}) {
  await t.app.statusPage.refresh();
  return t.app.inject({ method: 'GET', url, headers });
}

export async function publicJson(t: TestApp, url: string) {
  const res = await publicGet(t, url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function publicDom(t: TestApp, url: string): Promise<Document> {
  const res = await publicGet(t, url);
  expect(res.statusCode, res.body).toBe(200);
  return new JSDOM(res.body).window.document;
}

/** The page's text, whitespace folded: what a reader (or a screen reader) gets. */
export function text(document: Document): string {
  return (document.body.textContent ?? '').replace(/\s+/g, ' ');
}

/** Statuspage's documented v2 shapes: field names and value sets. */
export const STATUSPAGE = {
  page: ['id', 'name', 'url', 'time_zone', 'updated_at'],
  status: ['indicator', 'description'],
  indicators: ['none', 'minor', 'major', 'critical'],
  component: [
    'id',
    'name',
    'status',
    'created_at',
    'updated_at',
    'position',
    'description',
    'showcase',
    'start_date',
    'group_id',
    'page_id',
    'group',
    'only_show_if_degraded',
  ],
  componentStatuses: ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'],
  incident: [
    'id',
    'name',
    'status',
    'created_at',
    'updated_at',
    'monitoring_at',
    'resolved_at',
    'impact',
    'shortlink',
    'started_at',
    'page_id',
    'incident_updates',
    'components',
  ],
  incidentStatuses: ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'],
  impacts: ['none', 'minor', 'major', 'critical', 'maintenance'],
  update: ['id', 'status', 'body', 'incident_id', 'created_at', 'updated_at', 'display_at', 'affected_components', 'deliver_notifications', 'custom_tweet', 'tweet_id'],
} as const;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export function expectPage(page: Record<string, unknown>) {
  expect(Object.keys(page).sort()).toEqual([...STATUSPAGE.page].sort());
  expect(page.updated_at).toMatch(ISO);
}

export function expectStatus(status: Record<string, unknown>) {
  expect(Object.keys(status).sort()).toEqual([...STATUSPAGE.status].sort());
  expect(STATUSPAGE.indicators).toContain(status.indicator);
  expect(typeof status.description).toBe('string');
}

export function expectComponent(component: Record<string, unknown>) {
  const keys = Object.keys(component).filter((k) => k !== 'components');
  expect(keys.sort()).toEqual([...STATUSPAGE.component].sort());
  expect(STATUSPAGE.componentStatuses).toContain(component.status);
  if (component.group === true) expect(Array.isArray(component.components)).toBe(true);
  else expect(component).not.toHaveProperty('components');
}

export function expectIncident(incident: Record<string, unknown>) {
  expect(Object.keys(incident).sort()).toEqual([...STATUSPAGE.incident].sort());
  expect(STATUSPAGE.incidentStatuses).toContain(incident.status);
  expect(STATUSPAGE.impacts).toContain(incident.impact);
  for (const field of ['created_at', 'updated_at', 'started_at']) expect(incident[field]).toMatch(ISO);
  for (const field of ['monitoring_at', 'resolved_at']) if (incident[field] !== null) expect(incident[field]).toMatch(ISO);
  const updates = incident.incident_updates as Record<string, unknown>[];
  expect(updates.length).toBeGreaterThan(0);
  for (const update of updates) {
    expect(Object.keys(update).sort()).toEqual([...STATUSPAGE.update].sort());
    expect(STATUSPAGE.incidentStatuses).toContain(update.status);
    expect(update.incident_id).toBe(incident.id);
  }
  for (const component of incident.components as Record<string, unknown>[]) expectComponent(component);
}
