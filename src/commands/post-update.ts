import type { CommandContext } from './context.js';
import { loadVisibleIncident, record, runIncidentCommand, type CommandResult } from './incident-command.js';
import type { CommandOf } from '../domain/model/commands.js';
import { decide } from '../domain/decide.js';
import { evolve, type IncidentState } from '../domain/model/state.js';
import { authorize } from '../domain/people/policy.js';

/** Posts an update, or holds a public one for the Comms Lead, by `updates.publicBy` (src/domain/updates/outbound.ts). */
export function postUpdate(ctx: CommandContext, number: number, input: Omit<CommandOf<'PostUpdate'>, 'type' | 'publicBy'>, version?: number): Promise<CommandResult> {
  return runIncidentCommand(ctx, number, { type: 'PostUpdate', ...input, publicBy: ctx.config.updates.publicBy }, version);
}

export function approveDraft(ctx: CommandContext, number: number, draftId: string, version?: number): Promise<CommandResult> {
  return runIncidentCommand(ctx, number, { type: 'ApproveDraft', draftId }, version);
}

export function rejectDraft(ctx: CommandContext, number: number, draftId: string, reason: string, version?: number): Promise<CommandResult> {
  return runIncidentCommand(ctx, number, { type: 'RejectDraft', draftId, reason }, version);
}

/**
 * The incident as it would be right after posting this update, decided by the same rules
 * and nothing recorded: what a preview of the status page renders. Refused as posting would be.
 */
export async function previewUpdate(ctx: CommandContext, number: number, input: Omit<CommandOf<'PostUpdate'>, 'type' | 'publicBy'>): Promise<IncidentState> {
  authorize(ctx.actor, 'incidents.write');
  const state = await loadVisibleIncident(ctx, number);
  const decision = decide(state, { type: 'PostUpdate', ...input }, { now: ctx.now, actor: { handle: ctx.actor.handle, admin: ctx.actor.role === 'admin' }, policy: ctx.config.policy });
  return record(number, state.version, ctx.actor.handle, ctx.now, decision).reduce(evolve, state);
}
