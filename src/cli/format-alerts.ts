/** Human output for alert intake: the groups to acknowledge, one group in full, and sources. */
import type { Alert, AlertGroup, AlertSource } from './client.js';
import { at, relative, span, table, utc } from './format.js';

/** `critical→SEV1`, `SEV2` (suggested only), `critical` (no suggestion), `-`. */
export function severityCell(g: Pick<AlertGroup, 'severity' | 'suggestedSeverity'>): string {
  if (g.severity && g.suggestedSeverity) return `${g.severity}→${g.suggestedSeverity}`;
  return g.severity ?? g.suggestedSeverity ?? '-';
}

/** `open`, `acknowledged @alex`, `resolved → INC-4`. */
export function groupState(g: AlertGroup): string {
  const who = g.state === 'acknowledged' && g.acknowledgedBy ? ` ${at(g.acknowledgedBy)}` : '';
  return `${g.state}${who}${g.incident ? ` → ${g.incident}` : ''}`;
}

/** `instance=a,b,c+9 pod=x,y`: the labels that tell the group's alerts apart, short enough for a table. */
export function differingLine(labels: Record<string, string[]> | undefined, perLabel = 3): string {
  return Object.entries(labels ?? {})
    .map(([name, values]) => `${name}=${values.slice(0, perLabel).join(',')}${values.length > perLabel ? `+${values.length - perLabel}` : ''}`)
    .join(' ');
}

function countsCell(g: AlertGroup): string {
  return `${g.counts.firing}/${g.counts.alerts} firing`;
}

/** `incident alerts`: one line per group, newest activity as the server orders it. */
export function alertGroupTable(groups: AlertGroup[], now: Date, state: string): string {
  if (!groups.length) return `No ${state} alert groups.\n`;
  const rows = groups.map((g) => [
    String(g.id),
    groupState(g),
    severityCell(g),
    g.source.name,
    countsCell(g),
    String(g.counts.received),
    relative(g.firstSeenAt, now),
    relative(g.lastSeenAt, now),
    g.title,
    differingLine(g.differingLabels),
  ]);
  return table(['ID', 'STATE', 'SEV', 'SOURCE', 'ALERTS', 'RECEIVED', 'FIRST SEEN', 'LAST SEEN', 'TITLE', 'DIFFERING LABELS'], rows);
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function alertLine(a: Alert, common: Record<string, string>, now: Date): string {
  // Only what tells this alert apart: the group's common labels are printed once, above.
  const own = Object.fromEntries(Object.entries(a.labels).filter(([k, v]) => common[k] !== v));
  const summary = a.summary ?? a.annotations.summary ?? a.annotations.description ?? '';
  const parts = [a.status.padEnd(8), labelText(own) || a.fingerprint, `last seen ${relative(a.lastSeenAt, now)}`, `×${a.received}`, summary];
  return `  ${parts.filter(Boolean).join('  ')}`;
}

/** `incident alerts show`: the group, what its alerts share, what sets them apart, and each alert. */
export function alertGroupSummary(g: AlertGroup, now: Date): string {
  const lines: string[] = [];
  const field = (label: string, value: string) => lines.push(`${`${label}:`.padEnd(14)} ${value}`);
  lines.push(`Alert group ${g.id}  [${severityCell(g)}] ${g.title}`);
  field('State', groupState(g));
  field('Source', `${g.source.name} (${g.source.type})`);
  field('Group key', g.groupKey);
  field('Alerts', `${g.counts.alerts} (${g.counts.firing} firing, ${g.counts.resolved} resolved), ${g.counts.received} received`);
  field('First seen', `${utc(g.firstSeenAt)} (${relative(g.firstSeenAt, now)})`);
  field('Last seen', `${utc(g.lastSeenAt)} (${relative(g.lastSeenAt, now)})`);
  if (g.acknowledgedAt)
    field(
      'Acknowledged',
      `${utc(g.acknowledgedAt)} by ${at(g.acknowledgedBy)}${g.secondsToAcknowledge !== null ? `, ${span(g.secondsToAcknowledge * 1000)} after it first fired` : ''}`,
    );
  if (g.incident) field('Incident', g.incident);
  if (g.dismissedReason)
    field('Dismissed', `${g.dismissedReason}${g.dismissedBy ? ` (by ${at(g.dismissedBy)}${g.dismissedAt ? ` at ${utc(g.dismissedAt)}` : ''})` : ''}`);
  field('Suggested', `${g.suggestedSeverity}${g.suggestedComponents.length ? `, components ${g.suggestedComponents.join(', ')}` : ''}`);
  if (g.truncatedAlerts) field('Truncated', `${g.truncatedAlerts} alerts left out of the last delivery by Alertmanager's max_alerts`);
  const common = labelText(g.commonLabels);
  if (common) field('Common labels', common);
  const differing = differingLine(g.differingLabels, 10);
  if (differing) field('Differing', differing);
  if (g.alerts) {
    lines.push('', `ALERTS (${g.alerts.length})`);
    lines.push(...g.alerts.map((a) => alertLine(a, g.commonLabels, now)));
  }
  if (!g.incident && (g.state === 'open' || g.state === 'acknowledged')) {
    lines.push('', 'Next:');
    if (g.state === 'open') lines.push(`  incident ack ${g.id}`);
    lines.push(`  incident alerts declare ${g.id} --severity ${g.suggestedSeverity}`);
    lines.push(`  incident alerts dismiss ${g.id} --reason "..."`);
  }
  return lines.join('\n') + '\n';
}

export function sourceTable(sources: AlertSource[]): string {
  if (!sources.length) return 'No alert sources. Add one: incident alert-sources add prometheus --type alertmanager\n';
  return table(
    ['ID', 'NAME', 'TYPE', 'CREATED'],
    sources.map((s) => [String(s.id), s.name, s.type, utc(s.createdAt)]),
  );
}
