/** How alerts read on an incident's timeline: one `observation` per alert, in words. */
import { describeLabels, type Alert } from '../domain/alerts/alert.js';

/** A timeline is read by people: past this many alerts, one entry counts the rest. */
export const MAX_ALERT_ENTRIES = 100;

export function alertObservation(alert: Pick<Alert, 'status' | 'labels' | 'summary' | 'severity' | 'generatorUrl'>): string {
  const parts = [`Alert ${alert.status}: ${describeLabels(alert.labels, alert.labels.alertname ?? alert.summary ?? '')}`];
  if (alert.severity) parts.push(`severity ${alert.severity}`);
  if (alert.summary && alert.summary !== alert.labels.alertname) parts.push(alert.summary);
  if (alert.generatorUrl) parts.push(alert.generatorUrl);
  return parts.join(' — ').slice(0, 2000);
}

export function moreAlertsObservation(count: number, groupId: number): string {
  return `…and ${count} more alert${count === 1 ? '' : 's'}; all of them: GET /api/v1/alerts/${groupId}`;
}

/** When it happened: the alert's own time, but never later than now (a sender's clock may run ahead). */
export function observedAt(alert: Pick<Alert, 'startsAt' | 'endsAt' | 'status'>, now: string): string {
  const at = alert.status === 'resolved' ? (alert.endsAt ?? now) : alert.startsAt;
  return at < now ? at : now;
}
