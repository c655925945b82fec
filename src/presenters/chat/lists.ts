/** The `tasks` and `changes` answers in chat: short lines the person reads in the room, for every platform. */
import type { Task } from '../../domain/model/tasks.js';
import type { ChangeInRoom } from '../../domain/changes/window.js';
import { tasksAtAGlance } from '../../domain/model/tasks.js';
import { changeLine } from '../../domain/changes/hypothesis.js';
import { incidentId } from '../../domain/model/ids.js';

/** A chat answer stays readable; the console and the API have the rest. */
export const LIST_MAX = 15;

function more(total: number, where: string): string[] {
  return total > LIST_MAX ? [`… and ${total - LIST_MAX} more: ${where}.`] : [];
}

/** What is still to do: blocked tasks first (the IC removes blockers), then open ones. */
export function taskList(number: number, tasks: readonly Task[]): string {
  const pending = tasksAtAGlance(tasks).filter((t) => t.state !== 'done');
  if (!pending.length) return `${incidentId(number)} has no open or blocked tasks.`;
  const lines = pending.slice(0, LIST_MAX).map((t) => `${t.id} · @${t.owner} · ${t.title}${t.state === 'blocked' ? ` — *blocked*: ${t.reason ?? ''}` : ''}`);
  return [`${incidentId(number)} tasks (blocked first):`, ...lines, ...more(pending.length, `\`incident task list ${incidentId(number)}\``)].join('\n');
}

/** The changes of the incident's window, those on its components first; `suspect <id>` puts one on the timeline. */
export function changeList(number: number, changes: readonly ChangeInRoom[], window: { from: string; to: string }, onTimeline: ReadonlyMap<string, number>): string {
  const span = `${window.from.slice(0, 16)}Z to ${window.to.slice(0, 16)}Z`;
  if (!changes.length) return `No changes recorded from ${span} (the hour before ${incidentId(number)}'s impact began, and since).`;
  const lines = changes.slice(0, LIST_MAX).map(({ change, when, touchesIncident }) => {
    const marks = [when === 'before' ? 'before impact' : 'during', ...(touchesIncident ? ['on its components'] : []), ...(onTimeline.has(change.id) ? ['on the timeline'] : [])];
    return `${change.id} · ${changeLine(change)} (${marks.join(', ')})`;
  });
  return [`Changes from ${span}; \`suspect <id>\` puts one on the timeline as a hypothesis:`, ...lines, ...more(changes.length, 'the incident room in the console')].join('\n');
}
