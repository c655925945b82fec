/**
 * The PagerDuty Events API v2 format, validated the way PagerDuty does it so that any
 * sender written for PagerDuty (Alertmanager's pagerduty_configs among them) works
 * unchanged, and refused with PagerDuty's own "invalid event" answer.
 */
import { randomBytes } from 'node:crypto';
import { ALERT_SEVERITIES, alertTime, cleanText, stringMap, webUrl, type Alert, type AlertSeverity, type Labels } from './alert.js';

export type EventAction = 'trigger' | 'acknowledge' | 'resolve';
/** The payload fields events may be grouped by; `source` + `component` unless configured otherwise. */
export const EVENT_GROUP_FIELDS = ['source', 'component', 'group', 'class', 'severity', 'dedup_key'] as const;
export type EventGroupField = (typeof EVENT_GROUP_FIELDS)[number];
export const DEFAULT_EVENT_GROUP_BY: EventGroupField[] = ['source', 'component'];

export interface ValidEvent {
  routingKey: string;
  action: EventAction;
  dedupKey: string;
  /** Only for `trigger`: what the event says is wrong. */
  alert: Alert | null;
  /** Only for `trigger`; acknowledge and resolve find the alert (and its group) by dedup key. */
  groupKey: string | null;
}

export type EventCheck = { ok: true; event: ValidEvent } | { ok: false; errors: string[] };

const ACTIONS: EventAction[] = ['trigger', 'acknowledge', 'resolve'];
const MAX_DEDUP_KEY = 255;
const MAX_SUMMARY = 1024;

function blank(value: unknown): boolean {
  return typeof value !== 'string' || value.trim() === '';
}

/** PagerDuty makes up a 32-character key for a trigger without one, and answers it back. */
export function newDedupKey(): string {
  return randomBytes(16).toString('hex');
}

export function checkEvent(body: unknown, receivedAt: string, groupBy: readonly EventGroupField[] = DEFAULT_EVENT_GROUP_BY): EventCheck {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, errors: ['Event object must be a JSON object'] };
  const event = body as Record<string, unknown>;
  const errors: string[] = [];
  if (blank(event.routing_key)) errors.push("'routing_key' is missing or blank");
  const action = event.event_action as EventAction;
  if (!ACTIONS.includes(action)) errors.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
  if (event.dedup_key !== undefined && event.dedup_key !== null && typeof event.dedup_key !== 'string') errors.push("'dedup_key' must be a string");
  else if (typeof event.dedup_key === 'string' && event.dedup_key.length > MAX_DEDUP_KEY) errors.push(`'dedup_key' is too long (at most ${MAX_DEDUP_KEY} characters)`);
  else if (action !== 'trigger' && ACTIONS.includes(action) && blank(event.dedup_key)) errors.push("'dedup_key' is missing or blank");

  const payload = event.payload;
  let fields: Record<string, unknown> = {};
  if (action === 'trigger') {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) errors.push("'payload' is missing or not an object");
    else {
      fields = payload as Record<string, unknown>;
      if (blank(fields.summary)) errors.push("'payload.summary' is missing or blank");
      if (blank(fields.source)) errors.push("'payload.source' is missing or blank");
      if (!ALERT_SEVERITIES.includes(fields.severity as AlertSeverity))
        errors.push("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
      if (fields.timestamp !== undefined && alertTime(fields.timestamp) === null) errors.push("'payload.timestamp' is not a valid ISO-8601 time");
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const dedupKey = cleanText(event.dedup_key, MAX_DEDUP_KEY) ?? newDedupKey();
  const routingKey = (event.routing_key as string).trim();
  if (action !== 'trigger') return { ok: true, event: { routingKey, action, dedupKey, alert: null, groupKey: null } };

  const labels: Labels = {};
  for (const field of ['source', 'component', 'group', 'class', 'severity'] as const) {
    const value = cleanText(fields[field], 255);
    if (value !== null) labels[field] = value;
  }
  const links = Array.isArray(event.links) ? (event.links as { href?: unknown }[]) : [];
  const alert: Alert = {
    fingerprint: dedupKey,
    status: 'firing',
    severity: fields.severity as AlertSeverity,
    summary: cleanText(fields.summary, MAX_SUMMARY),
    labels,
    annotations: stringMap(fields.custom_details),
    startsAt: alertTime(fields.timestamp) ?? receivedAt,
    endsAt: null,
    generatorUrl: links.map((l) => webUrl(l?.href)).find((u) => u !== null) ?? null,
  };
  return { ok: true, event: { routingKey, action, dedupKey, alert, groupKey: eventGroupKey(labels, dedupKey, groupBy) } };
}

/** `component=mysql,source=db01`: the chosen fields, in a fixed order, so the same event lands in the same group. */
export function eventGroupKey(labels: Labels, dedupKey: string, groupBy: readonly EventGroupField[]): string {
  return [...groupBy]
    .sort()
    .map((field) => `${field}=${field === 'dedup_key' ? dedupKey : (labels[field] ?? '')}`)
    .join(',');
}
