/** The CLI's lists walk every page (src/cli/client.ts), or stop at --limit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { FIRING_ENDS_AT, fingerprint, webhookBody } from '../support/alertmanager.js';
import { incident } from '../cli/run.js';

describe('incident CLI: lists longer than a page', () => {
  let db: Database;
  let server: ServerProcess;

  async function json<T>(args: string[]): Promise<T> {
    const ran = await incident([...args, '--json'], { INCIDENT_URL: server.url, INCIDENT_TOKEN: ADMIN_TOKEN, INCIDENT_DATA_DIR: db.dataDir });
    if (ran.code !== 0) throw new Error(`incident ${args.join(' ')} exited ${ran.code}:\n${ran.stderr}`);
    return JSON.parse(ran.stdout) as T;
  }

  async function api(method: string, path: string, body?: unknown, key = ADMIN_TOKEN) {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    expect(res.ok, await res.clone().text()).toBe(true);
    return res.json();
  }

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServerProcess(db);
  });

  afterAll(async () => {
    await server?.stop();
    await db?.cleanup();
  });

  it('alerts show gives every alert of a 1,100-alert group (three pages), each once', async () => {
    const { key } = await api('POST', '/alert-sources', { name: 'prometheus', type: 'alertmanager' });
    const alerts = Array.from({ length: 1100 }, (_, i) => {
      const labels = { alertname: 'NodeDown', instance: `node-${i}` };
      return { status: 'firing' as const, labels, annotations: {}, startsAt: '2026-06-06T14:00:00Z', endsAt: FIRING_ENDS_AT, generatorURL: '', fingerprint: fingerprint(labels) };
    });
    await api('POST', '/alerts/alertmanager', webhookBody({ alertname: 'NodeDown' }, alerts), key);
    let group: { id: number; counts: { alerts: number } } | undefined;
    for (let i = 0; i < 100 && group?.counts.alerts !== 1100; i++) {
      [group] = await api('GET', '/alerts');
      if (group?.counts.alerts !== 1100) await new Promise((r) => setTimeout(r, 200));
    }
    const shown = await json<{ alerts: { labels: { instance: string } }[] }>(['alerts', 'show', String(group!.id)]);
    const instances = shown.alerts.map((a) => a.labels.instance);
    expect(instances).toHaveLength(1100);
    expect(new Set(instances).size).toBe(1100);
  }, 60_000);

  it('list stops at --limit, and without it shows them all', async () => {
    for (let i = 0; i < 4; i++) await api('POST', '/incidents', { title: `Incident ${i}`, severity: 'SEV3' });
    expect(await json<unknown[]>(['list', '--limit', '3'])).toHaveLength(3);
    expect(await json<unknown[]>(['list'])).toHaveLength(4);
  });
});
