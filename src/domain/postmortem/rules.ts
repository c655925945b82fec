/**
 * R11 — resolving is not the end: it takes a final update, and where the severity's
 * policy requires it the incident owes a postmortem until one has an owner and a date.
 */
import type { CommandOf, DecideContext, Decision, Warning } from '../model/commands.js';
import { utcMinute } from '../model/time.js';
import type { IncidentState } from '../model/state.js';
import { refuse } from '../model/errors.js';
import { requireCommander } from '../model/guards.js';
import { findSeverity } from '../model/policy.js';
import { defaultAudience, updateEvents } from '../updates/rules.js';
import { incidentId } from '../model/ids.js';
import { requireNotPublished } from './flow.js';

export function decideResolve(state: IncidentState, command: CommandOf<'Resolve'>, ctx: DecideContext): Decision {
  if (state.phase !== 'active')
    refuse('INCIDENT_ALREADY_RESOLVED', `${incidentId(state.number)} was already resolved at ${state.resolvedAt}.`);
  requireCommander(state, ctx, 'declares the incident resolved');
  const impact = command.impact.trim();
  const whatWeKnow = command.whatWeKnow.trim();
  if (!impact) refuse('VALIDATION_FAILED', 'The final update needs "Impact": what users saw, start to end.', { field: 'impact' });
  if (!whatWeKnow) refuse('VALIDATION_FAILED', 'The final update needs "What we know": the cause as far as it is known.', { field: 'whatWeKnow' });
  const level = findSeverity(ctx.policy, state.severity);
  const pending = state.pendingHandoff;
  return {
    events: [
      ...(pending ? [{ type: 'CommanderOfferLapsed' as const, handoffId: pending.id, from: pending.from, to: pending.to }] : []),
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

export function decideAssignPostmortem(state: IncidentState, command: CommandOf<'AssignPostmortem'>, ctx: DecideContext): Decision {
  requireNotPublished(state, 'takes a new owner or date');
  const owner = command.owner.trim();
  if (!owner) refuse('VALIDATION_FAILED', 'The postmortem needs an owner.', { field: 'owner' });
  if (Number.isNaN(Date.parse(command.scheduledFor)))
    refuse('VALIDATION_FAILED', 'The postmortem needs a date.', { field: 'scheduledFor' });
  const scheduledFor = new Date(command.scheduledFor).toISOString();
  if (state.postmortem && state.postmortem.owner === owner && state.postmortem.scheduledFor === scheduledFor)
    return { events: [], warnings: [] };
  // A date in the past is accepted, for recording a review that was already held.
  const warnings: Warning[] =
    scheduledFor < ctx.now
      ? [{ code: 'POSTMORTEM_IN_PAST', message: `The postmortem date ${utcMinute(scheduledFor)} has passed; fine if the review was already held.` }]
      : [];
  return { events: [{ type: 'PostmortemAssigned', owner, scheduledFor }], warnings };
}
