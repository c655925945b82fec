/** Preconditions several rules share. */
import type { DecideContext } from './commands.js';
import type { IncidentState } from './state.js';
import { refuse } from './errors.js';
import { incidentId } from './ids.js';

export function requireActive(state: IncidentState): void {
  if (state.phase !== 'active')
    refuse('INCIDENT_NOT_OPEN', `${incidentId(state.number)} is resolved; it no longer takes this change.`, { state: state.phase });
}

/** The IC runs the room; an admin may step in when the IC is unreachable. */
export function requireCommander(state: IncidentState, ctx: DecideContext, what: string): void {
  if (ctx.actor.handle !== state.roles.incident_commander && !ctx.actor.admin)
    refuse('ONLY_COMMANDER', `Only the Incident Commander (@${state.roles.incident_commander}) ${what}.`);
}
