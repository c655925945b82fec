import type { CommandContext } from './context.js';
import { runIncidentCommand, type CommandResult } from './incident-command.js';
import type { CommandOf } from '../domain/model/commands.js';

export function resolveIncident(ctx: CommandContext, number: number, input: Omit<CommandOf<'Resolve'>, 'type'>, version?: number): Promise<CommandResult> {
  return runIncidentCommand(ctx, number, { type: 'Resolve', ...input }, version);
}
