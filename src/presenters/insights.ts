/**
 * Insights as the API answers them (incidents by their `INC-n` id) and as CSV for a
 * spreadsheet: one figure per row (`section,metric,group,value`), the same numbers,
 * durations in seconds, shares between 0 and 1, empty where there is nothing to measure. RFC 4180 quoting; a cell that a spreadsheet would take for a
 * formula (a handle starting with `=`, `+`, `-`, `@`) is prefixed with `'`.
 */
import type { Compliance, Distribution, Insights } from '../domain/insights/report.js';
import { incidentId } from '../domain/model/ids.js';

export function presentInsights(report: Insights) {
  return { ...report, overdue: report.overdue.map((o) => ({ ...o, incident: incidentId(o.incident) })) };
}

type Cell = string | number | null;

function cell(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function insightsCsv(report: Insights): string {
  const rows: Cell[][] = [['section', 'metric', 'group', 'value']];
  const add = (section: string, metric: string, group: string, value: Cell) => rows.push([section, metric, group, value]);
  const spread = (section: string, metric: string, d: Distribution) => {
    add(section, metric, 'count', d.count);
    add(section, metric, 'median_seconds', d.medianSeconds);
    add(section, metric, 'p90_seconds', d.p90Seconds);
  };
  const kept = (group: string, c: Compliance) => {
    add('update_promises', 'judged', group, c.judged);
    add('update_promises', 'kept', group, c.kept);
    add('update_promises', 'share_kept', group, c.share === null ? null : Number(c.share.toFixed(4)));
    add('update_promises', 'median_lateness_seconds', group, c.medianLatenessSeconds);
    add('update_promises', 'worst_lateness_seconds', group, c.worstLatenessSeconds);
  };
  add('period', 'from', '', report.from);
  add('period', 'to', '', report.to);
  add('period', 'severity', '', report.severity ?? 'all');
  add('incidents', 'total', 'all', report.incidents.total);
  for (const { severity, count } of report.incidents.bySeverity) add('incidents', 'count', severity, count);
  for (const week of report.incidents.byWeek) {
    add('incidents_by_week', week.week, 'all', week.total);
    for (const [severity, count] of Object.entries(week.bySeverity)) add('incidents_by_week', week.week, severity, count);
  }
  spread('durations', 'time_to_acknowledge', report.durations.timeToAcknowledge);
  spread('durations', 'time_to_declare', report.durations.timeToDeclare);
  spread('durations', 'time_to_first_update', report.durations.timeToFirstUpdate);
  spread('durations', 'time_to_resolve', report.durations.timeToResolve);
  for (const [status, d] of Object.entries(report.timeInStatus)) spread('time_in_status', status, d);
  kept('all', report.updatePromises.overall);
  for (const { severity, ...c } of report.updatePromises.bySeverity) kept(`severity:${severity}`, c);
  for (const { commsLead, ...c } of report.updatePromises.byCommsLead) kept(commsLead === null ? 'comms_lead:none' : `comms_lead:${commsLead}`, c);
  for (const o of report.overdue) add('overdue_minutes', incidentId(o.incident), o.severity, o.overdueMinutes);
  add('postmortems', 'required', 'all', report.postmortems.required);
  add('postmortems', 'published', 'all', report.postmortems.published);
  spread('postmortems', 'after_resolve', report.postmortems.afterResolve);
  add('follow_ups', 'opened', 'all', report.followUps.opened);
  add('follow_ups', 'done', 'all', report.followUps.done);
  add('follow_ups', 'wont_do', 'all', report.followUps.wontDo);
  add('follow_ups', 'overdue', report.followUps.overdueAt, report.followUps.overdue);
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
