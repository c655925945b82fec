/** Who is on what: the incident's tasks as folded from their events (the rules are in src/domain/tasks). */
import type { IncidentEvent, TaskState } from './events.js';

export interface Task {
  /** `t12`: the sequence number of the event that created it. */
  id: string;
  title: string;
  owner: string;
  state: TaskState;
  /** Why it is blocked (or what was said when it last changed state); null when nothing was said. */
  reason: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export type TaskEvent = Extract<IncidentEvent, { type: 'TaskCreated' | 'TaskStateChanged' | 'TaskReassigned' | 'TaskRetitled' }>;

/** Applies one task event to the list, in creation order. */
export function evolveTasks(tasks: readonly Task[], event: TaskEvent, actor: string, at: string): Task[] {
  if (event.type === 'TaskCreated')
    return [...tasks, { id: event.taskId, title: event.title, owner: event.owner, state: 'open', reason: null, createdBy: actor, createdAt: at, updatedAt: at }];
  return tasks.map((task) => {
    if (task.id !== event.taskId) return task;
    switch (event.type) {
      case 'TaskStateChanged':
        return { ...task, state: event.to, reason: event.reason, updatedAt: at };
      case 'TaskReassigned':
        return { ...task, owner: event.to, updatedAt: at };
      case 'TaskRetitled':
        return { ...task, title: event.to, updatedAt: at };
    }
  });
}

/** A task's owner is in the incident from then on: they may see it when it is private. */
export function withTask(state: { tasks: Task[]; participants: string[] }, event: TaskEvent, actor: string, at: string) {
  const owner = event.type === 'TaskCreated' ? event.owner : event.type === 'TaskReassigned' ? event.to : null;
  const participants = owner === null || state.participants.includes(owner) ? state.participants : [...state.participants, owner];
  return { tasks: evolveTasks(state.tasks, event, actor, at), participants };
}

const ORDER: Record<TaskState, number> = { blocked: 0, open: 1, done: 2 };

/** What the IC looks at first: blocked tasks, then open ones, then those done; each in creation order. */
export function tasksAtAGlance(tasks: readonly Task[]): Task[] {
  return [...tasks].sort((a, b) => ORDER[a.state] - ORDER[b.state] || Number(a.id.slice(1)) - Number(b.id.slice(1)));
}
