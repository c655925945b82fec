/**
 * Who is on what. "The IC removes blockers … work gets duplicated": anyone running the
 * incident gives a task to a person; its owner (or the IC) marks it done, or blocked with
 * the reason the IC must clear, or reopens it. Each change is an event on the timeline.
 * That the owner is a known person who can respond is the command's check (it needs the store).
 */
import type { CommandOf, DecideContext, Decision } from '../model/commands.js';
import type { IncidentEvent } from '../model/events.js';
import type { IncidentState } from '../model/state.js';
import type { Task } from '../model/tasks.js';
import { requireActive } from '../model/guards.js';
import { refuse } from '../model/errors.js';
import { incidentId } from '../model/ids.js';

export const TASK_TITLE_MAX = 200;

function title(raw: string): string {
  const text = raw.trim();
  if (!text) refuse('VALIDATION_FAILED', 'A task needs a title: what is to be done, in a few words.', { field: 'title' });
  if (text.length > TASK_TITLE_MAX) refuse('VALIDATION_FAILED', `A task's title is at most ${TASK_TITLE_MAX} characters.`, { field: 'title' });
  return text;
}

function owner(raw: string): string {
  const handle = raw.trim();
  if (!handle) refuse('VALIDATION_FAILED', 'A task needs an owner: who is on it.', { field: 'owner' });
  return handle;
}

export function decideCreateTask(state: IncidentState, command: CommandOf<'CreateTask'>, _ctx: DecideContext): Decision {
  requireActive(state);
  const event: IncidentEvent = { type: 'TaskCreated', taskId: `t${state.version + 1}`, title: title(command.title), owner: owner(command.owner) };
  return { events: [event], warnings: [] };
}

export function findTask(state: IncidentState, taskId: string): Task {
  const task = state.tasks.find((t) => t.id === taskId);
  if (!task) return refuse('TASK_NOT_FOUND', `${incidentId(state.number)} has no task ${taskId}.`, { field: 'taskId' });
  return task;
}

/** The owner works their task; the IC runs the room (and an admin may step in for an unreachable IC). */
function requireOwnerOrCommander(state: IncidentState, task: Task, ctx: DecideContext): void {
  const { handle, admin } = ctx.actor;
  if (handle !== task.owner && handle !== state.roles.incident_commander && !admin)
    refuse('NOT_TASK_OWNER', `Task ${task.id} is @${task.owner}'s; only they or the Incident Commander (@${state.roles.incident_commander}) can change it.`, {
      owner: task.owner,
    });
}

export function decideUpdateTask(state: IncidentState, command: CommandOf<'UpdateTask'>, ctx: DecideContext): Decision {
  if (command.state === undefined && command.owner === undefined && command.title === undefined)
    refuse('VALIDATION_FAILED', "Say what to change about the task: its state, owner or title.", { field: 'state' });
  requireActive(state);
  const task = findTask(state, command.taskId);
  requireOwnerOrCommander(state, task, ctx);
  const reason = command.reason?.trim() || null;
  if (command.state === 'blocked' && reason === null)
    refuse('VALIDATION_FAILED', 'Say what blocks the task, so the IC can remove it.', { field: 'reason' });

  // What is unchanged records nothing: a retried or repeated change is a no-op, not noise on the timeline.
  const events: IncidentEvent[] = [];
  const newTitle = command.title === undefined ? task.title : title(command.title);
  if (newTitle !== task.title) events.push({ type: 'TaskRetitled', taskId: task.id, from: task.title, to: newTitle });
  const newOwner = command.owner === undefined ? task.owner : owner(command.owner);
  if (newOwner !== task.owner) events.push({ type: 'TaskReassigned', taskId: task.id, title: newTitle, from: task.owner, to: newOwner });
  // Blocked again for another reason is news for the IC; done or open twice is not.
  const to = command.state ?? task.state;
  if (to !== task.state || (to === 'blocked' && reason !== task.reason))
    events.push({ type: 'TaskStateChanged', taskId: task.id, title: newTitle, owner: newOwner, from: task.state, to, reason });
  return { events, warnings: [] };
}
