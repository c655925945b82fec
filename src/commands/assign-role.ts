import type { CommandContext } from './context.js';
import { authorize } from '../domain/people/policy.js';
import { requirePeople, runIncidentCommand, type CommandResult } from './incident-command.js';
import type { RoleName } from '../domain/model/events.js';

/** Comms Lead and Scribe are named outright; Incident Commander is offered and needs a yes (R3). */
export async function assignRole(ctx: CommandContext, number: number, input: { role: RoleName; person: string }, version?: number): Promise<CommandResult> {
  authorize(ctx.actor, 'incidents.write');
  await requirePeople(ctx, { person: input.person }, { responders: true });
  if (input.role === 'incident_commander') return runIncidentCommand(ctx, number, { type: 'OfferCommand', to: input.person }, version);
  return runIncidentCommand(ctx, number, { type: 'AssignRole', role: input.role, person: input.person }, version);
}
