/** R2 — severity moves up or down with a reason, and the move is on the record. */
import type { CommandOf, DecideContext, Decision } from '../model/commands.js';
import { requireActive } from '../model/guards.js';
import type { IncidentState } from '../model/state.js';
import { refuse } from '../model/errors.js';
import { addMs } from '../model/time.js';
import { findSeverity } from '../model/policy.js';
import { incidentId } from '../model/ids.js';

export function decideSeverityChange(state: IncidentState, command: CommandOf<'ChangeSeverity'>, ctx: DecideContext): Decision {
  requireActive(state);
  const level = findSeverity(ctx.policy, command.severity);
  if (!level)
    refuse('UNKNOWN_SEVERITY', `Severity "${command.severity}" is not in the policy.`, {
      field: 'severity',
      allowed: ctx.policy.levels.map((l) => l.id),
    });
  const reason = command.reason.trim();
  if (!reason) refuse('VALIDATION_FAILED', 'Changing severity takes a reason, for the record.', { field: 'reason' });
  if (level.id === state.severity)
    refuse('SEVERITY_UNCHANGED', `${incidentId(state.number)} is already ${level.id}.`, { field: 'severity' });

  // A faster cadence (or, before the first update, a shorter first-update window) pulls the
  // promised update in; a slower one keeps the promise already made.
  const cadenceDeadline =
    state.firstUpdateAt === null ? addMs(ctx.now, level.firstUpdateWithinMs) : level.updateEveryMs === null ? null : addMs(ctx.now, level.updateEveryMs);
  const current = state.nextUpdateBy;
  const nextUpdateBy =
    current === null ? cadenceDeadline : cadenceDeadline !== null && cadenceDeadline < current ? cadenceDeadline : current;
  return {
    events: [{ type: 'SeverityChanged', from: state.severity, to: level.id, reason, nextUpdateBy }],
    warnings: [],
  };
}
