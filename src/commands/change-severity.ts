import type { CommandContext } from './context.js';
import { runIncidentCommand, type CommandResult } from './incident-command.js';

export function changeSeverity(ctx: CommandContext, number: number, input: { severity: string; reason: string }, version?: number): Promise<CommandResult> {
  return runIncidentCommand(ctx, number, { type: 'ChangeSeverity', ...input }, version);
}
