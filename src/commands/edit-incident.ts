import type { CommandContext } from './context.js';
import { runIncidentCommand, type CommandResult } from './incident-command.js';
import type { CommandOf } from '../domain/model/commands.js';

export function editIncident(
  ctx: CommandContext,
  number: number,
  input: Pick<CommandOf<'EditIncident'>, 'changes' | 'reason'>,
  version?: number,
): Promise<CommandResult> {
  const configuredComponents = ctx.config.components.map((c) => c.id);
  return runIncidentCommand(ctx, number, { type: 'EditIncident', ...input, configuredComponents }, version);
}
