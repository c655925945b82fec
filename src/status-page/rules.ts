/**
 * R10 — the status page's commands: publishing an incident whose severity keeps it off
 * the page, and saying how an affected component is doing.
 */
import type { CommandOf, DecideContext, Decision } from '../domain/commands.js';
import type { IncidentState } from '../domain/state.js';
import { refuse } from '../domain/errors.js';
import { requireActive } from '../domain/guards.js';
import { isPublicIncident } from './visibility.js';

export function decidePublish(state: IncidentState, _command: CommandOf<'Publish'>, ctx: DecideContext): Decision {
  if (state.private)
    refuse('PRIVATE_INCIDENT', `INC-${state.number} is private; a private incident never goes on the status page.`, { field: 'private' });
  if (state.publishedAt !== null) return { events: [], warnings: [] };
  const warnings = isPublicIncident(state, ctx)
    ? [{ code: 'ALREADY_PUBLIC', message: `${state.severity} is public by policy; publishing keeps INC-${state.number} on the page if it is downgraded.` }]
    : [];
  return { events: [{ type: 'IncidentPublished' }], warnings };
}

export function decideSetComponentStatus(state: IncidentState, command: CommandOf<'SetComponentStatus'>, _ctx: DecideContext): Decision {
  requireActive(state);
  const from = state.components.includes(command.component) ? (state.componentStatuses[command.component] ?? null) : null;
  if (from === command.status) return { events: [], warnings: [] };
  return { events: [{ type: 'ComponentStatusSet', component: command.component, status: command.status, from }], warnings: [] };
}
