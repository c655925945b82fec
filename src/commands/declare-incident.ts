import type { CommandContext } from './context.js';
import { record, requirePeople, type CommandResult } from './incident-command.js';
import { decideDeclare } from '../domain/incidents/declare.js';
import type { DeclareInput } from '../domain/model/commands.js';
import { fold } from '../domain/model/state.js';
import { authorize } from '../domain/people/policy.js';
import { dueMoments } from '../domain/reminders/rules.js';
import { knownComponentIds } from './components.js';
import { drillToDeclare } from './drills.js';

/** `drill`: the running drill this incident is declared for, by its id or by the alert source its alerts came from. */
export async function declareIncident(
  ctx: CommandContext,
  input: Omit<DeclareInput, 'drill'>,
  drillOf: { id?: string | null; alertSource?: string } = {},
): Promise<CommandResult> {
  authorize(ctx.actor, 'incidents.declare');
  await requirePeople(ctx, { commander: input.commander }, { responders: true });
  const drill = await drillToDeclare(ctx.tx, drillOf);
  const number = await ctx.tx.incidents.nextNumber();
  const decision = decideDeclare(
    { ...input, drill: drill ? { id: drill.id, notify: drill.notify } : null },
    number,
    { now: ctx.now, actor: { handle: ctx.actor.handle, admin: ctx.actor.role === 'admin' }, policy: ctx.config.policy },
    { links: ctx.config.links, components: await knownComponentIds(ctx) },
  );
  const recorded = record(number, 0, ctx.actor.handle, ctx.now, decision);
  const state = fold(recorded);
  await ctx.tx.incidents.append(0, recorded, state, dueMoments(state, ctx.config.policy, ctx.config.reminders));
  if (drill) await ctx.tx.drills.attachIncident(drill.id, number);
  return { state, warnings: decision.warnings, recorded };
}
