/** The timeline at any moment (issue 16, item 5): an incident as it stood then, folded from its events. */
import type { CommandContext } from './context.js';
import { loadVisibleIncident } from './incident-command.js';
import { authorize } from '../domain/people/policy.js';
import { DomainError } from '../domain/model/errors.js';
import { foldUntil } from '../domain/model/as-of.js';
import type { IncidentState } from '../domain/model/state.js';
import { incidentId } from '../domain/model/ids.js';

/**
 * `at` later than now is taken as now (nothing is known of the future). Who may see it is
 * decided by the incident as it is now, as for every read.
 */
export async function readIncidentAsOf(
  ctx: Pick<CommandContext, 'tx' | 'actor' | 'now'>,
  number: number,
  at: string,
): Promise<{ state: IncidentState; asOf: string }> {
  authorize(ctx.actor, 'incidents.read');
  const current = await loadVisibleIncident(ctx, number);
  const asOf = new Date(Math.min(Date.parse(at), Date.parse(ctx.now))).toISOString();
  const state = foldUntil(await ctx.tx.incidents.events(number), asOf);
  if (!state)
    throw new DomainError('VALIDATION_FAILED', `${incidentId(number)} was declared at ${current.declaredAt}; at must not be before that.`, { field: 'at' });
  return { state, asOf };
}
