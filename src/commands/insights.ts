/** Insights over a period, folded from the event record of every incident declared in it. */
import type { CommandContext } from './context.js';
import { authorize } from '../domain/people/policy.js';
import { measureIncident } from '../domain/insights/incident.js';
import { followUpFigures } from '../domain/insights/follow-ups.js';
import { buildInsights, type Insights, type InsightsQuery } from '../domain/insights/report.js';
import type { RecordedEvent } from '../domain/model/events.js';

/** Events are read this many incidents at a time, so a long period is not one huge query. */
const CHUNK = 200;

export async function readInsights(ctx: Pick<CommandContext, 'tx' | 'actor' | 'config' | 'now'>, query: InsightsQuery): Promise<Insights> {
  authorize(ctx.actor, 'incidents.read');
  const filter = { ...query, visibleTo: { handle: ctx.actor.handle, admin: ctx.actor.role === 'admin' } };
  const numbers = await ctx.tx.insights.incidentsDeclared(filter);
  const measures = [];
  for (let i = 0; i < numbers.length; i += CHUNK) {
    const byIncident = new Map<number, RecordedEvent[]>();
    for (const event of await ctx.tx.incidents.eventsOf(numbers.slice(i, i + CHUNK))) {
      const list = byIncident.get(event.incident);
      if (list) list.push(event);
      else byIncident.set(event.incident, [event]);
    }
    for (const events of byIncident.values()) measures.push(measureIncident(events, ctx.now));
  }
  // Only with a severity chosen are alert groups narrowed to that severity's incidents.
  const acknowledged = await ctx.tx.insights.acknowledgeSeconds(query.from, query.to, query.severity ? numbers : null);
  const followUps = followUpFigures(await ctx.tx.insights.followUps(filter), query.from, query.to, ctx.now);
  return buildInsights(query, measures, acknowledged, ctx.config.policy.levels.map((l) => l.id), ctx.now, followUps);
}
