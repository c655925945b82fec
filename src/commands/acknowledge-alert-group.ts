import type { CommandContext } from './context.js';
import type { AlertGroup } from '../domain/alerts/group.js';
import { loadAlertGroup } from './alert-group.js';
import { decideAcknowledge } from '../domain/alerts/group.js';
import { authorize } from '../domain/people/policy.js';

/** Step 1 of the playbook: "I have it." Records who and when; time to acknowledge is kept. */
export async function acknowledgeAlertGroup(ctx: CommandContext, id: number): Promise<AlertGroup> {
  authorize(ctx.actor, 'alerts.respond');
  const group = await loadAlertGroup(ctx, id);
  await ctx.tx.alertGroups.change(id, decideAcknowledge(group, ctx.actor.handle, ctx.now));
  return (await ctx.tx.alertGroups.get(id))!;
}
