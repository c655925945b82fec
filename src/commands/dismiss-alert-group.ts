import type { CommandContext } from './context.js';
import type { AlertGroup } from '../domain/alerts/group.js';
import { loadAlertGroup } from './alert-group.js';
import { decideDismiss } from '../domain/alerts/group.js';
import { authorize } from '../domain/people/policy.js';

/** Not an incident: closed, with the reason the next person on call will read. */
export async function dismissAlertGroup(ctx: CommandContext, id: number, reason: string): Promise<AlertGroup> {
  authorize(ctx.actor, 'alerts.respond');
  const group = await loadAlertGroup(ctx, id);
  await ctx.tx.alertGroups.change(id, decideDismiss(group, reason, ctx.actor.handle, ctx.now));
  return (await ctx.tx.alertGroups.get(id))!;
}
