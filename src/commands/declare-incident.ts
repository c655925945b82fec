import type { CommandContext } from './context.js';
import { record, requirePeople, type CommandResult } from './incident-command.js';
import { decideDeclare } from '../incidents/declare.js';
import type { DeclareInput } from '../domain/decide.js';
import { fold } from '../domain/state.js';
import { DomainError } from '../domain/errors.js';
import { authorize } from '../people/policy.js';

export async function declareIncident(ctx: CommandContext, input: DeclareInput): Promise<CommandResult> {
  authorize(ctx.actor, 'incidents.declare');
  await requirePeople(ctx, { commander: input.commander });
  const known = ctx.config.components.map((c) => c.id);
  // Teams that list their components get typos caught; teams that do not may name any.
  if (known.length > 0) {
    const unknown = (input.components ?? []).find((c) => !known.includes(c));
    if (unknown !== undefined)
      throw new DomainError('UNKNOWN_COMPONENT', `"${unknown}" is not a configured component.`, { field: 'components', allowed: known });
  }
  const number = await ctx.tx.nextIncidentNumber();
  const decision = decideDeclare(
    input,
    number,
    { now: ctx.now, actor: { handle: ctx.actor.handle, admin: ctx.actor.role === 'admin' }, policy: ctx.config.policy },
    ctx.config.links,
  );
  const recorded = record(number, 0, ctx.actor.handle, ctx.now, decision);
  const state = fold(recorded);
  await ctx.tx.append(0, recorded, state);
  return { state, warnings: decision.warnings, recorded };
}
