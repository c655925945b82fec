/**
 * docs/prometheus-alerts.yml: valid rules (`promtool check rules`), alerts that fire when
 * they should and not otherwise (`promtool test rules` on prometheus-alerts.rules-test.yml),
 * and only series that /metrics really serves.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, testApp, type TestApp } from '../support/harness.js';
import { promtool } from './exposition.js';

const RULES = join(ROOT, 'docs/prometheus-alerts.yml');

describe('docs/prometheus-alerts.yml', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('sqlite');
  });
  afterAll(async () => t?.close());

  it('passes promtool check rules', () => {
    const checked = promtool(['check', 'rules', RULES]);
    expect(checked.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(checked.status).toBe(0);
  });

  it('fires on stalled queues, reminders not firing or late, failed deliveries and an unreadable database (promtool test rules)', () => {
    const tested = promtool(['test', 'rules', join(ROOT, 'test/metrics/prometheus-alerts.rules-test.yml')]);
    expect(tested.output).toContain('SUCCESS');
    expect(tested.status).toBe(0);
  });

  it('names only series that /metrics serves', async () => {
    const served = new Set(
      [...(await t.app.inject({ method: 'GET', url: '/metrics' })).body.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) =>
        type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name!],
      ),
    );
    // The pool's gauges exist on PostgreSQL only.
    for (const name of ['incident_db_pool_connections', 'incident_db_pool_idle_connections', 'incident_db_pool_waiting_queries', 'incident_db_pool_max_connections']) served.add(name);
    const named = new Set(readFileSync(RULES, 'utf8').match(/\bincident_[a-z_]+/g));
    expect(named.size).toBeGreaterThanOrEqual(6);
    expect([...named].filter((name) => !served.has(name))).toEqual([]);
  });
});
