/**
 * R10 — what the world may see of an incident. Pure: the status page, its feed, its
 * JSON, the static export and the subscriber deliveries all ask these, and nothing else.
 */
import type { IncidentState, StatusUpdate } from '../model/state.js';
import type { UpdateStatus } from '../model/events.js';
import { findSeverity, type SeverityPolicy } from '../model/policy.js';

export interface VisibilityConfig {
  policy: SeverityPolicy;
  statusPage: { showResponderNames: boolean };
}

/**
 * On the status page: never a private incident; otherwise one whose current severity's
 * audience is `public`, or one a responder published (it stays published if downgraded).
 */
export function isPublicIncident(state: IncidentState, config: Pick<VisibilityConfig, 'policy'>): boolean {
  if (state.private) return false;
  // A drill is practice: the outside world never hears of it, unless the drill asked to notify.
  if (state.drill && !state.drill.notify) return false;
  if (state.publishedAt !== null) return true;
  return findSeverity(config.policy, state.severity)?.audience === 'public';
}

/** The severities whose incidents are public from declaration (the store reads only these, and published ones). */
export function publicSeverities(config: Pick<VisibilityConfig, 'policy'>): string[] {
  return config.policy.levels.filter((level) => level.audience === 'public').map((level) => level.id);
}

/** One update as the public sees it: the fields of R7, never who is in the room unless configured. */
export interface PublicUpdate {
  /** The sequence number of the event that posted it: stable, unique within the incident. */
  id: number;
  status: UpdateStatus;
  impact: string;
  whatWeKnow: string;
  nextStep: string | null;
  /** Impact, What we know and Next step as one Markdown text, for the page, the feed and the JSON. */
  markdown: string;
  postedAt: string;
  nextUpdateBy: string | null;
  /** The poster's handle when `statusPage.showResponderNames` is on; null otherwise. */
  postedBy: string | null;
  /** True for the page's own "We are investigating" entry, standing in until a public update is posted. */
  placeholder: boolean;
  /** Set on the internal page only (internal.ts), where internal updates are shown too. */
  audience?: 'public' | 'internal';
}

/** The update's fields in R7's order, as Markdown; the text itself is the responders' Markdown. */
export function publicMarkdown(update: Pick<StatusUpdate, 'impact' | 'whatWeKnow' | 'nextStep'>): string {
  const parts = [`**Impact:** ${update.impact}`, `**What we know:** ${update.whatWeKnow}`];
  if (update.nextStep) parts.push(`**Next step:** ${update.nextStep}`);
  return parts.join('\n\n');
}

function toPublic(update: StatusUpdate, config: Pick<VisibilityConfig, 'statusPage'>): PublicUpdate {
  return {
    id: update.id,
    status: update.status,
    impact: update.impact,
    whatWeKnow: update.whatWeKnow,
    nextStep: update.nextStep,
    markdown: publicMarkdown(update),
    postedAt: update.postedAt,
    nextUpdateBy: update.nextUpdateBy,
    postedBy: config.statusPage.showResponderNames ? update.postedBy : null,
    placeholder: false,
  };
}

/** The incident's `public` updates, newest first; internal ones never. Empty for an incident that is not public. */
export function publicUpdates(state: IncidentState, config: VisibilityConfig): PublicUpdate[] {
  if (!isPublicIncident(state, config)) return [];
  return state.publicUpdates.map((u) => toPublic(u, config)).reverse();
}

export const INVESTIGATING_TEXT = 'We are investigating this issue and will post an update as soon as we know more.';

/**
 * What the page shows for the incident, newest first: its public updates, or — from the
 * moment it is declared until the first public update — one "We are investigating"
 * entry, so the page never reads "all operational" during a declared public incident.
 */
export function publicHistory(state: IncidentState, config: VisibilityConfig): PublicUpdate[] {
  const updates = publicUpdates(state, config);
  if (updates.length > 0 || !isPublicIncident(state, config)) return updates;
  return [
    {
      id: 0,
      status: 'investigating',
      impact: INVESTIGATING_TEXT,
      whatWeKnow: '',
      nextStep: null,
      markdown: INVESTIGATING_TEXT,
      postedAt: state.declaredAt,
      // The promise made at declaration; once internal updates have moved it, it is not the public's.
      nextUpdateBy: state.lastUpdate === null ? state.nextUpdateBy : null,
      postedBy: null,
      placeholder: true,
    },
  ];
}

/**
 * The incident's status as the public sees it: resolved once it is, else the status of
 * its newest public update ("investigating" until there is one) — an internal update
 * moving the status does not move the page.
 */
export function publicStatus(state: IncidentState, config: VisibilityConfig): UpdateStatus {
  if (state.phase !== 'active') return 'resolved';
  return publicHistory(state, config)[0]?.status ?? 'investigating';
}
