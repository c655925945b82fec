/** Who is on what: tasks inside an incident (rules in src/domain/tasks). */
import type { CommandContext } from './context.js';
import type { TaskState } from '../domain/model/events.js';
import { authorize } from '../domain/people/policy.js';
import { requirePeople, runIncidentCommand, type CommandResult } from './incident-command.js';

/** A task's owner must be someone who can work it: a known, active person who can respond. */
export async function createTask(ctx: CommandContext, number: number, input: { title: string; owner: string }, version?: number): Promise<CommandResult> {
  authorize(ctx.actor, 'incidents.write');
  await requirePeople(ctx, { owner: input.owner }, { responders: true });
  return runIncidentCommand(ctx, number, { type: 'CreateTask', ...input }, version);
}

export async function updateTask(
  ctx: CommandContext,
  number: number,
  taskId: string,
  input: { state?: TaskState; owner?: string; title?: string; reason?: string | null },
  version?: number,
): Promise<CommandResult> {
  authorize(ctx.actor, 'incidents.write');
  await requirePeople(ctx, { owner: input.owner }, { responders: true });
  return runIncidentCommand(ctx, number, { type: 'UpdateTask', taskId, ...input }, version);
}
