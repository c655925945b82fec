/**
 * Alert intake from a real Prometheus Alertmanager (Debian `prometheus-alertmanager`,
 * 0.25 in CI): a `webhook_configs` receiver and a `pagerduty_configs` receiver with a
 * custom `url`, both pointed at a real server process. Alerts posted to Alertmanager's
 * own API arrive here, deduplicate on Alertmanager's re-sends, and resolve; a
 * 5,000-alert group arrives whole and every notification is answered 2xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { ALERTMANAGER_BIN, hasAlertmanager, metricSum, postToAlertmanager, startAlertmanager, type AlertmanagerProcess, type PostableAlert } from '../support/alertmanager.js';

interface Source {
  id: string | number;
  name: string;
  type: string;
  key: string;
}
interface Group {
  id: string | number;
  source: { id: string | number; name: string; type: string };
  groupKey: string;
  state: string;
  counts: { alerts: number; firing: number; resolved: number; received: number };
  alerts?: { status?: string; labels?: Record<string, string> }[];
}

const available = hasAlertmanager();
if (!available) console.warn(`SKIPPED the real Alertmanager test: ${ALERTMANAGER_BIN} is missing (apt-get install prometheus-alertmanager; .ci/run installs it).`);

describe.skipIf(!available)(`real Alertmanager (${ALERTMANAGER_BIN}) → alert intake`, () => {
  let db: Database;
  let server: ServerProcess;
  let am: AlertmanagerProcess;
  let webhook: Source;
  let events: Source;

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  /** Polls `probe` until it returns a value (not undefined), at most `ms`; the last seen state goes into the failure. */
  async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    let last: unknown;
    for (;;) {
      try {
        const value = await probe();
        if (value !== undefined) return value;
      } catch (error) {
        last = error;
      }
      if (Date.now() > deadline)
        throw new Error(`timed out after ${ms / 1000}s waiting for ${what}${last ? `; last: ${String(last)}` : ''}\nalertmanager log:\n${am.output().slice(-3000)}\nserver log:\n${server.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The group of `source` whose key names `alertname`, in any state. */
  async function findGroup(source: Source, alertname: string): Promise<Group | undefined> {
    for (const state of ['open', 'acknowledged', 'resolved']) {
      const groups = await api<Group[]>('GET', `/alerts?state=${state}`);
      const found = groups.find((g) => String(g.source.id) === String(source.id) && g.groupKey.includes(alertname));
      if (found) return found;
    }
    return undefined;
  }

  const group = (id: string | number) => api<Group>('GET', `/alerts/${encodeURIComponent(String(id))}`);

  function alerts(alertname: string, via: string, count: number, extra: Partial<PostableAlert> = {}): PostableAlert[] {
    return Array.from({ length: count }, (_, i) => ({
      labels: { alertname, via, severity: 'critical', service: 'checkout', instance: `web-${i + 1}` },
      annotations: { summary: `${alertname} on web-${i + 1}` },
      generatorURL: 'http://prometheus.example:9090/graph',
      ...extra,
    }));
  }

  async function failedNotifications(integration: string): Promise<number> {
    return metricSum(await am.metrics(), 'alertmanager_notifications_failed_total', { integration });
  }

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServerProcess(db);
    webhook = await api<Source>('POST', '/alert-sources', { name: 'prometheus', type: 'alertmanager' });
    events = await api<Source>('POST', '/alert-sources', { name: 'am-pagerduty', type: 'events' });
    // group_interval/repeat_interval of seconds: Alertmanager re-sends each group's full snapshot every 2 s, so repeats are exercised.
    am = await startAlertmanager(`
route:
  receiver: incident-webhook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 2s
  routes:
    - receiver: incident-events
      matchers: ['via="events"']
receivers:
  - name: incident-webhook
    webhook_configs:
      - url: ${server.url}/api/v1/alerts/alertmanager
        send_resolved: true
        max_alerts: 0
        http_config:
          authorization:
            credentials: ${JSON.stringify(webhook.key)}
  - name: incident-events
    pagerduty_configs:
      - url: ${server.url}/api/v1/alerts/events
        routing_key: ${JSON.stringify(events.key)}
        send_resolved: true
`);
  }, 60_000);

  afterAll(async () => {
    await am?.stop();
    await server?.stop();
    await db?.cleanup();
  });

  it('webhook_configs: alerts posted to Alertmanager arrive as one group, deduplicate on re-sends, and resolve', async () => {
    await postToAlertmanager(am, alerts('RealCheckoutErrors', 'webhook', 3));
    const arrived = await eventually('the webhook group with 3 firing alerts', async () => {
      const g = await findGroup(webhook, 'RealCheckoutErrors');
      return g && g.counts.alerts === 3 && g.counts.firing === 3 ? g : undefined;
    });
    expect(arrived.source).toMatchObject({ name: 'prometheus', type: 'alertmanager' });

    // The same alerts again, to Alertmanager; and its own re-sends every repeat_interval: still 3 alerts.
    await postToAlertmanager(am, alerts('RealCheckoutErrors', 'webhook', 3));
    const repeated = await eventually('a re-sent snapshot', async () => {
      const g = await group(arrived.id);
      return g.counts.received > arrived.counts.received ? g : undefined;
    });
    expect(repeated.counts).toMatchObject({ alerts: 3, firing: 3 });
    expect(repeated.alerts).toHaveLength(3);

    // endsAt in the past: Alertmanager resolves them and sends the resolved snapshot.
    await postToAlertmanager(am, alerts('RealCheckoutErrors', 'webhook', 3, { endsAt: new Date(Date.now() - 1_000).toISOString() }));
    const resolved = await eventually('the group resolved', async () => {
      const g = await group(arrived.id);
      return g.counts.firing === 0 && g.counts.resolved === 3 ? g : undefined;
    });
    expect(resolved.counts.alerts).toBe(3);
    expect(resolved.state).toBe('resolved');
    expect(resolved.alerts?.every((a) => a.status === 'resolved')).toBe(true);
    expect(await failedNotifications('webhook')).toBe(0);
  }, 60_000);

  it('pagerduty_configs with a custom url: one Events v2 alert per group, deduplicated by dedup_key, resolved', async () => {
    await postToAlertmanager(am, alerts('RealEventsAlert', 'events', 2));
    // The only group of the events source (its key is source+component, whatever Alertmanager fills in).
    const arrived = await eventually('the Events v2 group', async () => {
      const groups = await api<Group[]>('GET', '/alerts?state=open');
      return groups.find((g) => String(g.source.id) === String(events.id) && g.counts.firing === 1);
    });
    expect(arrived.source).toMatchObject({ name: 'am-pagerduty', type: 'events' });
    expect(arrived.counts.alerts).toBe(1);

    const repeated = await eventually('a re-sent trigger', async () => {
      const g = await group(arrived.id);
      return g.counts.received > arrived.counts.received ? g : undefined;
    });
    expect(repeated.counts).toMatchObject({ alerts: 1, firing: 1 });

    await postToAlertmanager(am, alerts('RealEventsAlert', 'events', 2, { endsAt: new Date(Date.now() - 1_000).toISOString() }));
    const resolved = await eventually('the event resolved', async () => {
      const g = await group(arrived.id);
      return g.counts.firing === 0 && g.counts.resolved === 1 ? g : undefined;
    });
    expect(resolved.counts.alerts).toBe(1);
    expect(await failedNotifications('pagerduty')).toBe(0);
  }, 60_000);

  it('a 5,000-alert group arrives whole, and every notification is answered 2xx', async () => {
    const storm = alerts('RealAlertStorm', 'webhook', 5_000);
    for (let i = 0; i < storm.length; i += 1_000) await postToAlertmanager(am, storm.slice(i, i + 1_000));
    const whole = await eventually(
      'all 5,000 alerts in one group',
      async () => {
        const g = await findGroup(webhook, 'RealAlertStorm');
        return g && g.counts.alerts === 5_000 ? g : undefined;
      },
      60_000,
    );
    expect(whole.counts).toMatchObject({ alerts: 5_000, firing: 5_000 });
    const metrics = await am.metrics();
    expect(metricSum(metrics, 'alertmanager_notifications_total', { integration: 'webhook' })).toBeGreaterThan(0);
    expect(metricSum(metrics, 'alertmanager_notifications_failed_total', { integration: 'webhook' })).toBe(0);
    expect(metricSum(metrics, 'alertmanager_notifications_failed_total', { integration: 'pagerduty' })).toBe(0);
  }, 90_000);
});
