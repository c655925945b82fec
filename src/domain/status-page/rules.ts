/**
 * R10 — the status page's commands: publishing an incident whose severity keeps it off
 * the page (and taking that back), and saying how an affected component is doing.
 */
import type { CommandOf, DecideContext, Decision } from '../model/commands.js';
import type { IncidentState } from '../model/state.js';
import { refuse } from '../model/errors.js';
import { requireActive } from '../model/guards.js';
import { isPublicIncident } from './visibility.js';
import { findSeverity } from '../model/policy.js';
import { incidentId } from '../model/ids.js';

export function decidePublish(state: IncidentState, _command: CommandOf<'Publish'>, ctx: DecideContext): Decision {
  if (state.private)
    refuse('PRIVATE_INCIDENT', `${incidentId(state.number)} is private; a private incident never goes on the status page.`, { field: 'private' });
  if (state.publishedAt !== null) return { events: [], warnings: [] };
  const warnings = isPublicIncident(state, ctx)
    ? [{ code: 'ALREADY_PUBLIC', message: `${state.severity} is public by policy; publishing keeps ${incidentId(state.number)} on the page if it is downgraded.` }]
    : [];
  return { events: [{ type: 'IncidentPublished' }], warnings };
}

/**
 * Takes back a responder's publication. An incident public by its severity stays: the page
 * would otherwise say "all operational" during it (R10); downgrade it first if that is the truth.
 */
export function decideUnpublish(state: IncidentState, _command: CommandOf<'Unpublish'>, ctx: DecideContext): Decision {
  if (findSeverity(ctx.policy, state.severity)?.audience === 'public' && !state.private)
    refuse('PUBLIC_BY_POLICY', `${state.severity} is public by policy, so ${incidentId(state.number)} stays on the status page (R10); change the severity if it is not that severe.`, {
      field: 'severity',
    });
  if (state.publishedAt === null) return { events: [], warnings: [] };
  return { events: [{ type: 'IncidentUnpublished' }], warnings: [] };
}

export function decideSetComponentStatus(state: IncidentState, command: CommandOf<'SetComponentStatus'>, _ctx: DecideContext): Decision {
  requireActive(state);
  const from = state.components.includes(command.component) ? (state.componentStatuses[command.component] ?? null) : null;
  if (from === command.status) return { events: [], warnings: [] };
  return { events: [{ type: 'ComponentStatusSet', component: command.component, status: command.status, from }], warnings: [] };
}
