/** How alerts read on an incident's timeline (AlertObserved, MoreAlertsObserved): as observations, in words. */
import { describeLabels } from '../domain/alerts/alert.js';
import type { ObservedAlert } from '../domain/model/events.js';

export function alertObservation(alert: ObservedAlert): string {
  const parts = [`Alert ${alert.status}: ${describeLabels(alert.labels, alert.labels.alertname ?? alert.summary ?? '')}`];
  if (alert.severity) parts.push(`severity ${alert.severity}`);
  if (alert.summary && alert.summary !== alert.labels.alertname) parts.push(alert.summary);
  if (alert.generatorUrl) parts.push(alert.generatorUrl);
  // Trimmed as a manual entry's text is: these read as observations did when they were recorded as such.
  return parts.join(' — ').slice(0, 2000).trim();
}

export function moreAlertsObservation(count: number, groupId: number): string {
  return `…and ${count} more alert${count === 1 ? '' : 's'}; all of them: GET /api/v1/alerts/${groupId}`;
}
