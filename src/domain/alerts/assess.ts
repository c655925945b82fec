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

/** Labels with one value across every alert, and the others with their distinct values (the first `maxValues` in order, each). */
export function compareLabels(alerts: AlertFacts[], maxValues = 10): { common: Labels; differing: Record<string, string[]> } {
  // Run for every batch a group takes, over all of its alerts (thousands in a storm): one map, no entry arrays.
  const seen = new Map<string, { values: Set<string>; present: number }>();
  for (const { labels } of alerts) {
    for (const name of Object.keys(labels)) {
      let label = seen.get(name);
      if (!label) seen.set(name, (label = { values: new Set(), present: 0 }));
      label.values.add(labels[name]!);
      label.present++;
    }
  }
  const common: Labels = {};
  const differing: Record<string, string[]> = {};
  for (const name of [...seen.keys()].sort()) {
    const { values, present } = seen.get(name)!;
    // A label some alerts lack differs too: its absence is a value.
    if (values.size === 1 && present === alerts.length) common[name] = values.values().next().value!;
    else differing[name] = smallest(values, maxValues);
  }
  return { common, differing };
}

/** The `max` smallest values, in order, without sorting them all (an instance label has one value per alert). */
function smallest(values: Set<string>, max: number): string[] {
  if (values.size <= max) return [...values].sort();
  const kept: string[] = [];
  for (const value of values) {
    if (kept.length === max && value >= kept[max - 1]!) continue;
    let at = kept.length;
    while (at > 0 && kept[at - 1]! > value) at--;
    kept.splice(at, 0, value);
    if (kept.length > max) kept.pop();
  }
  return kept;
}

const PLACE_LABELS = ['service', 'component', 'job'] as const;

/** `HighErrorRate on checkout`, `HighErrorRate and 2 other alerts on checkout`, or an event's summary. */
export function suggestTitle(alerts: AlertFacts[], common: Labels = compareLabels(alerts).common): string {
  // Named after the first of the worst-ranked alerts that has a name; one pass, as a group holds thousands.
  const names = new Set<string>();
  let first: string | undefined;
  let best = Infinity;
  for (const alert of alerts) {
    const name = alert.labels.alertname ?? alert.summary ?? '';
    if (!name) continue;
    names.add(name);
    const r = rank(alert);
    if (r < best) [best, first] = [r, name];
  }
  const place = PLACE_LABELS.map((l) => common[l]).find((v) => v !== undefined);
  let title = first ?? 'Alerts';
  if (names.size > 1) title += ` and ${names.size - 1} other alert${names.size > 2 ? 's' : ''}`;
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
  // Mentions counted in the order first seen, so that ties keep it.
  const mentions = new Map<string, number>();
  for (const { labels } of alerts)
    for (const label of PLACE_LABELS) {
      const value = labels[label];
      if (value !== undefined) mentions.set(value, (mentions.get(value) ?? 0) + 1);
    }
  const found: string[] = [];
  for (const value of [...mentions.keys()].sort((a, b) => mentions.get(b)! - mentions.get(a)!)) {
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
    title: suggestTitle(alerts, common),
    severity: groupSeverity(alerts),
    suggestedComponents: suggestComponents(alerts, components),
    commonLabels: common,
    differingLabels: differing,
    counts: { alerts: alerts.length, firing, resolved: alerts.length - firing },
  };
}
