import type { CommandContext } from './context.js';
import { runIncidentCommand, type CommandResult } from './incident-command.js';

export function acceptHandoff(ctx: CommandContext, number: number, handoffId: string, version?: number): Promise<CommandResult> {
  return runIncidentCommand(ctx, number, { type: 'AcceptCommand', handoffId }, version);
}

export function declineHandoff(ctx: CommandContext, number: number, handoffId: string, version?: number): Promise<CommandResult> {
  return runIncidentCommand(ctx, number, { type: 'DeclineCommand', handoffId }, version);
}
