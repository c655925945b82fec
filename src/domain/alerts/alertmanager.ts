/**
 * The Prometheus Alertmanager webhook, version 4. Each body is a full snapshot of one
 * alert group, re-sent on every group_interval; firing and resolved alerts may mix.
 * Normalizing never refuses: Alertmanager re-sends a refused body forever, so what
 * cannot be read is left out rather than failing the whole delivery.
 */
import { alertSeverity, alertTime, cleanText, labelSetHash, stringMap, webUrl, type Alert, type Labels } from './alert.js';

export interface AlertBatch {
  groupKey: string;
  groupLabels: Labels;
  alerts: Alert[];
  /** How many alerts Alertmanager's `max_alerts` cut off this delivery. */
  truncatedAlerts: number;
  /** Some alert's status was read from its endsAt and the time received: the same body later may say more. */
  byClock: boolean;
}

const FINGERPRINT = /^[0-9a-f]{1,64}$/i;

export function normalizeAlertmanager(body: unknown, receivedAt: string): AlertBatch {
  const root = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const groupLabels = stringMap(root.groupLabels);
  const groupKey = cleanText(root.groupKey, 1000) ?? (Object.keys(groupLabels).length > 0 ? JSON.stringify(groupLabels) : '{}');
  const truncated = Number(root.truncatedAlerts);
  // One body names an alert once; should it repeat, the later mention stands.
  const alerts = new Map<string, Alert>();
  let byClock = false;
  for (const item of Array.isArray(root.alerts) ? root.alerts : []) {
    if (item === null || typeof item !== 'object') continue;
    const raw = item as Record<string, unknown>;
    const alert = normalizeOne(raw, receivedAt);
    alerts.set(alert.fingerprint, alert);
    if (raw.status !== 'firing' && raw.status !== 'resolved' && alertTime(raw.endsAt) !== null) byClock = true;
  }
  return { groupKey, groupLabels, alerts: [...alerts.values()], truncatedAlerts: Number.isInteger(truncated) && truncated > 0 ? truncated : 0, byClock };
}

function normalizeOne(raw: Record<string, unknown>, receivedAt: string): Alert {
  const labels = stringMap(raw.labels);
  const annotations = stringMap(raw.annotations);
  const endsAt = alertTime(raw.endsAt);
  // A missing status is read from endsAt: a time already past means Alertmanager saw it resolve.
  const status = raw.status === 'resolved' || (raw.status !== 'firing' && endsAt !== null && endsAt <= receivedAt) ? 'resolved' : 'firing';
  const fingerprint = typeof raw.fingerprint === 'string' && FINGERPRINT.test(raw.fingerprint) ? raw.fingerprint.toLowerCase() : labelSetHash(labels);
  return {
    fingerprint,
    status,
    severity: alertSeverity(labels.severity),
    summary: cleanText(annotations.summary ?? annotations.description ?? annotations.message, 1000),
    labels,
    annotations,
    startsAt: alertTime(raw.startsAt) ?? receivedAt,
    endsAt: status === 'resolved' ? (endsAt ?? receivedAt) : null,
    generatorUrl: webUrl(raw.generatorURL),
  };
}
