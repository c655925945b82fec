/**
 * Alerts on an incident's timeline: what a delivery brought to a group owned by an open
 * incident (or a group an incident was declared from) becomes one entry per alert, as of
 * the alert's own time, and past MAX_ALERT_ENTRIES one entry counting the rest.
 */
import type { CommandOf, Decision } from '../model/commands.js';
import type { IncidentEvent } from '../model/events.js';
import type { Alert } from './alert.js';

/** A timeline is read by people: past this many alerts, one entry counts the rest. */
export const MAX_ALERT_ENTRIES = 100;

/** When it happened: the alert's own time, but never later than now (a sender's clock may run ahead). */
export function observedAt(alert: Pick<Alert, 'startsAt' | 'endsAt' | 'status'>, now: string): string {
  const at = alert.status === 'resolved' ? (alert.endsAt ?? now) : alert.startsAt;
  return at < now ? at : now;
}

export function decideObserveAlerts(command: CommandOf<'ObserveAlerts'>, now: string): Decision {
  const events: IncidentEvent[] = command.alerts.map((a) => ({
    type: 'AlertObserved',
    group: command.group,
    alert: { status: a.status, labels: a.labels, severity: a.severity, summary: a.summary, generatorUrl: a.generatorUrl },
    occurredAt: observedAt(a, now),
  }));
  if (command.more > 0) events.push({ type: 'MoreAlertsObserved', group: command.group, count: command.more });
  return { events, warnings: [] };
}
