/** What the follow-up export and sync need of a tracker (GitHub Issues, Jira), whichever it is. */
import type { RemoteState, Tracker } from '../../domain/follow-ups/export.js';

export interface IssueDraft {
  summary: string;
  /** Plain paragraphs of the description; `link` is added last, as a link. */
  paragraphs: string[];
  link: string;
}

export interface TrackerPort {
  readonly tracker: Tracker;
  /** Where issues go, in words for a person (`acme/ops` on github.example.com, Jira project OPS). */
  readonly target: string;
  createIssue(draft: IssueDraft): Promise<{ key: string; url: string }>;
  issueState(key: string): Promise<RemoteState>;
}

export type Trackers = Partial<Record<Tracker, TrackerPort>>;

/**
 * A tracker call that failed. `transient`: 429, 5xx or no answer — worth asking again
 * later; otherwise the request itself was refused (bad token, no such project).
 */
export class TrackerError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'TrackerError';
  }

  get transient(): boolean {
    return this.status === null || this.status === 429 || this.status >= 500;
  }
}

/** Retry-After in seconds or as an HTTP date, in ms from now; null when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Each call to a tracker gives up after this long (the sync worker asks again later). */
export const TRACKER_TIMEOUT_MS = 10_000;

/** The trackers set up here and how often exported follow-ups' issues are looked at. */
export interface TrackerSettings {
  ports: Trackers;
  pollMs: number;
}

export const DEFAULT_TRACKER_POLL_MS = 5 * 60_000;
