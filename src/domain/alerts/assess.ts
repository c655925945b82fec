/**
 * Assess: what the on-call engineer needs to decide at a glance — how bad (the
 * suggested severity), what it is (a title), where (components), and what the alerts
 * of a group have in common and where they differ (the blast radius).
 */
import { SEVERITY_RANK, worstSeverity, type AlertSeverity, type AlertStatus, type Labels } from './alert.js';
import type { SeverityPolicy } from '../model/policy.js';

export interface AlertFacts {
  status: AlertStatus;
  severity: AlertSeverity | null;
  summary: string | null;
  labels: Labels;
}

/**
 * critical → the first policy level, error and warning → the second, info → the last.
 * An alert without a known severity is taken as a warning.
 */
export function suggestSeverity(severity: AlertSeverity | null, policy: SeverityPolicy): string {
  const levels = policy.levels;
  const last = levels.length - 1;
  const index = severity === 'critical' ? 0 : severity === 'info' ? last : Math.min(1, last);
  return levels[index]!.id;
}

/** The worst severity among the alerts still firing, else among all. */
export function groupSeverity(alerts: AlertFacts[]): AlertSeverity | null {
  const firing = alerts.filter((a) => a.status === 'firing');
  return worstSeverity((firing.length > 0 ? firing : alerts).map((a) => a.severity));
}

/** Labels with one value across every alert, and the others with their distinct values (at most `maxValues` each). */
export function compareLabels(alerts: AlertFacts[], maxValues = 10): { common: Labels; differing: Record<string, string[]> } {
  const values = new Map<string, Set<string>>();
  const present = new Map<string, number>();
  for (const alert of alerts) {
    for (const [name, value] of Object.entries(alert.labels)) {
      if (!values.has(name)) values.set(name, new Set());
      values.get(name)!.add(value);
      present.set(name, (present.get(name) ?? 0) + 1);
    }
  }
  const common: Labels = {};
  const differing: Record<string, string[]> = {};
  for (const name of [...values.keys()].sort()) {
    const distinct = [...values.get(name)!].sort();
    // A label some alerts lack differs too: its absence is a value.
    if (distinct.length === 1 && present.get(name) === alerts.length) common[name] = distinct[0]!;
    else differing[name] = distinct.slice(0, maxValues);
  }
  return { common, differing };
}

const PLACE_LABELS = ['service', 'component', 'job'] as const;

/** `HighErrorRate on checkout`, `HighErrorRate and 2 other alerts on checkout`, or an event's summary. */
export function suggestTitle(alerts: AlertFacts[]): string {
  const ranked = [...alerts].sort((a, b) => rank(a) - rank(b));
  const names = [...new Set(ranked.map((a) => a.labels.alertname ?? a.summary ?? '').filter(Boolean))];
  const { common } = compareLabels(alerts);
  const place = PLACE_LABELS.map((l) => common[l]).find((v) => v !== undefined);
  let title = names[0] ?? 'Alerts';
  if (names.length > 1) title += ` and ${names.length - 1} other alert${names.length > 2 ? 's' : ''}`;
  if (place && !title.toLowerCase().includes(place.toLowerCase())) title += ` on ${place}`;
  return title.slice(0, 200);
}

/** Firing before resolved, worse before milder: the alert a title should be named after comes first. */
function rank(alert: AlertFacts): number {
  return (alert.status === 'firing' ? 0 : 10) + (alert.severity === null ? 4 : SEVERITY_RANK[alert.severity]);
}

const COMPONENT_ID = /^[a-z0-9][a-z0-9_-]{0,59}$/;

/**
 * Components named by the `service`, `component` or `job` labels, most mentioned first.
 * With components configured, only those (matched by id or name); without, any value
 * that is a valid component id.
 */
export function suggestComponents(alerts: AlertFacts[], configured: { id: string; name: string }[], max = 10): string[] {
  const mentioned = alerts.flatMap((a) => PLACE_LABELS.map((l) => a.labels[l]).filter((v): v is string => v !== undefined));
  const found: string[] = [];
  for (const value of byFrequency(mentioned)) {
    const lower = value.trim().toLowerCase();
    const id =
      configured.length > 0
        ? configured.find((c) => c.id === lower || c.name.toLowerCase() === lower)?.id
        : COMPONENT_ID.test(lower)
          ? lower
          : undefined;
    if (id !== undefined && !found.includes(id)) found.push(id);
    if (found.length === max) break;
  }
  return found;
}

/** Distinct values, the most frequent first; ties keep the order they were first seen in. */
function byFrequency(values: string[]): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
}

export interface GroupAssessment {
  title: string;
  severity: AlertSeverity | null;
  suggestedComponents: string[];
  commonLabels: Labels;
  differingLabels: Record<string, string[]>;
  counts: { alerts: number; firing: number; resolved: number };
}

/** Everything the listing shows about a group, recomputed from its alerts after each delivery. */
export function assessGroup(alerts: AlertFacts[], components: { id: string; name: string }[]): GroupAssessment {
  const firing = alerts.filter((a) => a.status === 'firing').length;
  const { common, differing } = compareLabels(alerts);
  return {
    title: suggestTitle(alerts),
    severity: groupSeverity(alerts),
    suggestedComponents: suggestComponents(alerts, components),
    commonLabels: common,
    differingLabels: differing,
    counts: { alerts: alerts.length, firing, resolved: alerts.length - firing },
  };
}
