/** Merge one open incident into another: both change in one transaction, or neither. */
import type { CommandContext } from './context.js';
import { loadVisibleIncident, record, type CommandResult } from './incident-command.js';
import { authorize } from '../domain/people/policy.js';
import { decideMerge } from '../domain/incidents/merge.js';
import type { Decision } from '../domain/model/commands.js';
import { DomainError } from '../domain/model/errors.js';
import { evolve, type IncidentState } from '../domain/model/state.js';
import { dueMoments } from '../domain/reminders/rules.js';
import { incidentId } from '../domain/model/ids.js';

export interface MergeResult {
  /** The incident merged away, now closed with its pointer. */
  merged: CommandResult;
  into: CommandResult;
}

/** The incident to merge into, or null when the caller cannot see one by that number (the domain says so, naming `into`). */
async function loadTarget(ctx: CommandContext, number: number): Promise<IncidentState | null> {
  try {
    return await loadVisibleIncident(ctx, number, true);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'INCIDENT_NOT_FOUND') return null;
    throw error;
  }
}

export async function mergeIncidents(ctx: CommandContext, number: number, input: { into: number; reason?: string | null }, version?: number): Promise<MergeResult> {
  authorize(ctx.actor, 'incidents.merge');
  // Both rows are locked lowest number first, so two merges between the same pair queue rather than deadlock.
  const loaded = new Map<number, IncidentState | null>();
  for (const n of [...new Set([number, input.into])].sort((a, b) => a - b))
    loaded.set(n, n === number ? await loadVisibleIncident(ctx, n, true) : await loadTarget(ctx, n));
  const merged = loaded.get(number)!;
  if (version !== undefined && version !== merged.version)
    throw new DomainError('VERSION_CONFLICT', `${incidentId(number)} is at version ${merged.version}, not ${version}: someone changed it; reload.`, {
      currentVersion: merged.version,
    });
  const decision = decideMerge(
    merged,
    loaded.get(input.into) ?? null,
    await ctx.tx.incidents.events(number),
    { reason: input.reason ?? null, alertGroups: await ctx.tx.alertGroups.ownedBy(number) },
    { now: ctx.now, actor: { handle: ctx.actor.handle, admin: ctx.actor.role === 'admin' }, policy: ctx.config.policy },
  );
  const into = loaded.get(input.into)!;
  await ctx.tx.alertGroups.moveIncident(number, into.number);
  const apply = async (state: IncidentState, decided: Decision): Promise<CommandResult> => {
    const recorded = record(state.number, state.version, ctx.actor.handle, ctx.now, decided);
    const next = recorded.reduce(evolve, state);
    await ctx.tx.incidents.append(state.version, recorded, next, dueMoments(next, ctx.config.policy, ctx.config.reminders));
    return { state: next, warnings: decided.warnings, recorded };
  };
  return { into: await apply(into, decision.into), merged: await apply(merged, decision.merged) };
}
