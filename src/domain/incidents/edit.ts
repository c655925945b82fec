/**
 * Understanding evolves: the title, summary, links, affected components and when impact
 * started are corrected as the responders learn, each correction on the timeline with who
 * and why. While the incident is open everything may change; once resolved, the record may
 * still be made truer (title, summary, links, impact start, for the postmortem) but the
 * affected components stay what the status page told people.
 */
import type { CommandOf, DecideContext, Decision } from '../model/commands.js';
import type { DetailEdited, IncidentDetails, Links } from '../model/events.js';
import type { IncidentState } from '../model/state.js';
import { refuse } from '../model/errors.js';
import { toUtcIso } from '../model/time.js';
import { incidentId } from '../model/ids.js';

type Changes = CommandOf<'EditIncident'>['changes'];

/** What the command asks, in the state's shape; only the fields it names. */
function wanted(state: IncidentState, changes: Changes, configured: string[]): Partial<IncidentDetails> {
  const out: Partial<IncidentDetails> = {};
  if (changes.title !== undefined) {
    const title = changes.title.trim();
    if (!title) refuse('VALIDATION_FAILED', 'An incident needs a title: what is broken, in a few words.', { field: 'title' });
    out.title = title;
  }
  if (changes.summary !== undefined) out.summary = changes.summary?.trim() || null;
  if (changes.links !== undefined) out.links = { ...state.links, ...changes.links } satisfies Links;
  if (changes.components !== undefined) {
    const unknown = changes.components.find((c) => configured.length > 0 && !configured.includes(c));
    if (unknown !== undefined) refuse('UNKNOWN_COMPONENT', `"${unknown}" is not a configured component.`, { field: 'components', allowed: configured });
    out.components = [...new Set(changes.components)];
  }
  if (changes.startedAt !== undefined) {
    const startedAt = toUtcIso(changes.startedAt);
    if (startedAt === null)
      refuse('VALIDATION_FAILED', 'When impact started (startedAt) must be a time, such as 2026-06-06T14:00:00Z.', { field: 'startedAt' });
    if (startedAt > state.declaredAt)
      refuse('STARTED_AFTER_DECLARED', `Impact cannot start after the incident was declared (${state.declaredAt}).`, { field: 'startedAt' });
    out.startedAt = startedAt;
  }
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function decideEditIncident(state: IncidentState, command: CommandOf<'EditIncident'>, _ctx: DecideContext): Decision {
  const fields = Object.keys(command.changes).filter((k) => command.changes[k as keyof Changes] !== undefined);
  if (fields.length === 0)
    refuse('VALIDATION_FAILED', 'Say what to change: title, summary, links, components or startedAt.', { field: 'body' });
  const reason = command.reason.trim();
  if (!reason) refuse('VALIDATION_FAILED', 'Changing what the incident says takes a reason, for the record.', { field: 'reason' });
  if (state.mergedInto !== null)
    refuse('INCIDENT_MERGED', `${incidentId(state.number)} was merged into ${incidentId(state.mergedInto)}; change that one.`, { into: incidentId(state.mergedInto) });
  if (state.phase !== 'active' && command.changes.components !== undefined)
    refuse('INCIDENT_NOT_OPEN', `${incidentId(state.number)} is resolved; its affected components stay what the status page said.`, {
      field: 'components',
      state: state.phase,
    });
  const next = wanted(state, command.changes, command.configuredComponents);
  // Unchanged fields record nothing: a retried or repeated edit is a no-op, not noise on the timeline.
  const events = (Object.keys(next) as (keyof IncidentDetails)[])
    .filter((field) => !same(state[field], next[field]))
    .map((field) => ({ type: 'IncidentEdited', field, from: state[field], to: next[field], reason }) as DetailEdited);
  return { events, warnings: [] };
}
