/** task add|done|block|reopen|list: who is on what inside an incident (README "Tasks"). */
import type { Command } from 'commander';
import type { Static } from 'typebox';
import type { TaskAnswer } from '../../http/schemas.js';
import { UsageError, type Incident } from '../client.js';
import { handle, incidentId } from '../args.js';
import { hhmm, table } from '../format.js';
import { client, examples, print, printJson, run, warn, withJson, type JsonOption } from './shared.js';

type Task = Static<typeof TaskAnswer>;
type Listed = Incident['tasks'][number];

function taskId(text: string): string {
  const id = text.trim().toLowerCase();
  if (!/^t[1-9][0-9]{0,9}$/.test(id)) throw new UsageError(`"${text}" is not a task id; they look like t12 (incident task list INC-7).`);
  return id;
}

function taskLine(task: Task, verb: string): string {
  return `${task.incident}: task ${task.id} ${verb}: ${task.title} (@${task.owner}, ${task.state}${task.reason ? `: ${task.reason}` : ''}).`;
}

/** Blocked first, then open, then done, as the server orders them. */
export function taskTable(tasks: Listed[]): string {
  if (!tasks.length) return 'No tasks yet.\n';
  return table(
    ['TASK', 'STATE', 'OWNER', 'TITLE', 'SINCE'],
    tasks.map((t) => [t.id, t.state, `@${t.owner}`, t.reason && t.state === 'blocked' ? `${t.title} — blocked: ${t.reason}` : t.title, `${hhmm(t.updatedAt)} UTC`]),
  );
}

async function change(id: string, task: string, body: Record<string, unknown>, o: JsonOption, verb: string): Promise<void> {
  const answered = await client().patch<Task>(`/incidents/${incidentId(id)}/tasks/${taskId(task)}`, body);
  if (o.json) printJson(answered);
  else print(taskLine(answered, verb));
  warn(answered.warnings);
}

export function taskCommand(program: Command): void {
  const cmd = program
    .command('task')
    .summary('who is on what: add a task with an owner, mark it done or blocked, reopen it, list them')
    .description('tasks inside an incident: the IC (or anyone running it) gives one to an owner; the owner (or the IC) marks it done, blocked with a reason, or open again');
  examples(cmd, [
    'incident task add INC-1 "Check the batch job" --owner dana',
    'incident task block INC-1 t12 --reason "Waiting on DBA access"',
    'incident task done INC-1 t12',
    'incident task reopen INC-1 t12 --reason "Errors are back"',
    'incident task list INC-1            # blocked first, then open, then done',
  ]);

  const add = cmd
    .command('add')
    .description('give someone a task')
    .argument('<id>', 'INC-7 or 7')
    .argument('<title>', 'what is to be done')
    .requiredOption('-o, --owner <handle>', 'who is on it');
  withJson(add);
  add.action(
    run(async (id: string, title: string, o: JsonOption & { owner: string }) => {
      const created = await client().post<Task>(`/incidents/${incidentId(id)}/tasks`, { title, owner: handle(o.owner) });
      if (o.json) printJson(created);
      else print(taskLine(created, 'added'));
      warn(created.warnings);
    }),
  );

  const done = cmd.command('done').description('mark a task done').argument('<id>', 'INC-7 or 7').argument('<task>', 't12').option('-r, --reason <text>', 'what was found or done');
  withJson(done);
  done.action(run(async (id: string, task: string, o: JsonOption & { reason?: string }) => change(id, task, { state: 'done', reason: o.reason }, o, 'done')));

  const block = cmd
    .command('block')
    .description('mark a task blocked, saying on what (the IC removes blockers)')
    .argument('<id>', 'INC-7 or 7')
    .argument('<task>', 't12')
    .requiredOption('-r, --reason <text>', 'what blocks it');
  withJson(block);
  block.action(run(async (id: string, task: string, o: JsonOption & { reason: string }) => change(id, task, { state: 'blocked', reason: o.reason }, o, 'blocked')));

  const reopen = cmd.command('reopen').description('open a done or blocked task again').argument('<id>', 'INC-7 or 7').argument('<task>', 't12').option('-r, --reason <text>', 'why');
  withJson(reopen);
  reopen.action(run(async (id: string, task: string, o: JsonOption & { reason?: string }) => change(id, task, { state: 'open', reason: o.reason }, o, 'reopened')));

  const list = cmd.command('list').description("the incident's tasks: blocked first, then open, then done").argument('<id>', 'INC-7 or 7');
  withJson(list);
  list.action(
    run(async (id: string, o: JsonOption) => {
      const incident = await client().get<Incident>(`/incidents/${incidentId(id)}`);
      if (o.json) printJson(incident.tasks);
      else print(taskTable(incident.tasks));
    }),
  );
}
