/**
 * `/metrics` from a real server process: traffic, an open event stream, a reminder that
 * fires, then a scrape behind INCIDENT_METRICS_TOKEN, checked by `promtool check metrics`
 * and read for the series Prometheus alerts on. Needs the build (`npm run build`; `npm test`
 * does it) and promtool (Debian's `prometheus`; .ci/run installs it).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, STORE_KINDS, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { UPDATE } from '../api/helpers.js';
import { parseExposition, promtool, select, value } from './exposition.js';

const TOKEN = 'metrics-scrape-token-0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(STORE_KINDS)('/metrics from a running server (%s)', (kind) => {
  let db: Database;
  let server: ServerProcess;
  const stream = new AbortController();
  afterAll(async () => {
    stream.abort();
    await server?.stop();
    await db?.cleanup();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json() };
  };
  const scrape = async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  it('answers only with the token, in a format promtool accepts, with every series and sensible values', async () => {
    db = await freshDatabase(kind);
    const config = join(db.dataDir, 'metrics.config.yaml');
    writeFileSync(config, 'reminders: { dueSoon: 20s, escalateAfter: 1h, roleGap: 1h }\n');
    server = await startServerProcess(db, { INCIDENT_CONFIG: config, INCIDENT_METRICS_TOKEN: TOKEN });

    const declared = await api('POST', '/incidents', { title: 'Checkout errors', severity: 'SEV2' });
    expect(declared.status).toBe(201);
    const id = (declared.body as { id: string }).id;
    // A promise of an update in 1.5 s: the scheduler fires "overdue" when it passes.
    const updated = await api('POST', `/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: new Date(Date.now() + 1_500).toISOString() });
    expect(updated.status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await api('GET', `/incidents/${id}`)).status).toBe(200);
    expect((await fetch(`${server.url}/nothing/here`)).status).toBe(404);
    // Answered before Fastify (src/http/status-fast-path.ts), counted all the same.
    for (let i = 0; i < 2; i++) expect((await fetch(`${server.url}/status`)).status).toBe(200);
    expect((await fetch(`${server.url}/status/feed.atom`)).status).toBe(200);
    const events = await fetch(`${server.url}/api/v1/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: stream.signal });
    expect(events.status).toBe(200);

    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`]) {
      const refused = await fetch(`${server.url}/metrics`, authorization ? { headers: { authorization } } : {});
      expect(refused.status, authorization).toBe(401);
    }

    let text = await scrape();
    const deadline = Date.now() + 15_000;
    while (select(parseExposition(text), 'incident_reminder_lateness_seconds_count').every((s) => s.value === 0)) {
      if (Date.now() > deadline) throw new Error(`no reminder fired:\n${text}`);
      await sleep(200);
      text = await scrape();
    }

    const checked = promtool(['check', 'metrics'], text);
    expect(checked.output).toBe('');
    expect(checked.status).toBe(0);

    const samples = parseExposition(text);
    expect(value(samples, 'incident_http_requests_total', { method: 'GET', route: '/api/v1/incidents/:id', status_class: '2xx' })).toBe(3);
    expect(value(samples, 'incident_http_requests_total', { method: 'GET', route: '(unmatched)', status_class: '4xx' })).toBe(1);
    const latency = value(samples, 'incident_http_request_duration_seconds_sum', { method: 'GET', route: '/api/v1/incidents/:id', status_class: '2xx' });
    expect(latency).toBeGreaterThan(0);
    expect(latency).toBeLessThan(30);
    expect(value(samples, 'incident_http_requests_total', { method: 'GET', route: '/status', status_class: '2xx' })).toBe(2);
    expect(value(samples, 'incident_http_requests_total', { method: 'GET', route: '/status/feed.atom', status_class: '2xx' })).toBe(1);
    expect(value(samples, 'incident_sse_clients')).toBe(1);
    expect(value(samples, 'incident_status_page_renders_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'incident_queue_stats_up')).toBe(1);
    expect(select(samples, 'incident_queue_depth')).toHaveLength(8);
    expect(select(samples, 'incident_queue_oldest_age_seconds').every((s) => s.value >= 0 && s.value < 600)).toBe(true);

    const fired = select(samples, 'incident_reminder_lateness_seconds_count').reduce((n, s) => n + s.value, 0);
    const late = select(samples, 'incident_reminder_lateness_seconds_sum').reduce((n, s) => n + s.value, 0);
    expect(fired).toBeGreaterThanOrEqual(1);
    // The scheduler wakes at the due time: fired within seconds, not minutes.
    expect(late / fired).toBeLessThan(10);

    if (kind === 'postgres') {
      expect(value(samples, 'incident_db_pool_connections')).toBeGreaterThanOrEqual(1);
      expect(value(samples, 'incident_db_pool_max_connections')).toBe(10);
      expect(value(samples, 'incident_db_pool_waiting_queries')).toBe(0);
    } else {
      expect(select(samples, 'incident_db_pool_connections')).toEqual([]);
    }
    expect(value(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    // Nothing of the incident, the token or the database address.
    expect(text).not.toContain('Checkout');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(ADMIN_TOKEN);
    expect(text).not.toMatch(/INC-\d/);
  });
});
