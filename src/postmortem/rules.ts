/**
 * R11 — resolving is not the end: it takes a final update, and where the severity's
 * policy requires it the incident owes a postmortem until one has an owner and a date.
 */
import type { CommandOf, DecideContext, Decision } from '../domain/decide.js';
import type { IncidentState } from '../domain/state.js';
import { refuse } from '../domain/errors.js';
import { findSeverity } from '../severity/policy.js';
import { defaultAudience, updateEvents } from '../updates/rules.js';

export function decideResolve(state: IncidentState, command: CommandOf<'Resolve'>, ctx: DecideContext): Decision {
  if (state.phase !== 'active')
    refuse('INCIDENT_ALREADY_RESOLVED', `INC-${state.number} was already resolved at ${state.resolvedAt}.`);
  if (ctx.actor.handle !== state.roles.incident_commander && !ctx.actor.admin)
    refuse('ONLY_COMMANDER', `Only the Incident Commander (@${state.roles.incident_commander}) declares the incident resolved.`);
  const impact = command.impact.trim();
  const whatWeKnow = command.whatWeKnow.trim();
  if (!impact) refuse('VALIDATION_FAILED', 'The final update needs "Impact": what users saw, start to end.', { field: 'impact' });
  if (!whatWeKnow) refuse('VALIDATION_FAILED', 'The final update needs "What we know": the cause as far as it is known.', { field: 'whatWeKnow' });
  const level = findSeverity(ctx.policy, state.severity);
  return {
    events: [
      ...updateEvents(state, {
        status: 'resolved',
        impact,
        whatWeKnow,
        nextStep: command.nextStep?.trim() || null,
        nextUpdateBy: null,
        audience: command.audience ?? defaultAudience(level, state),
      }),
      { type: 'IncidentResolved', postmortemRequired: level?.postmortem !== 'optional' },
    ],
    warnings: [],
  };
}

export function decideAssignPostmortem(state: IncidentState, command: CommandOf<'AssignPostmortem'>, _ctx: DecideContext): Decision {
  const owner = command.owner.trim();
  if (!owner) refuse('VALIDATION_FAILED', 'The postmortem needs an owner.', { field: 'owner' });
  if (Number.isNaN(Date.parse(command.scheduledFor)))
    refuse('VALIDATION_FAILED', 'The postmortem needs a date.', { field: 'scheduledFor' });
  const scheduledFor = new Date(command.scheduledFor).toISOString();
  if (state.postmortem && state.postmortem.owner === owner && state.postmortem.scheduledFor === scheduledFor)
    return { events: [], warnings: [] };
  return { events: [{ type: 'PostmortemAssigned', owner, scheduledFor }], warnings: [] };
}
