/**
 * One alert shape for every source: Alertmanager alerts and Events v2 events are both
 * normalized into it, so deduplication, grouping and assessment never see a vendor format.
 */
import { createHash } from 'node:crypto';

export type AlertStatus = 'firing' | 'resolved';
export const ALERT_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export type Labels = Record<string, string>;

export interface Alert {
  /** The deduplication key within its source: a repeat of the same alert has the same one. */
  fingerprint: string;
  status: AlertStatus;
  severity: AlertSeverity | null;
  summary: string | null;
  labels: Labels;
  annotations: Labels;
  startsAt: string;
  /** Null while firing (Alertmanager sends 0001-01-01T00:00:00Z, or a time it expects to resolve by). */
  endsAt: string | null;
  generatorUrl: string | null;
}

/** Rank for "the worst of": lower is worse. */
export const SEVERITY_RANK: Record<AlertSeverity, number> = { critical: 0, error: 1, warning: 2, info: 3 };

const SEVERITY_WORDS: Record<string, AlertSeverity> = {
  critical: 'critical',
  crit: 'critical',
  page: 'critical',
  error: 'error',
  err: 'error',
  major: 'error',
  high: 'error',
  warning: 'warning',
  warn: 'warning',
  minor: 'warning',
  info: 'info',
  informational: 'info',
  low: 'info',
  none: 'info',
};

/** `severity="Critical"`, `warn`, `page`… → the four Events v2 severities; anything else says nothing. */
export function alertSeverity(word: string | undefined): AlertSeverity | null {
  return word === undefined ? null : (SEVERITY_WORDS[word.trim().toLowerCase()] ?? null);
}

export function worstSeverity(severities: (AlertSeverity | null)[]): AlertSeverity | null {
  let worst: AlertSeverity | null = null;
  for (const s of severities) if (s !== null && (worst === null || SEVERITY_RANK[s] < SEVERITY_RANK[worst])) worst = s;
  return worst;
}

/** Stands in for Alertmanager's fingerprint when a sender leaves it out: the same label set, the same alert. */
export function labelSetHash(labels: Labels): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

/** `HighErrorRate{instance="a", service="checkout"}`, Prometheus' own way of naming an alert. */
export function describeLabels(labels: Labels, name = labels.alertname ?? ''): string {
  const rest = Object.keys(labels)
    .filter((k) => k !== 'alertname')
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${name}{${rest.join(', ')}}`;
}

/** Text we store and show: no NUL (PostgreSQL cannot keep it), trimmed, bounded. */
export function cleanText(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const text = withoutNul(value).trim();
  return text ? (text.length > max ? text.slice(0, max) : text) : null;
}

/** Every label of every alert of a storm passes here: the copy only when there is something to take out. */
function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}

/** Only web addresses become links; anything else (javascript:, data:) is dropped. */
export function webUrl(value: unknown): string | null {
  const text = cleanText(value, 2000);
  return text && /^https?:\/\/\S+$/i.test(text) ? text : null;
}

/** A time as stored (UTC ISO-8601), or null for none, nonsense, or Go's zero time. */
export function alertTime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  let time = readTimes.get(value);
  if (time !== undefined) return time;
  const ms = Date.parse(value);
  time = Number.isNaN(ms) || ms <= GO_ZERO_TIME ? null : new Date(ms).toISOString();
  if (readTimes.size === READ_TIMES) readTimes.clear();
  readTimes.set(value, time);
  return time;
}

/**
 * Times as sent, read: Alertmanager re-sends each alert's startsAt and endsAt unchanged on
 * every group_interval, so a storm reads the same few strings thousands of times.
 */
const readTimes = new Map<string, string | null>();
const READ_TIMES = 10_000;

/** Go's zero time (0001-01-01T00:00:00Z, an unset endsAt), with a day's margin for its time zones. */
const GO_ZERO_TIME = Date.parse('0001-01-02T00:00:00Z');

/** Label and annotation maps: string values only, as Prometheus has them. */
export function stringMap(value: unknown, maxEntries = 100): Labels {
  const out: Labels = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  let entries = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (entries++ === maxEntries) break;
    const name = cleanText(key, 200);
    if (name === null) continue;
    const item = (value as Record<string, unknown>)[key];
    const text = withoutNul(typeof item === 'string' ? item : item === null || item === undefined ? '' : JSON.stringify(item));
    out[name] = text.length > 4000 ? text.slice(0, 4000) : text;
  }
  return out;
}

export interface StoredAlert extends Alert {
  id: number;
  groupId: number;
  firstSeenAt: string;
  lastSeenAt: string;
  received: number;
  seenIn: number;
}
