/**
 * Resolved too early: reopening puts the incident back where it was before resolving — its
 * last open status, its roles and SMEs, an update owed within the severity's first-update
 * window (the people who heard "resolved" must hear otherwise soon), and with it the
 * reminders of R8 and R4. The postmortem's owner and date, if given, are kept; resolving
 * again takes a new final update (R11).
 */
import type { CommandOf, DecideContext, Decision } from '../model/commands.js';
import type { IncidentState } from '../model/state.js';
import { refuse } from '../model/errors.js';
import { findSeverity } from '../model/policy.js';
import { incidentId } from '../model/ids.js';
import { firstUpdateDue } from '../updates/deadlines.js';

export function decideReopen(state: IncidentState, command: CommandOf<'Reopen'>, ctx: DecideContext): Decision {
  const reason = command.reason.trim();
  if (!reason) refuse('VALIDATION_FAILED', 'Reopening takes a reason: what shows it is not over.', { field: 'reason' });
  if (state.mergedInto !== null)
    refuse('INCIDENT_MERGED', `${incidentId(state.number)} was merged into ${incidentId(state.mergedInto)}; reopen that one if need be.`, {
      into: incidentId(state.mergedInto),
    });
  if (state.phase === 'active') refuse('INCIDENT_ALREADY_OPEN', `${incidentId(state.number)} is still open.`);
  const level = findSeverity(ctx.policy, state.severity);
  return {
    events: [{ type: 'IncidentReopened', reason, status: state.lastOpenStatus, nextUpdateBy: level ? firstUpdateDue(level, ctx.now) : null }],
    warnings: [],
  };
}
