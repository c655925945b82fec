/**
 * R9 — the Scribe's timeline is the record: append-only, backdatable for catch-up,
 * corrected by new entries that point at the old ones.
 */
import type { CommandOf, DecideContext, Decision } from '../model/commands.js';
import type { IncidentEvent } from '../model/events.js';
import type { IncidentState } from '../model/state.js';
import { refuse } from '../model/errors.js';
import { IC_HANDS_ON } from '../roles/rules.js';
import { toUtcIso } from '../model/time.js';
import { incidentId } from '../model/ids.js';

export function decideTimelineEntry(state: IncidentState, command: CommandOf<'AddTimelineEntry'>, ctx: DecideContext): Decision {
  const text = command.text.trim();
  if (!text) refuse('VALIDATION_FAILED', 'A timeline entry needs text.', { field: 'text' });
  const occurredAt = command.at ? toUtcIso(command.at) : ctx.now;
  if (occurredAt === null)
    refuse('VALIDATION_FAILED', 'When it happened ("at") must be a time, such as 2026-06-06T14:20:00Z.', { field: 'at' });
  if (Date.parse(occurredAt) > Date.parse(ctx.now))
    refuse('ENTRY_IN_FUTURE', 'A timeline entry records what happened; it cannot be dated in the future.', { field: 'at' });
  const corrects = command.corrects ?? null;
  if (corrects !== null && (!Number.isInteger(corrects) || corrects < 1 || corrects > state.version))
    refuse('ENTRY_NOT_FOUND', `${incidentId(state.number)} has no timeline entry ${corrects} to correct.`, { field: 'corrects' });

  const to = addressee(state, command);
  const change = command.change ?? null;
  if (change !== null && command.kind !== 'hypothesis') refuse('VALIDATION_FAILED', 'Only a hypothesis names a change it suspects.', { field: 'change' });
  const entry: IncidentEvent = { type: 'TimelineEntryAdded', kind: command.kind, text, occurredAt, corrects, ...(to ? { to } : {}), ...(change ? { change } : {}) };
  const commander = state.roles.incident_commander;
  if (command.kind === 'action' && state.phase === 'active' && ctx.actor.handle === commander) {
    return { events: [entry, { type: 'CommanderWentHandsOn', commander, via: 'action' }], warnings: [IC_HANDS_ON] };
  }
  return { events: [entry], warnings: [] };
}

/** A finding is reported up to someone: the IC unless it names another; other kinds are addressed to nobody. */
function addressee(state: IncidentState, command: CommandOf<'AddTimelineEntry'>): string | null {
  const to = command.to?.trim() || null;
  if (command.kind !== 'finding') {
    if (to !== null) refuse('VALIDATION_FAILED', 'Only a finding is addressed to someone; leave "to" out for other kinds.', { field: 'to' });
    return null;
  }
  return to ?? state.roles.incident_commander;
}
