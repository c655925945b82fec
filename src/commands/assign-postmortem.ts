import type { CommandContext } from './context.js';
import { authorize } from '../domain/people/policy.js';
import { requirePeople, runIncidentCommand, type CommandResult } from './incident-command.js';

export async function assignPostmortem(ctx: CommandContext, number: number, input: { owner: string; scheduledFor: string }, version?: number): Promise<CommandResult> {
  authorize(ctx.actor, 'incidents.write');
  await requirePeople(ctx, { owner: input.owner });
  return runIncidentCommand(ctx, number, { type: 'AssignPostmortem', ...input }, version);
}

/**
 * The finished postmortem is published: the reviewed document frozen, or kept at `url`;
 * with `statusPage` the status page's incident and history pages link to it.
 */
export function publishPostmortem(ctx: CommandContext, number: number, input: { url?: string; statusPage?: boolean }, version?: number): Promise<CommandResult> {
  authorize(ctx.actor, 'incidents.write');
  return runIncidentCommand(ctx, number, { type: 'PublishPostmortem', url: input.url, statusPage: input.statusPage }, version);
}
