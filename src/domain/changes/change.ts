/**
 * What changed (issue 15, item 5): a deploy, a config push, a flag flip or a batch job,
 * sent like PagerDuty's Change Events, so the incident room can show what happened just
 * before the impact began ("the batch job nobody mentioned").
 */
import { refuse } from '../model/errors.js';
import { toUtcIso } from '../model/time.js';

export const CHANGE_KINDS = ['deploy', 'config', 'feature-flag', 'batch-job', 'other'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** PagerDuty's own limit for a change event's summary. */
export const SUMMARY_MAX = 1024;
/** A sender's clock a little ahead of ours is tolerated; a change further in the future has not happened yet. */
export const CLOCK_SKEW_MS = 5 * 60_000;

export interface ChangeLink {
  href: string;
  text: string | null;
}

export interface Change {
  id: string;
  summary: string;
  /** When the change happened (the event's `payload.timestamp`, else when it arrived). */
  at: string;
  kind: ChangeKind;
  /** The system that made the change (`payload.source`), e.g. `argocd` or `cron@batch-01`. */
  origin: string | null;
  components: string[];
  links: ChangeLink[];
  customDetails: Record<string, unknown> | null;
  /** The change source (by key) that sent it, or null when a person recorded it. */
  sourceId: string | null;
  /** The person who recorded it, or null when a change source sent it. */
  recordedBy: string | null;
  receivedAt: string;
  dedupKey: string;
}

/** A change event as read from the request, before it is checked. */
export interface ChangeInput {
  summary: string;
  timestamp?: string | null;
  source?: string | null;
  kind?: ChangeKind | null;
  components?: string[] | null;
  links?: { href: string; text?: string | null }[] | null;
  customDetails?: Record<string, unknown> | null;
}

export type CheckedChange = Pick<Change, 'summary' | 'at' | 'kind' | 'origin' | 'components' | 'links' | 'customDetails'>;

/** The change as it will be kept, or a refusal naming the field (PagerDuty's field names). */
export function checkChange(input: ChangeInput, now: string): CheckedChange {
  const summary = input.summary.trim();
  if (!summary) refuse('VALIDATION_FAILED', 'payload.summary must say what changed, e.g. "Deployed checkout-api v2.14.0".', { field: 'payload.summary' });
  if (summary.length > SUMMARY_MAX) refuse('VALIDATION_FAILED', `payload.summary is at most ${SUMMARY_MAX} characters (it has ${summary.length}).`, { field: 'payload.summary' });
  let at = now;
  if (input.timestamp != null) {
    const parsed = toUtcIso(input.timestamp);
    if (parsed === null) refuse('VALIDATION_FAILED', 'payload.timestamp must be an ISO-8601 time, such as 2026-06-06T13:40:00Z.', { field: 'payload.timestamp' });
    if (Date.parse(parsed) - Date.parse(now) > CLOCK_SKEW_MS)
      refuse('VALIDATION_FAILED', 'payload.timestamp is in the future: a change event records a change that has happened.', { field: 'payload.timestamp' });
    at = parsed;
  }
  const components = [...new Set((input.components ?? []).map((c) => c.trim()).filter((c) => c !== ''))];
  const links = (input.links ?? []).map((l) => ({ href: l.href.trim(), text: l.text?.trim() || null }));
  links.forEach((l, i) => {
    if (!/^https?:\/\/\S+$/i.test(l.href)) refuse('VALIDATION_FAILED', `links[${i}].href must be an http(s) address.`, { field: `links[${i}].href` });
  });
  return {
    summary,
    at,
    kind: input.kind ?? 'other',
    origin: input.source?.trim() || null,
    components,
    links,
    customDetails: input.customDetails ?? null,
  };
}
