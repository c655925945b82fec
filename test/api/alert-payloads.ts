/**
 * Alertmanager v4 webhook bodies and Events v2 events shaped as Alertmanager 0.25 and
 * PagerDuty senders send them (firing alerts carry endsAt 0001-01-01T00:00:00Z).
 */
import { FIRING_ENDS_AT as ZERO_TIME, type WebhookAlert } from '../support/alertmanager.js';

/** A webhook alert whose fingerprint may be left out, as some senders do. */
export type AmAlert = Omit<WebhookAlert, 'fingerprint'> & { fingerprint?: string };

export function amAlert(
  instance: string,
  options: { status?: 'firing' | 'resolved'; alertname?: string; severity?: string; service?: string; fingerprint?: string | null; endsAt?: string } = {},
): AmAlert {
  const status = options.status ?? 'firing';
  const labels = {
    alertname: options.alertname ?? 'HighErrorRate',
    instance,
    job: 'checkout-api',
    service: options.service ?? 'checkout',
    severity: options.severity ?? 'critical',
  };
  const alert: AmAlert = {
    status,
    labels,
    annotations: { summary: `5xx rate above 5% on ${instance}`, runbook_url: 'https://runbooks.example.com/high-error-rate' },
    startsAt: '2026-06-06T14:02:11.481Z',
    endsAt: options.endsAt ?? (status === 'firing' ? ZERO_TIME : '2026-06-06T14:12:41.481Z'),
    generatorURL: 'http://prometheus:9090/graph?g0.expr=sum%28rate%28http_requests_total%7Bcode%3D~%225..%22%7D%5B5m%5D%29%29&g0.tab=1',
  };
  if (options.fingerprint !== null) alert.fingerprint = options.fingerprint ?? fingerprintOf(instance, labels.alertname);
  return alert;
}

/** Stable 16-hex fingerprints, as Alertmanager's are. */
export function fingerprintOf(instance: string, alertname = 'HighErrorRate'): string {
  let h = 0xcbf29ce4;
  for (const ch of `${alertname}/${instance}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return (h.toString(16).padStart(8, '0') + instance.length.toString(16).padStart(8, '0')).slice(0, 16);
}

export function webhook(alerts: AmAlert[], options: { groupKey?: string; truncatedAlerts?: number; alertname?: string } = {}) {
  const alertname = options.alertname ?? 'HighErrorRate';
  return {
    receiver: 'incident-command',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels: { alertname },
    commonLabels: { alertname, job: 'checkout-api', service: 'checkout', severity: 'critical' },
    commonAnnotations: { runbook_url: 'https://runbooks.example.com/high-error-rate' },
    externalURL: 'http://alertmanager.example.com:9093',
    version: '4',
    groupKey: options.groupKey ?? `{}/{severity="critical"}:{alertname="${alertname}"}`,
    truncatedAlerts: options.truncatedAlerts ?? 0,
  };
}

export function trigger(routingKey: string, overrides: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) {
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    payload: {
      summary: 'Replication lag above 30s on db01',
      source: 'db01.example.com',
      severity: 'error',
      component: 'mysql',
      group: 'prod-datapipe',
      class: 'replication',
      custom_details: { lag_seconds: '42', threshold: '30' },
      timestamp: '2026-06-06T14:05:00.000+0000',
      ...payload,
    },
    links: [{ href: 'https://grafana.example.com/d/mysql', text: 'Dashboard' }],
    images: [],
    ...overrides,
  };
}
