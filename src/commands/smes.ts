import type { CommandContext } from './context.js';
import { authorize } from '../domain/people/policy.js';
import { requirePeople, runIncidentCommand, type CommandResult } from './incident-command.js';

export async function addSme(ctx: CommandContext, number: number, input: { person: string; specialty: string }, version?: number): Promise<CommandResult> {
  authorize(ctx.actor, 'incidents.write');
  await requirePeople(ctx, { person: input.person });
  return runIncidentCommand(ctx, number, { type: 'AddSme', ...input }, version);
}

export function releaseSme(ctx: CommandContext, number: number, person: string, version?: number): Promise<CommandResult> {
  return runIncidentCommand(ctx, number, { type: 'ReleaseSme', person }, version);
}
