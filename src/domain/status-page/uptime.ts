/**
 * Uptime per component, from the recorded history: what the status page said about each
 * component and when (the public incidents' events, replayed) and the maintenance windows.
 * Pure: the events, the windows and the time come in.
 *
 * How time counts (the page's footnote says the same):
 * - a major outage is downtime; a partial outage counts 30% of its time as downtime (it
 *   hurts some users, not all — the weighting Statuspage and Instatus use); degraded
 *   performance and maintenance are not downtime;
 * - where an incident and a maintenance window overlap, the worse status counts
 *   (outage over degraded over maintenance), as on the live page;
 * - time before a component existed is not counted at all: a day entirely before it is
 *   "no data", a day it appeared in is counted from that moment;
 * - days are UTC days; today counts up to now.
 */
import type { RecordedEvent } from '../model/events.js';
import { evolve, evolveDeclared, type IncidentState } from '../model/state.js';
import type { SeverityPolicy } from '../model/policy.js';
import type { MaintenanceWindow } from '../maintenance/window.js';
import { COMPONENT_STATUSES, incidentComponentStatuses, worse, type ComponentStatus } from './components.js';
import { isPublicIncident } from './visibility.js';

/** A component held at a status from `from` until `to` (null: still is). */
export interface StatusSpan {
  component: string;
  status: ComponentStatus;
  from: string;
  to: string | null;
}

export const UPTIME_DAYS = 90;
/** The share of a status's time that counts as downtime. */
export const DOWNTIME_WEIGHT: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 0,
  degraded_performance: 0,
  partial_outage: 0.3,
  major_outage: 1,
};

const DAY_MS = 86_400_000;

export interface UptimeDay {
  /** The UTC date, YYYY-MM-DD. */
  date: string;
  /** The worst status the component had that day; `no_data` for a day wholly before it existed. */
  status: ComponentStatus | 'no_data';
  /** Milliseconds at each status other than operational. */
  ms: Partial<Record<ComponentStatus, number>>;
  /** The weighted downtime and the time counted, in milliseconds. */
  downtimeMs: number;
  countedMs: number;
}

export interface ComponentUptime {
  days: UptimeDay[];
  /** 0..1 over the days counted; null when none was (the component is newer than a moment). */
  ratio: number | null;
  /** The last time the page's status for it changed, up to now; null if it never did. */
  lastChangeAt: string | null;
}

export interface HistoryConfig {
  policy: SeverityPolicy;
  statusPage: { componentStatusBySeverity: Record<string, ComponentStatus> };
}

/** What the page said one incident did to its components, over its life: replays its events. */
export function incidentSpans(events: readonly RecordedEvent[], config: HistoryConfig): StatusSpan[] {
  const [first, ...rest] = events;
  if (!first) return [];
  const spans: StatusSpan[] = [];
  const open = new Map<string, StatusSpan>();
  const holding = (state: IncidentState) =>
    isPublicIncident(state, config) ? incidentComponentStatuses(state, config.policy, config.statusPage.componentStatusBySeverity) : {};
  const step = (state: IncidentState, at: string) => {
    const now = holding(state);
    for (const [component, span] of open) {
      if (now[component] === span.status) continue;
      span.to = at;
      open.delete(component);
    }
    for (const [component, status] of Object.entries(now)) {
      if (open.has(component)) continue;
      const span: StatusSpan = { component, status, from: at, to: null };
      spans.push(span);
      open.set(component, span);
    }
  };
  let state = evolveDeclared(first);
  step(state, first.recordedAt);
  for (const recorded of rest) {
    state = evolve(state, recorded);
    step(state, recorded.recordedAt);
  }
  return spans.filter((s) => s.to === null || s.to > s.from);
}

/** Each window's components under maintenance while it ran (until it was called off, if it was). */
export function maintenanceSpans(windows: readonly MaintenanceWindow[]): StatusSpan[] {
  return windows.flatMap((w) => {
    const to = w.cancelledAt !== null && w.cancelledAt < w.endsAt ? w.cancelledAt : w.endsAt;
    if (to <= w.startsAt) return [];
    return w.components.map((component) => ({ component, status: 'under_maintenance' as const, from: w.startsAt, to }));
  });
}

function msAt(status: ComponentStatus, ms: number, into: Partial<Record<ComponentStatus, number>>): void {
  if (status !== 'operational' && ms > 0) into[status] = (into[status] ?? 0) + ms;
}

/** One component's time at each status within [start, end), the worst status winning where spans overlap. */
function tally(spans: readonly { from: number; to: number; status: ComponentStatus }[], start: number, end: number) {
  const ms: Partial<Record<ComponentStatus, number>> = {};
  const inside = spans.filter((s) => s.from < end && s.to > start);
  const cuts = [...new Set([start, end, ...inside.flatMap((s) => [s.from, s.to]).filter((t) => t > start && t < end)])].sort((a, b) => a - b);
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [from, to] = [cuts[i]!, cuts[i + 1]!];
    const status = inside.filter((s) => s.from <= from && s.to >= to).reduce<ComponentStatus>((w, s) => worse(w, s.status), 'operational');
    msAt(status, to - from, ms);
  }
  return ms;
}

function worstOf(ms: Partial<Record<ComponentStatus, number>>): ComponentStatus {
  return [...COMPONENT_STATUSES].reverse().find((s) => (ms[s] ?? 0) > 0) ?? 'operational';
}

/** The last `days` UTC days of one component, ending today (up to `now`), and its uptime over them. */
export function componentUptime(
  component: { id: string; createdAt: string | null },
  spans: readonly StatusSpan[],
  now: string,
  days = UPTIME_DAYS,
): ComponentUptime {
  const nowMs = Date.parse(now);
  const mine = spans
    .filter((s) => s.component === component.id)
    .map((s) => ({ from: Date.parse(s.from), to: s.to === null ? nowMs : Math.min(Date.parse(s.to), nowMs), status: s.status }));
  const bornMs = component.createdAt === null ? -Infinity : Date.parse(component.createdAt);
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const out: UptimeDay[] = [];
  let down = 0;
  let counted = 0;
  for (let i = days - 1; i >= 0; i--) {
    const dayStart = today - i * DAY_MS;
    const date = new Date(dayStart).toISOString().slice(0, 10);
    const start = Math.max(dayStart, bornMs);
    const end = Math.min(dayStart + DAY_MS, nowMs);
    if (start >= end) {
      out.push({ date, status: 'no_data', ms: {}, downtimeMs: 0, countedMs: 0 });
      continue;
    }
    const ms = tally(mine, start, end);
    const downtimeMs = Object.entries(ms).reduce((sum, [s, t]) => sum + DOWNTIME_WEIGHT[s as ComponentStatus] * t, 0);
    out.push({ date, status: worstOf(ms), ms, downtimeMs, countedMs: end - start });
    down += downtimeMs;
    counted += end - start;
  }
  const changes = spans
    .filter((s) => s.component === component.id)
    .flatMap((s) => (s.to === null ? [s.from] : [s.from, s.to]))
    .map(Date.parse)
    .filter((t) => t <= nowMs);
  const last = changes.length ? Math.max(...changes) : null;
  return { days: out, ratio: counted > 0 ? 1 - down / counted : null, lastChangeAt: last === null ? null : new Date(last).toISOString() };
}

/** A ratio as the page prints it: two decimals, rounded down so any downtime shows below 100%. */
export function uptimePercent(ratio: number): string {
  return `${(Math.floor(ratio * 10_000 + 1e-9) / 100).toFixed(2)}%`;
}
