/**
 * How a chat request runs a command, for every platform: as its person, in one transaction
 * that also marks the request done (a request a crash interrupted after the commit is found
 * done when taken again, and not acted on twice); a refusal or the warnings go back to them.
 */
import type { Config } from '../../config/load.js';
import type { Store } from '../../store/store.js';
import type { Person } from '../../domain/people/person.js';
import type { CommandContext } from '../../commands/context.js';
import { loadVisibleIncident, type CommandResult } from '../../commands/incident-command.js';
import type { Warning } from '../../domain/model/commands.js';
import { DomainError } from '../../domain/model/errors.js';
import { toUtcIso } from '../../domain/model/time.js';
import type { ChatCommand, NamedPerson } from '../../domain/chat/commands.js';
import { assignRole } from '../../commands/assign-role.js';
import { addSme } from '../../commands/smes.js';
import { addTimelineEntry } from '../../commands/add-timeline-entry.js';
import { changeSeverity } from '../../commands/change-severity.js';
import { assignPostmortem } from '../../commands/assign-postmortem.js';
import { createTask, updateTask } from '../../commands/tasks.js';
import { reopenIncident } from '../../commands/reopen-incident.js';
import { changesOfIncident, suspectChange } from '../../commands/changes.js';
import { incidentId } from '../../domain/model/ids.js';
import { changeList, taskList } from '../../presenters/chat/lists.js';

export type Reply = (text: string) => Promise<void>;

export interface ChatRun {
  store: Store;
  config: Config;
  now: string;
  actor: Person;
  /** The request's inbox row. */
  item: number;
  reply: Reply;
}

export async function runChatCommand<R extends { warnings: Warning[] } = CommandResult>(
  { store, config, now, actor, item, reply }: ChatRun,
  work: (ctx: CommandContext) => Promise<R>,
  done?: (result: R) => string,
): Promise<R | null> {
  try {
    const result = await store.transaction(async (tx) => ((await tx.chat.takeInbox(item)) ? work({ tx, config, now, actor }) : null));
    if (!result) return null;
    const notes = [done?.(result), ...result.warnings.map((w) => `⚠️ ${w.message}`)].filter(Boolean);
    if (notes.length) await reply(notes.join('\n'));
    return result;
  } catch (error) {
    if (error instanceof DomainError) {
      await reply(`Not done: ${error.message}`);
      return null;
    }
    throw error;
  }
}

export type IncidentVerb = Extract<ChatCommand, { kind: 'role' | 'sme' | 'entry' | 'severity' | 'postmortem' | 'task' | 'task_state' | 'tasks' | 'changes' | 'suspect' | 'reopen' }>;

/** A read answered to the person alone; a refusal (an incident they may not see) is answered the same way. */
async function answer(run: ChatRun, read: () => Promise<string>): Promise<void> {
  try {
    await run.reply(await read());
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    await run.reply(`Not done: ${error.message}`);
  }
}

/**
 * The verbs that change an incident, as every platform runs them. `handleOf` turns a person
 * as the command named them into a handle (a refusal names whom it could not find);
 * `icOffered` says where the person offered IC answers, which differs by platform.
 */
export async function runIncidentVerb(
  run: ChatRun,
  number: number,
  parsed: IncidentVerb,
  handleOf: (named: NamedPerson) => Promise<string>,
  icOffered: (handle: string) => string,
): Promise<void> {
  switch (parsed.kind) {
    case 'role': {
      const person = await handleOf(parsed.person);
      await runChatCommand(run, (ctx) => assignRole(ctx, number, { role: parsed.role, person }), () => (parsed.role === 'incident_commander' ? icOffered(person) : ''));
      return;
    }
    case 'sme': {
      const person = await handleOf(parsed.person);
      await runChatCommand(run, (ctx) => addSme(ctx, number, { person, specialty: parsed.specialty }));
      return;
    }
    case 'entry':
      await runChatCommand(run, (ctx) => addTimelineEntry(ctx, number, { kind: parsed.entry, text: parsed.text }));
      return;
    case 'severity':
      await runChatCommand(run, (ctx) => changeSeverity(ctx, number, { severity: parsed.severity, reason: parsed.reason }));
      return;
    case 'postmortem': {
      const owner = await handleOf(parsed.owner);
      const scheduledFor = toUtcIso(parsed.when);
      if (!scheduledFor) return run.reply(`"${parsed.when}" is not a time; write it as 2026-06-08T10:00Z.`);
      await runChatCommand(run, (ctx) => assignPostmortem(ctx, number, { owner, scheduledFor }));
      return;
    }
    case 'task': {
      const owner = parsed.owner ? await handleOf(parsed.owner) : run.actor.handle;
      await runChatCommand(run, (ctx) => createTask(ctx, number, { title: parsed.title, owner }), (r) => {
        const created = r.recorded.find((e) => e.event.type === 'TaskCreated')?.event;
        return created?.type === 'TaskCreated' ? `Task ${created.taskId} for @${created.owner}: ${created.title}` : '';
      });
      return;
    }
    case 'task_state':
      await runChatCommand(run, (ctx) => updateTask(ctx, number, parsed.task, { state: parsed.state, reason: parsed.reason }), () => `Task ${parsed.task} ${parsed.state}${parsed.reason ? `: ${parsed.reason}` : ''}.`);
      return;
    case 'tasks':
      return answer(run, async () => taskList(number, (await loadVisibleIncident({ tx: run.store, actor: run.actor }, number)).tasks));
    case 'changes':
      return answer(run, async () => {
        const found = await changesOfIncident({ tx: run.store, actor: run.actor, now: run.now }, number);
        return changeList(number, found.changes, found.window, found.hypotheses);
      });
    case 'suspect':
      await runChatCommand(run, (ctx) => suspectChange(ctx, number, parsed.change), (r) => (r.created ? `On the timeline as a hypothesis: ${parsed.change}.` : `${parsed.change} is on the timeline already.`));
      return;
    case 'reopen':
      await runChatCommand(run, (ctx) => reopenIncident(ctx, number, { reason: parsed.reason }), () => `${incidentId(number)} reopened.`);
      return;
  }
}
