/**
 * Insights over a period: how many incidents, how fast they were acknowledged, declared,
 * first updated and resolved, how long each status lasted, and whether the "next update by"
 * promise was kept — by severity and by Comms Lead. Built from per-incident measures
 * (`measureIncident`); the definitions travel with the figures so the console, the CSV and
 * the CLI say the same thing.
 */
import type { IncidentMeasures, OpenStatus, PromiseJudged } from './incident.js';
import type { FollowUpFigures } from './follow-ups.js';

/** Durations in seconds; median and p90 by nearest rank over the incidents that have the figure. */
export interface Distribution {
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface Compliance {
  /** Promises judged: kept or broken (a promise still ahead is not judged yet). */
  judged: number;
  kept: number;
  /** kept ÷ judged; null when nothing was judged. */
  share: number | null;
  /** Over the broken promises: how late the update came (or, still outstanding, has been so far). */
  medianLatenessSeconds: number | null;
  worstLatenessSeconds: number | null;
}

export interface InsightsQuery {
  from: string;
  to: string;
  severity: string | null;
}

export interface Insights extends InsightsQuery {
  generatedAt: string;
  incidents: {
    total: number;
    bySeverity: { severity: string; count: number }[];
    /** ISO weeks (Monday 00:00 UTC) that saw a declaration, oldest first. */
    byWeek: { week: string; startsOn: string; total: number; bySeverity: Record<string, number> }[];
  };
  durations: {
    timeToAcknowledge: Distribution;
    timeToDeclare: Distribution;
    timeToFirstUpdate: Distribution;
    timeToResolve: Distribution;
  };
  timeInStatus: Record<OpenStatus, Distribution>;
  updatePromises: {
    overall: Compliance;
    bySeverity: ({ severity: string } & Compliance)[];
    /** `commsLead` null: promises judged while nobody held Comms Lead (the IC ran comms). */
    byCommsLead: ({ commsLead: string | null } & Compliance)[];
  };
  /** Incidents that kept someone waiting past a promise, most minutes first. */
  overdue: { incident: number; severity: string; overdueMinutes: number }[];
  postmortems: { required: number; published: number; afterResolve: Distribution };
  followUps: FollowUpFigures;
  definitions: Record<string, string>;
}

export const DEFINITIONS: Record<string, string> = {
  period: 'Incidents declared from the start of the period (inclusive) to its end (exclusive), UTC; an incident’s severity is the one it has now.',
  timeToAcknowledge: 'For alert groups first seen in the period: from the group’s first alert to its acknowledgement.',
  timeToDeclare: 'From when the impact started (the incident’s start time) to the declaration; 0 when impact was recorded as starting later.',
  timeToFirstUpdate: 'From the declaration to the first status update (internal or public).',
  timeToResolve: 'From the declaration to resolving (the last resolve, if it was reopened). Open incidents are left out.',
  timeInStatus: 'Time spent investigating, identified and monitoring, until resolved (until now for open incidents).',
  updatePromises:
    'Every status update (and the declaration) promises the next one by a time. A promise is kept when the next update is posted by then; broken when it came later, when a severity change or resolve replaced it after it had passed, or when it has passed with nothing posted yet. Promises still ahead are not counted. Lateness is over broken promises.',
  byCommsLead: 'Promises grouped by who held Comms Lead when each was judged; “none” when the IC ran comms.',
  overdue: 'Minutes past every broken promise of an incident, added up.',
  postmortems: 'Incidents whose severity requires a postmortem, those published, and the time from resolving to publishing.',
  followUps:
    'Follow-ups of the incidents the severity filter keeps (declared at any time): opened in the period; marked done, or won’t do, in the period (by their latest close, whether by a person or by the tracker they were exported to); overdue: open at the period’s last moment (or now, if earlier) and past their due day then (due on a day, overdue from the next).',
  percentiles: 'Median and p90 by nearest rank: the value below which half (nine in ten) of the incidents fall.',
};

/** Nearest rank: the smallest value with at least `q` of the values at or below it. */
function rank(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

export function distribution(values: readonly number[], unitMs = 1): Distribution {
  if (values.length === 0) return { count: 0, medianSeconds: null, p90Seconds: null };
  const sorted = [...values].sort((a, b) => a - b);
  const seconds = (v: number) => Math.round((v * unitMs) / 1000);
  return { count: values.length, medianSeconds: seconds(rank(sorted, 0.5)), p90Seconds: seconds(rank(sorted, 0.9)) };
}

export function compliance(promises: readonly PromiseJudged[]): Compliance {
  const late = promises.filter((p) => !p.kept).map((p) => p.latenessMs);
  const kept = promises.length - late.length;
  const lateness = distribution(late);
  return {
    judged: promises.length,
    kept,
    share: promises.length ? kept / promises.length : null,
    medianLatenessSeconds: lateness.medianSeconds,
    worstLatenessSeconds: late.length ? Math.round(Math.max(...late) / 1000) : null,
  };
}

/** The Monday (UTC) of a time's ISO week, and the week's ISO name (`2026-W23`). */
export function isoWeek(time: string): { week: string; startsOn: string } {
  const day = new Date(time.slice(0, 10) + 'T00:00:00.000Z');
  const weekday = (day.getUTCDay() + 6) % 7;
  const monday = new Date(day.getTime() - weekday * 86_400_000);
  // The ISO week-year is the one its Thursday falls in.
  const thursday = new Date(monday.getTime() + 3 * 86_400_000);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / (7 * 86_400_000)) + 1;
  return { week: `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`, startsOn: monday.toISOString().slice(0, 10) };
}

function grouped<K, T>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * The report for incidents already chosen for the period (`measures`) and the seconds each
 * alert group of the period took to be acknowledged. `severityOrder` lists severities
 * as configured (SEV1 first); one not configured any more sorts after them.
 */
export function buildInsights(
  query: InsightsQuery,
  measures: readonly IncidentMeasures[],
  acknowledgeSeconds: readonly number[],
  severityOrder: readonly string[],
  generatedAt: string,
  followUps: FollowUpFigures,
): Insights {
  const order = (severity: string) => {
    const i = severityOrder.indexOf(severity);
    return i === -1 ? severityOrder.length : i;
  };
  const bySeverityOrder = (a: string, b: string) => order(a) - order(b) || a.localeCompare(b);
  const severities = [...new Set(measures.map((m) => m.severity))].sort(bySeverityOrder);
  const weeks = grouped(measures, (m) => isoWeek(m.declaredAt).week);
  const promises = measures.flatMap((m) => m.promises);
  const present = (values: (number | null)[]) => values.filter((v): v is number => v !== null);
  const required = measures.filter((m) => m.postmortemRequired);
  return {
    ...query,
    generatedAt,
    incidents: {
      total: measures.length,
      bySeverity: severities.map((severity) => ({ severity, count: measures.filter((m) => m.severity === severity).length })),
      byWeek: [...weeks.values()]
        .map((inWeek) => ({
          ...isoWeek(inWeek[0]!.declaredAt),
          total: inWeek.length,
          bySeverity: Object.fromEntries([...grouped(inWeek, (m) => m.severity)].sort(([a], [b]) => bySeverityOrder(a, b)).map(([s, list]) => [s, list.length])),
        }))
        .sort((a, b) => a.startsOn.localeCompare(b.startsOn)),
    },
    durations: {
      timeToAcknowledge: distribution(acknowledgeSeconds, 1000),
      timeToDeclare: distribution(measures.map((m) => m.timeToDeclareMs)),
      timeToFirstUpdate: distribution(present(measures.map((m) => m.timeToFirstUpdateMs))),
      timeToResolve: distribution(present(measures.map((m) => m.timeToResolveMs))),
    },
    timeInStatus: {
      investigating: distribution(measures.map((m) => m.timeInStatusMs.investigating)),
      identified: distribution(measures.map((m) => m.timeInStatusMs.identified)),
      monitoring: distribution(measures.map((m) => m.timeInStatusMs.monitoring)),
    },
    updatePromises: {
      overall: compliance(promises),
      bySeverity: [...grouped(promises, (p) => p.severity)].sort(([a], [b]) => bySeverityOrder(a, b)).map(([severity, list]) => ({ severity, ...compliance(list) })),
      byCommsLead: [...grouped(promises, (p) => p.commsLead)]
        .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)))
        .map(([commsLead, list]) => ({ commsLead, ...compliance(list) })),
    },
    overdue: measures
      .filter((m) => m.overdueMs > 0)
      .map((m) => ({ incident: m.incident, severity: m.severity, overdueMinutes: Math.round(m.overdueMs / 6_000) / 10 }))
      .sort((a, b) => b.overdueMinutes - a.overdueMinutes || a.incident - b.incident),
    postmortems: {
      required: required.length,
      published: required.filter((m) => m.postmortemAfterResolveMs !== null).length,
      afterResolve: distribution(present(required.map((m) => m.postmortemAfterResolveMs))),
    },
    followUps,
    definitions: DEFINITIONS,
  };
}
