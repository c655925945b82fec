import type { CommandContext } from './context.js';
import { runIncidentCommand, type CommandResult } from './incident-command.js';
import type { RoleName } from '../domain/model/events.js';

export function releaseRole(ctx: CommandContext, number: number, role: RoleName, version?: number): Promise<CommandResult> {
  return runIncidentCommand(ctx, number, { type: 'ReleaseRole', role }, version);
}
