import type { CommandContext } from './context.js';
import type { CommandResult } from './incident-command.js';
import { declareIncident } from './declare-incident.js';
import { loadAlertGroup, observeAlerts, sourceActor } from './alert-group.js';
import { decideDeclare, requireUndeclared } from '../domain/alerts/group.js';
import { suggestSeverity } from '../domain/alerts/assess.js';
import { MAX_ALERT_ENTRIES } from '../domain/alerts/observe.js';
import { authorize } from '../domain/people/policy.js';

/**
 * Opens an incident from an alert group, in one transaction: title, severity and
 * components as suggested (unless given), impact from when the first alert fired, the
 * group linked, and its alerts on the timeline as the first observations.
 */
export async function declareFromAlerts(ctx: CommandContext, id: number, input: { severity?: string; title?: string; components?: string[] }): Promise<CommandResult> {
  authorize(ctx.actor, 'alerts.respond');
  const group = await loadAlertGroup(ctx, id);
  requireUndeclared(group);
  const alerts = (await ctx.tx.alerts.alertsOf(id, { limit: MAX_ALERT_ENTRIES, after: null })).items;
  const firstFired = alerts.filter((a) => a.status === 'firing').reduce<string | null>((min, a) => (min === null || a.startsAt < min ? a.startsAt : min), null);
  const declared = await declareIncident(ctx, {
    title: input.title ?? group.title,
    severity: input.severity ?? suggestSeverity(group.severity, ctx.config.policy),
    summary: `Declared from alert group ${id} (${group.source.name}): ${group.counts.firing} of ${group.counts.alerts} alerts firing.`,
    startedAt: firstFired !== null && firstFired < ctx.now ? firstFired : ctx.now,
    components: input.components ?? group.suggestedComponents,
  }, { alertSource: group.source.id });
  const number = declared.state.number;
  await ctx.tx.alertGroups.change(id, decideDeclare(group, group.counts.firing, ctx.actor.handle, ctx.now, number));

  const total = Math.max(group.counts.alerts, alerts.length);
  if (total === 0) return declared;
  const observed = await observeAlerts({ ...ctx, actor: sourceActor(group.source) }, number, id, alerts, total);
  return { state: observed.state, warnings: declared.warnings, recorded: declared.recorded };
}
