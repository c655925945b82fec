import type { CommandContext } from './context.js';
import { runIncidentCommand, type CommandResult } from './incident-command.js';
import type { RoleName } from '../domain/events.js';
import { DomainError } from '../domain/errors.js';

export function releaseRole(ctx: CommandContext, number: number, role: RoleName, version?: number): Promise<CommandResult> {
  if (role === 'incident_commander')
    throw new DomainError('COMMANDER_REQUIRED', 'An open incident always has exactly one Incident Commander: offer IC to someone instead.', {
      field: 'role',
    });
  return runIncidentCommand(ctx, number, { type: 'ReleaseRole', role }, version);
}
