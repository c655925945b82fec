/**
 * Issue 16 — the postmortem through to published: schedule the review (its invite is an
 * e-mail the notification processor sends), save the document as revisions, put it up for
 * review. The rules are src/domain/postmortem/flow.ts; publishing is assign-postmortem.ts.
 */
import type { CommandContext } from './context.js';
import { authorize } from '../domain/people/policy.js';
import { loadVisibleIncident, requirePeople, runIncidentCommand, type CommandResult } from './incident-command.js';
import type { Repository } from '../store/repository.js';
import type { Person } from '../domain/people/person.js';
import type { SeverityPolicy } from '../domain/model/policy.js';
import { renderPostmortemDraft } from '../presenters/postmortem-draft.js';
import { postmortemStage, type PostmortemStage } from '../domain/postmortem/flow.js';
import { DomainError } from '../domain/model/errors.js';
import { incidentId } from '../domain/model/ids.js';

export async function schedulePostmortem(
  ctx: CommandContext,
  number: number,
  input: { owner: string; scheduledFor: string; durationMinutes?: number },
  version?: number,
): Promise<CommandResult> {
  authorize(ctx.actor, 'incidents.write');
  await requirePeople(ctx, { owner: input.owner });
  const command = { type: 'SchedulePostmortem' as const, owner: input.owner, scheduledFor: input.scheduledFor, minutes: input.durationMinutes };
  // The invite goes out through the notification outbox (src/processors/notifications/invites.ts).
  return runIncidentCommand(ctx, number, command, version);
}

export function requestPostmortemReview(ctx: CommandContext, number: number, version?: number): Promise<CommandResult> {
  return runIncidentCommand(ctx, number, { type: 'RequestPostmortemReview' }, version);
}

export interface PostmortemDocument {
  incident: string;
  stage: PostmortemStage;
  /** 0: nothing saved yet, the text is the draft generated from the timeline. */
  revision: number;
  markdown: string;
  author: string | null;
  savedAt: string | null;
  /** Published: no more edits. */
  frozen: boolean;
}

/** The document as it stands: the latest revision, or today's generated draft before the first save. */
export async function readPostmortemDocument(tx: Repository, person: Person, number: number, policy: SeverityPolicy, revision?: number): Promise<PostmortemDocument> {
  const state = await loadVisibleIncident({ tx, actor: person }, number);
  const wanted = revision ?? state.postmortemFlow.revision;
  const base = { incident: incidentId(number), stage: postmortemStage(state), frozen: state.postmortemFlow.publishedAt !== null };
  if (wanted === 0 && revision === undefined) {
    const markdown = renderPostmortemDraft(state, await tx.incidents.events(number), policy);
    return { ...base, revision: 0, markdown, author: null, savedAt: null };
  }
  const saved = await tx.postmortems.get(number, wanted);
  if (!saved) throw new DomainError('NOT_FOUND', `${incidentId(number)}'s postmortem has no revision ${wanted}.`, { field: 'revision' });
  return { ...base, revision: saved.revision, markdown: saved.markdown, author: saved.author, savedAt: saved.savedAt };
}

/** A new revision from the one the edit started from (`baseRevision`); an edit of an older one is refused, never written over. */
export async function savePostmortemDocument(ctx: CommandContext, number: number, input: { markdown: string; baseRevision: number }): Promise<CommandResult> {
  const result = await runIncidentCommand(ctx, number, { type: 'SavePostmortemDocument', markdown: input.markdown, baseRevision: input.baseRevision });
  await ctx.tx.postmortems.add(number, { revision: result.state.postmortemFlow.revision, markdown: input.markdown, author: ctx.actor.handle, savedAt: ctx.now });
  return result;
}
