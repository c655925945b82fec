import type { CommandContext } from './context.js';
import { runIncidentCommand, type CommandResult } from './incident-command.js';
import type { ManualEntryKind } from '../domain/model/events.js';

export function addTimelineEntry(
  ctx: CommandContext,
  number: number,
  input: { kind: ManualEntryKind; text: string; at?: string | null; corrects?: number | null },
  version?: number,
): Promise<CommandResult> {
  return runIncidentCommand(ctx, number, { type: 'AddTimelineEntry', ...input }, version);
}
