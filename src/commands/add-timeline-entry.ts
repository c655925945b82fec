import type { CommandContext } from './context.js';
import { requirePeople, runIncidentCommand, type CommandResult } from './incident-command.js';
import type { ManualEntryKind } from '../domain/model/events.js';

export async function addTimelineEntry(
  ctx: CommandContext,
  number: number,
  input: { kind: ManualEntryKind; text: string; at?: string | null; corrects?: number | null; to?: string | null },
  version?: number,
): Promise<CommandResult> {
  // A finding reported up to someone names a known person (the IC, by default, is one already).
  await requirePeople(ctx, { to: input.to });
  return runIncidentCommand(ctx, number, { type: 'AddTimelineEntry', ...input }, version);
}
