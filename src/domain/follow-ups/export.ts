/**
 * Exporting a follow-up to the team's tracker (GitHub Issues, Jira) and taking the
 * tracker's verdict back, pure. One follow-up has at most one link, ever: a second export
 * answers the link it has. The export is claimed before the tracker is called (so two
 * exports at once make one issue) and the claim is let go when the call fails.
 */
import { DomainError } from '../model/errors.js';
import type { FollowUp, FollowUpState } from './follow-up.js';

export const TRACKERS = ['github', 'jira'] as const;
export type Tracker = (typeof TRACKERS)[number];

/** What the tracker said about its issue: still open, or closed as done or as not to be done. */
export type RemoteState = 'open' | 'done' | 'wont_do';

export interface FollowUpLink {
  followUp: string;
  tracker: Tracker;
  /** `pending` while the issue is being made; `linked` once the tracker answered. */
  state: 'pending' | 'linked';
  /** GitHub: `owner/repo#12`; Jira: `OPS-12`. Null while pending. */
  key: string | null;
  url: string | null;
  claimedAt: string;
  exportedAt: string | null;
  exportedBy: string;
  /** The tracker's state as last seen, and when. */
  remoteState: RemoteState | null;
  syncedAt: string | null;
  /** When to ask the tracker next (null: no more asking). */
  syncAt: string | null;
  /** Failed asks in a row (429/5xx/unreachable), for the backoff. */
  failures: number;
  lastError: string | null;
}

/** A claim older than this was left by a process that died mid-call: it may be taken again. */
export const STALE_CLAIM_MS = 5 * 60_000;

export type ExportDecision = { kind: 'existing'; link: FollowUpLink } | { kind: 'claim' };

/** Whether to make an issue: never when one is linked, never while another export is making one. */
export function decideExport(item: Pick<FollowUp, 'id' | 'state'>, link: FollowUpLink | null, tracker: Tracker, now: string): ExportDecision {
  if (link?.state === 'linked') return { kind: 'existing', link };
  if (link && Date.parse(now) - Date.parse(link.claimedAt) < STALE_CLAIM_MS)
    throw new DomainError('EXPORT_IN_PROGRESS', `Follow-up ${item.id} is being exported to ${trackerName(link.tracker)} right now; ask again in a moment.`);
  if (item.state !== 'open')
    throw new DomainError('FOLLOW_UP_CLOSED', `Follow-up ${item.id} is closed; reopen it before exporting it to ${trackerName(tracker)}.`, { field: 'id' });
  return { kind: 'claim' };
}

export function claim(item: Pick<FollowUp, 'id'>, tracker: Tracker, actor: string, now: string): FollowUpLink {
  return {
    followUp: item.id,
    tracker,
    state: 'pending',
    key: null,
    url: null,
    claimedAt: now,
    exportedAt: null,
    exportedBy: actor,
    remoteState: null,
    syncedAt: null,
    syncAt: null,
    failures: 0,
    lastError: null,
  };
}

export function linked(pending: FollowUpLink, issue: { key: string; url: string }, now: string, pollMs: number): FollowUpLink {
  return { ...pending, state: 'linked', key: issue.key, url: issue.url, exportedAt: now, remoteState: 'open', syncedAt: now, syncAt: at(now, pollMs) };
}

/**
 * What a look at the tracker changes: the link's last-seen state and next look, and the
 * follow-up's new state when the issue was closed while the follow-up is open. An issue
 * closed once stops being asked about; one reopened on our side is not reopened there.
 */
export function decideSync(
  item: Pick<FollowUp, 'state'>,
  link: FollowUpLink,
  remote: RemoteState,
  now: string,
  pollMs: number,
): { link: FollowUpLink; close: Exclude<FollowUpState, 'open'> | null } {
  const closed = remote !== 'open';
  const next: FollowUpLink = { ...link, remoteState: remote, syncedAt: now, failures: 0, lastError: null, syncAt: closed ? null : at(now, pollMs) };
  return { link: next, close: closed && item.state === 'open' ? remote : null };
}

export const MAX_BACKOFF_MS = 60 * 60_000;

/**
 * After a failed look (429, 5xx, unreachable): wait longer each time, doubling from the
 * poll interval up to an hour, or as long as the tracker asked (Retry-After) if longer.
 */
export function decideSyncFailure(link: FollowUpLink, error: string, now: string, pollMs: number, retryAfterMs: number | null): FollowUpLink {
  const failures = link.failures + 1;
  const backoff = Math.min(MAX_BACKOFF_MS, pollMs * 2 ** Math.min(failures, 20));
  return { ...link, failures, lastError: error.slice(0, 500), syncAt: at(now, Math.max(backoff, retryAfterMs ?? 0)) };
}

/** The note on the incident's timeline saying where a follow-up went or what its issue became. */
export function exportedText(item: Pick<FollowUp, 'id' | 'title'>, link: FollowUpLink): string {
  return `Follow-up ${item.id} exported to ${trackerName(link.tracker)} as ${link.key}: ${link.url}`;
}

export function syncedText(item: Pick<FollowUp, 'id' | 'title'>, link: FollowUpLink, remote: Exclude<RemoteState, 'open'>): string {
  const how = remote === 'done' ? 'done' : "won't do";
  return `Follow-up ${item.id} ${how}: ${link.key} was closed in ${trackerName(link.tracker)} (${item.title}).`;
}

/** Why a follow-up closed from the tracker will not be done (a won't-do needs a reason). */
export function syncedReason(link: FollowUpLink): string {
  return `${link.key} was closed as not planned in ${trackerName(link.tracker)}.`;
}

export function trackerName(tracker: Tracker): string {
  return tracker === 'github' ? 'GitHub' : 'Jira';
}

function at(now: string, ms: number): string {
  return new Date(Date.parse(now) + ms).toISOString();
}
