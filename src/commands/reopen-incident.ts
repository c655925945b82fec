import type { CommandContext } from './context.js';
import { runIncidentCommand, type CommandResult } from './incident-command.js';

export function reopenIncident(ctx: CommandContext, number: number, input: { reason: string }, version?: number): Promise<CommandResult> {
  return runIncidentCommand(ctx, number, { type: 'Reopen', reason: input.reason }, version);
}
