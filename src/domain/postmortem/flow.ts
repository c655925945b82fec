/**
 * Issue 16 — the postmortem through to published: owed → scheduled → drafting → in review →
 * published. The stage is derived from what happened (the review scheduled, a revision
 * saved, review asked for, published), never stored on its own, so incidents recorded
 * before these rules existed read right: one with an owner and a date is `scheduled`, one
 * published at an address is `published`.
 */
import type { CommandOf, DecideContext, Decision } from '../model/commands.js';
import type { IncidentState } from '../model/state.js';
import { refuse } from '../model/errors.js';
import { incidentId } from '../model/ids.js';
import { DEFAULT_REVIEW_MINUTES, MAX_REVIEW_MINUTES, type PostmortemStage } from './flow-state.js';

export { POSTMORTEM_STAGES, DEFAULT_REVIEW_MINUTES, MAX_REVIEW_MINUTES, type PostmortemStage } from './flow-state.js';

export function postmortemStage(state: Pick<IncidentState, 'postmortem' | 'postmortemFlow'>): PostmortemStage {
  const flow = state.postmortemFlow;
  if (flow.publishedAt) return 'published';
  if (flow.reviewRequestedAt) return 'in_review';
  if (flow.revision > 0) return 'drafting';
  return state.postmortem ? 'scheduled' : 'owed';
}

/** Who moves the postmortem along: its owner, the IC, or an admin stepping in. */
function requireSteward(state: IncidentState, ctx: DecideContext, what: string): void {
  const { handle, admin } = ctx.actor;
  if (admin || handle === state.roles.incident_commander || handle === state.postmortem?.owner) return;
  const owner = state.postmortem ? `its owner @${state.postmortem.owner} or ` : '';
  refuse('NOT_POSTMORTEM_STEWARD', `Only ${owner}the Incident Commander @${state.roles.incident_commander} ${what}.`);
}

export function requireNotPublished(state: IncidentState, what: string): void {
  if (state.postmortemFlow.publishedAt)
    refuse('POSTMORTEM_PUBLISHED', `${incidentId(state.number)}'s postmortem was published at ${state.postmortemFlow.publishedAt} and is frozen; it no longer ${what}.`, {
      stage: 'published',
    });
}

/** Scheduling the review names its owner, when and how long; rescheduling moves the same meeting. */
export function decideSchedulePostmortem(state: IncidentState, command: CommandOf<'SchedulePostmortem'>, ctx: DecideContext): Decision {
  requireNotPublished(state, 'takes a new review date');
  requireSteward(state, ctx, 'schedules the postmortem review');
  const owner = command.owner.trim();
  if (!owner) refuse('VALIDATION_FAILED', 'The postmortem review needs an owner.', { field: 'owner' });
  if (Number.isNaN(Date.parse(command.scheduledFor)))
    refuse('VALIDATION_FAILED', 'The postmortem review needs a start time, e.g. 2026-06-09T15:00:00Z.', { field: 'scheduledFor' });
  const scheduledFor = new Date(command.scheduledFor).toISOString();
  if (scheduledFor < ctx.now)
    refuse('VALIDATION_FAILED', `The review would start at ${scheduledFor}, which has passed: an invite is for a meeting still ahead.`, { field: 'scheduledFor' });
  const minutes = command.minutes ?? DEFAULT_REVIEW_MINUTES;
  if (!Number.isInteger(minutes) || minutes < 15 || minutes > MAX_REVIEW_MINUTES)
    refuse('VALIDATION_FAILED', `The review lasts 15 to ${MAX_REVIEW_MINUTES} whole minutes, not ${minutes}.`, { field: 'durationMinutes' });
  const current = state.postmortem;
  if (current && current.owner === owner && current.scheduledFor === scheduledFor && state.postmortemFlow.minutes === minutes) return { events: [], warnings: [] };
  return { events: [{ type: 'PostmortemScheduled', owner, scheduledFor, minutes }], warnings: [] };
}

/** A revision of the document; the first one moves the postmortem to drafting. `revision` is the one the edit started from. */
export function decideSavePostmortemDocument(state: IncidentState, command: CommandOf<'SavePostmortemDocument'>, _ctx: DecideContext): Decision {
  requireNotPublished(state, 'takes edits');
  if (!command.markdown.trim()) refuse('VALIDATION_FAILED', 'The postmortem document is empty; start from the draft.', { field: 'markdown' });
  const current = state.postmortemFlow.revision;
  if (command.baseRevision !== current)
    refuse('REVISION_CONFLICT', `The postmortem document is at revision ${current}, not ${command.baseRevision}: someone saved in between; reload, merge your edit and save again.`, {
      field: 'baseRevision',
      currentRevision: current,
    });
  return { events: [{ type: 'PostmortemDocumentSaved', revision: current + 1 }], warnings: [] };
}

/** The owner hands the written document to the team for review: only after resolving, and only once there is a document. */
export function decideRequestPostmortemReview(state: IncidentState, _command: CommandOf<'RequestPostmortemReview'>, ctx: DecideContext): Decision {
  requireNotPublished(state, 'goes back to review');
  requireSteward(state, ctx, 'puts the postmortem up for review');
  if (state.phase === 'active') refuse('INCIDENT_NOT_RESOLVED', `${incidentId(state.number)} is still open; review its postmortem after resolving it.`);
  const stage = postmortemStage(state);
  if (stage === 'in_review') return { events: [], warnings: [] };
  if (stage !== 'drafting')
    refuse('POSTMORTEM_TRANSITION', `The postmortem is ${stage}: it goes to review once a document has been saved (drafting).`, { stage, allowed: ['drafting'] });
  return { events: [{ type: 'PostmortemReviewRequested', revision: state.postmortemFlow.revision }], warnings: [] };
}

/**
 * Publishing freezes the reviewed document; `statusPage` links it from the incident's public
 * page. An address alone (the contract's first form, a postmortem kept in a wiki) publishes
 * without a document and is linked, as it always was.
 */
export function decidePublishPostmortem(state: IncidentState, command: CommandOf<'PublishPostmortem'>, ctx: DecideContext): Decision {
  if (state.phase === 'active')
    refuse('INCIDENT_NOT_RESOLVED', `${incidentId(state.number)} is still open; publish its postmortem after resolving it.`, { field: 'url' });
  const flow = state.postmortemFlow;
  // Once published, what is not said stays as it is: the address and whether it is linked.
  const url = command.url == null ? (flow.publishedAt && command.url === undefined ? state.postmortemUrl : null) : httpUrl(command.url);
  const statusPage = command.statusPage ?? (flow.publishedAt ? flow.onStatusPage : url !== null);
  if (flow.publishedAt && url === null && flow.publishedRevision === null)
    refuse('VALIDATION_FAILED', 'This postmortem was published only as an address and has no document here: keep an address.', { field: 'url' });
  if (flow.publishedAt) {
    if (state.postmortemUrl === url && flow.onStatusPage === statusPage) return { events: [], warnings: [] };
    requireSteward(state, ctx, 'changes where the published postmortem is linked');
    return { events: [{ type: 'PostmortemPublished', url, statusPage, revision: flow.publishedRevision }], warnings: [] };
  }
  if (url === null) {
    requireSteward(state, ctx, 'publishes the postmortem');
    const stage = postmortemStage(state);
    if (stage !== 'in_review')
      refuse('POSTMORTEM_TRANSITION', `The postmortem is ${stage}: it is published after review (in_review), or give the address where it is published (url).`, {
        stage,
        allowed: ['in_review'],
      });
    return { events: [{ type: 'PostmortemPublished', url, statusPage, revision: flow.revision }], warnings: [] };
  }
  return { events: [{ type: 'PostmortemPublished', url, statusPage, revision: flow.revision > 0 ? flow.revision : null }], warnings: [] };
}

function httpUrl(raw: string): string {
  let url: URL | null = null;
  try {
    url = new URL(raw.trim());
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    refuse('VALIDATION_FAILED', 'The postmortem needs an http(s) address, e.g. https://wiki.example.com/postmortems/inc-7.', { field: 'url' });
  return url.href;
}
