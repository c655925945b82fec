/**
 * How a chat request runs a command, for every platform: as its person, in one transaction
 * that also marks the request done (a request a crash interrupted after the commit is found
 * done when taken again, and not acted on twice); a refusal or the warnings go back to them.
 */
import type { Config } from '../../config/load.js';
import type { Store } from '../../store/store.js';
import type { Person } from '../../domain/people/person.js';
import type { CommandContext } from '../../commands/context.js';
import type { CommandResult } from '../../commands/incident-command.js';
import { DomainError } from '../../domain/model/errors.js';
import { toUtcIso } from '../../domain/model/time.js';
import type { ChatCommand, NamedPerson } from '../../domain/chat/commands.js';
import { assignRole } from '../../commands/assign-role.js';
import { addSme } from '../../commands/smes.js';
import { addTimelineEntry } from '../../commands/add-timeline-entry.js';
import { changeSeverity } from '../../commands/change-severity.js';
import { assignPostmortem } from '../../commands/assign-postmortem.js';

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

export async function runChatCommand(
  { store, config, now, actor, item, reply }: ChatRun,
  work: (ctx: CommandContext) => Promise<CommandResult>,
  done?: (result: CommandResult) => string,
): Promise<CommandResult | null> {
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

export type IncidentVerb = Extract<ChatCommand, { kind: 'role' | 'sme' | 'entry' | 'severity' | 'postmortem' }>;

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
  }
}
