import type { CommandContext } from './context.js';
import type { CommandResult } from './incident-command.js';
import { declareIncident } from './declare-incident.js';
import { addTimelineEntry } from './add-timeline-entry.js';
import { loadAlertGroup, sourceActor } from './alert-group.js';
import { decideDeclare, requireUndeclared } from '../domain/alerts/group.js';
import { suggestSeverity } from '../domain/alerts/assess.js';
import { MAX_ALERT_ENTRIES, alertObservation, moreAlertsObservation, observedAt } from '../presenters/alert-observations.js';
import { authorize } from '../domain/people/policy.js';

/**
 * Opens an incident from an alert group, in one transaction: title, severity and
 * components as suggested (unless given), impact from when the first alert fired, the
 * group linked, and its alerts on the timeline as the first observations.
 */
export async function declareFromAlerts(ctx: CommandContext, id: number, input: { severity?: string; title?: string }): Promise<CommandResult> {
  authorize(ctx.actor, 'alerts.respond');
  const group = await loadAlertGroup(ctx, id);
  requireUndeclared(group);
  const alerts = await ctx.tx.alerts.alertsOf(id, MAX_ALERT_ENTRIES);
  const firstFired = alerts.filter((a) => a.status === 'firing').reduce<string | null>((min, a) => (min === null || a.startsAt < min ? a.startsAt : min), null);
  const declared = await declareIncident(ctx, {
    title: input.title ?? group.title,
    severity: input.severity ?? suggestSeverity(group.severity, ctx.config.policy),
    summary: `Declared from alert group ${id} (${group.source.name}): ${group.counts.firing} of ${group.counts.alerts} alerts firing.`,
    startedAt: firstFired !== null && firstFired < ctx.now ? firstFired : ctx.now,
    components: group.suggestedComponents,
  });
  const number = declared.state.number;
  await ctx.tx.alerts.changeGroup(id, decideDeclare(group, group.counts.firing, ctx.actor.handle, ctx.now, number));

  const asSource = { ...ctx, actor: sourceActor(group.source) };
  let result = declared;
  for (const alert of alerts)
    result = await addTimelineEntry(asSource, number, { kind: 'observation', text: alertObservation(alert), at: observedAt(alert, ctx.now) });
  if (group.counts.alerts > alerts.length)
    result = await addTimelineEntry(asSource, number, { kind: 'observation', text: moreAlertsObservation(group.counts.alerts - alerts.length, id) });
  return { state: result.state, warnings: declared.warnings, recorded: declared.recorded };
}
