/**
 * R7 — every status update has the same fields in the same order, and every one but
 * the final one promises when the next will come.
 */
import type { CommandOf, DecideContext, Decision, Warning } from '../model/commands.js';
import { requireActive } from '../model/guards.js';
import type { IncidentEvent, UpdateAudience, UpdateStatus } from '../model/events.js';
import type { IncidentState } from '../model/state.js';
import { refuse } from '../model/errors.js';
import { formatDuration, toUtcIso } from '../model/time.js';
import { defaultNextUpdateBy } from './deadlines.js';
import { findSeverity, type SeverityLevel } from '../model/policy.js';
import { heldEvents, ruleOutbound } from './outbound.js';

/** Who hears an update when the poster does not say: the severity's audience decides. */
export function defaultAudience(level: SeverityLevel | undefined, state: Pick<IncidentState, 'private'>): UpdateAudience {
  if (state.private) return 'internal';
  return level?.audience === 'public' ? 'public' : 'internal';
}

function required(value: string | null | undefined, field: string, label: string): string {
  const text = value?.trim();
  if (!text) refuse('VALIDATION_FAILED', `A status update needs "${label}": a missing field is an error, not a blank.`, { field });
  return text;
}

/** The events of one posted update, including the status change it may carry. */
export function updateEvents(
  state: IncidentState,
  fields: { status: UpdateStatus; impact: string; whatWeKnow: string; nextStep: string | null; nextUpdateBy: string | null; audience: UpdateAudience },
): IncidentEvent[] {
  const events: IncidentEvent[] = [{ type: 'StatusUpdatePosted', ...fields }];
  if (fields.status !== state.status) events.push({ type: 'StatusChanged', from: state.status, to: fields.status });
  return events;
}

/** R8's trigger: the promised time has passed with no newer update. */
export function isOverdue(state: Pick<IncidentState, 'phase' | 'nextUpdateBy'>, now: string): boolean {
  return state.phase === 'active' && state.nextUpdateBy !== null && state.nextUpdateBy < now;
}

export function decidePostUpdate(state: IncidentState, command: CommandOf<'PostUpdate'>, ctx: DecideContext): Decision {
  requireActive(state);
  if (command.status === 'resolved')
    refuse('USE_RESOLVE', 'Resolving takes a final update: use resolve, not a "resolved" status update.', { field: 'status' });
  const impact = required(command.impact, 'impact', 'Impact');
  const whatWeKnow = required(command.whatWeKnow, 'whatWeKnow', 'What we know');
  const nextStep = required(command.nextStep, 'nextStep', 'Next step');
  const level = findSeverity(ctx.policy, state.severity);
  const cadence = level?.updateEveryMs ?? null;
  const warnings: Warning[] = [];

  let nextUpdateBy: string | null;
  if (command.nextUpdateBy) {
    nextUpdateBy = toUtcIso(command.nextUpdateBy);
    if (nextUpdateBy === null)
      refuse('VALIDATION_FAILED', '"Next update by" must be a time, such as 2026-06-06T15:00:00Z.', { field: 'nextUpdateBy' });
    if (Date.parse(nextUpdateBy) <= Date.parse(ctx.now))
      refuse('NEXT_UPDATE_IN_PAST', `"Next update by" must be in the future (it is now ${ctx.now.slice(11, 16)} UTC).`, {
        field: 'nextUpdateBy',
      });
    if (cadence !== null && Date.parse(nextUpdateBy) > Date.parse(ctx.now) + cadence)
      warnings.push({
        code: 'NEXT_UPDATE_BEYOND_CADENCE',
        message: `${state.severity} promises an update at least every ${formatDuration(cadence)}; this one promises the next later than that.`,
      });
  } else {
    nextUpdateBy = defaultNextUpdateBy(level, command.status, ctx.now);
  }

  const audience = command.audience ?? defaultAudience(level, state);
  const fields = { status: command.status, impact, whatWeKnow, nextStep, nextUpdateBy, audience };
  const ruling = ruleOutbound(command.publicBy ?? 'anyone', state.roles.comms_lead, ctx.actor.handle, audience);
  // A held update keeps only a promise its author made: one left to the cadence counts from its approval.
  if (ruling.verdict === 'hold') return { events: heldEvents(state, { ...fields, nextUpdateBy: command.nextUpdateBy ? nextUpdateBy : null }, ruling.commsLead), warnings };
  const events = updateEvents(state, fields);
  if (ruling.notCommsLead !== null) events.push({ type: 'PublicUpdateNotByCommsLead', commsLead: ruling.notCommsLead });
  return { events, warnings: [...warnings, ...ruling.warnings] };
}
