/**
 * What each Slack (or Mattermost) request does: find the person, build the command's input, run the same
 * command files the API runs (one transaction each), and answer the person — ephemerally in
 * the channel, or in a modal. What follows in the room (the announcement, the update, the
 * role change) comes from the events, through the delivery queue, like any other change.
 */
import type { Clock } from '../../domain/model/time.js';
import type { Config } from '../../config/load.js';
import type { Store } from '../../store/store.js';
import type { FastifyBaseLogger } from 'fastify';
import { ChatError, type ChatPort } from '../../integrations/chat/port.js';
import type { Person } from '../../domain/people/person.js';
import type { CommandContext } from '../../commands/context.js';
import type { CommandResult } from '../../commands/incident-command.js';
import { DomainError } from '../../domain/model/errors.js';
import { runChatCommand, runIncidentVerb, type Reply } from './run-command.js';
import { incidentId } from '../../domain/model/ids.js';
import { addMs, toUtcIso } from '../../domain/model/time.js';
import { findSeverity } from '../../domain/model/policy.js';
import { assessRoles } from '../../domain/roles/rules.js';
import { CAPTURE_REACTIONS, messageTime, parseChatCommand, type ChatCommand, type NamedPerson } from '../../domain/chat/commands.js';
import type { ManualEntryKind, UpdateAudience, UpdateStatus } from '../../domain/model/events.js';
import { declareIncident } from '../../commands/declare-incident.js';
import { addTimelineEntry } from '../../commands/add-timeline-entry.js';
import { postUpdate } from '../../commands/post-update.js';
import { resolveIncident } from '../../commands/resolve-incident.js';
import { acceptHandoff, declineHandoff } from '../../commands/answer-handoff.js';
import { declareForm, formValues, helpText, statusSummary, updateForm } from '../../presenters/chat/forms.js';
import { slackMention } from '../../presenters/chat/messages.js';

export interface ChatHandlerOptions {
  store: Store;
  chat: ChatPort;
  config: Config;
  clock: Clock;
  /** Whose ids the requests carry: people's `chat.<platform>` ids and the users remembered for it. */
  platform: 'slack' | 'mattermost';
  log?: Pick<FastifyBaseLogger, 'error' | 'warn'>;
}

const PLATFORM_NAMES = { slack: 'Slack', mattermost: 'Mattermost' } as const;

type Body = Record<string, unknown>;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const obj = (value: unknown): Body => (value && typeof value === 'object' ? (value as Body) : {});

export class ChatHandlers {
  constructor(private readonly options: ChatHandlerOptions) {}

  /** `item`: the request's inbox row, marked done in the transaction of the work it asks for. */
  async handle(kind: string, body: Body, item: number): Promise<void> {
    if (kind === 'command') return this.command(body, item);
    if (kind === 'interaction') return this.interaction(body, item);
    if (kind === 'event') return this.event(obj(body.event), item);
    // Platform-neutral requests (Mattermost's, read by its route): a submitted form, a button, a reaction.
    if (kind === 'form') return this.form(body, item);
    if (kind === 'action') return this.action(body, item);
    if (kind === 'reaction') return this.reaction(str(body.room), str(body.user), str(body.post), str(body.emoji), item);
  }

  private now(): string {
    return this.options.clock.now().toISOString();
  }

  /** The person a platform user is: their `chat.<platform>` id, one remembered, else by e-mail (the platform's user), remembered once found. */
  private async person(userId: string): Promise<Person | null> {
    const { store, platform } = this.options;
    const chat = store.chat;
    let handle = (await chat.handleOf(platform, userId)) ?? (await chat.handleByChatId(platform, userId));
    if (!handle) {
      const email = (await this.options.chat.user(userId))?.email;
      handle = email ? await chat.handleByEmail(email) : null;
      if (handle) await chat.rememberUser(platform, userId, handle, this.now());
    }
    return handle ? store.people.get(handle) : null;
  }

  private strangerText(): string {
    return `You are not a person in Incident Command yet: ask an admin to add you (with your ${PLATFORM_NAMES[this.options.platform]} id or e-mail).`;
  }

  private async handleOf(named: NamedPerson): Promise<string> {
    if ('handle' in named) return named.handle;
    const person = await this.person(named.user);
    if (!person) throw new DomainError('NOT_FOUND', `<@${named.user}> is not a person here yet; ask an admin to add them.`);
    return person.handle;
  }

  /**
   * How the person who acted is answered once the work is done: through their request's
   * `response_url` where it carried one (it reaches them even where the app is not in the
   * channel), else — or when it has lapsed — ephemerally in the channel, or by direct message.
   */
  private replier(channel: string, user: string, responseUrl = ''): Reply {
    return async (text) => {
      if (responseUrl) {
        try {
          return await this.options.chat.respond(responseUrl, { text });
        } catch (error) {
          this.options.log?.warn({ err: error }, 'response_url failed; answering in the channel');
        }
      }
      if (channel) await this.options.chat.ephemeral(channel, user, { text });
      else await this.options.chat.dm(user, { text });
    };
  }

  /** Runs a command as `actor` (run-command.ts): a refusal or the warnings go back to the person. */
  private run(
    actor: Person,
    item: number,
    reply: Reply,
    work: (ctx: CommandContext) => Promise<CommandResult>,
    done?: (result: CommandResult) => string,
  ): Promise<CommandResult | null> {
    const { store, config } = this.options;
    return runChatCommand({ store, config, now: this.now(), actor, item, reply }, work, done);
  }

  /** Slack's trigger lapses 3 s after the request: a form the platform would not open is answered with how to ask again. */
  private async openForm(trigger: string, view: unknown, reply: Reply, again: string): Promise<void> {
    try {
      await this.options.chat.openForm(trigger, view);
    } catch (error) {
      if (!(error instanceof ChatError) || error.reason !== 'refused') throw error;
      if (error.code === 'not_supported') return reply(`Forms are not available on ${PLATFORM_NAMES[this.options.platform]} yet: declare with \`declare SEV2 <title>\`; post updates and resolve in the console or with the CLI.`);
      await reply(`The form did not open (${error.code ?? error.message}); run \`${again.trim()}\` again.`);
    }
  }

  private async command(body: Body, item: number): Promise<void> {
    const { config, store } = this.options;
    const user = str(body.user_id);
    const channel = str(body.channel_id);
    const reply = this.replier(channel, user, str(body.response_url));
    const actor = await this.person(user);
    if (!actor) return reply(this.strangerText());
    const parsed: ChatCommand = parseChatCommand(str(body.text));
    // The command as the platform named it (Slack's is `chat.slack.command`; Mattermost's is set where the command is made).
    const command = str(body.command) || config.chat.slack.command;
    if (parsed.kind === 'help') return reply(helpText(command, parsed.problem).text);
    const form = (view: unknown) => this.openForm(str(body.trigger_id), view, reply, `${command} ${str(body.text).trim()}`);
    if (parsed.kind === 'declare_form') return form(declareForm(config.policy, channel));
    if (parsed.kind === 'declare')
      return void (await this.run(actor, item, reply, (ctx) => declareIncident(ctx, { title: parsed.title, severity: parsed.severity }), (r) => `Declared ${incidentId(r.state.number)}: #${r.state.channel} is being opened; you are IC.`));
    const number = await store.chat.incidentOfRoom(channel);
    if (number === null) return reply(`Run \`${command} ${str(body.text).trim()}\` in an incident's channel.`);
    const state = await store.incidents.load(number);
    if (!state) return reply('That incident is gone.');
    switch (parsed.kind) {
      case 'update_form': {
        const cadence = findSeverity(config.policy, state.severity)?.updateEveryMs ?? null;
        return form(updateForm(state, cadence ? addMs(this.now(), cadence).slice(0, 16) + 'Z' : null));
      }
      case 'resolve_form':
        return form(updateForm(state, null, 'resolve'));
      case 'status':
        return reply(statusSummary(state, assessRoles(state, config.policy).roleGaps, slackMention(await store.chat.userIds(this.options.platform)), this.now()).text);
      default:
        return runIncidentVerb({ store, config, now: this.now(), actor, item, reply }, number, parsed, (named) => this.handleOf(named), (person) => `Offered IC to @${person}; they answer in a direct message.`);
    }
  }

  private async interaction(body: Body, item: number): Promise<void> {
    const user = str(obj(body.user).id);
    const actor = await this.person(user);
    const channel = str(obj(body.channel).id);
    const reply = this.replier(channel, user, str(body.response_url));
    if (!actor) return reply(this.strangerText());
    if (body.type === 'block_actions') {
      for (const action of (body.actions as Body[] | undefined) ?? []) await this.button(actor, item, reply, str(action.action_id), str(action.value));
      return;
    }
    if (body.type === 'message_action' && body.callback_id === 'add_to_timeline') {
      const message = obj(body.message);
      return this.capture(actor, item, reply, channel, 'note', str(message.text), str(message.user), messageTime(str(message.ts)));
    }
    if (body.type === 'view_submission') {
      const view = obj(body.view);
      return this.submission(actor, item, this.replier('', user), str(view.callback_id), formValues(obj(obj(view.state).values) as never), str(view.private_metadata));
    }
  }

  /** A button the presenters made (the IC offer's), whose value names the incident and the handoff. */
  private async button(actor: Person, item: number, reply: Reply, actionId: string, value: string): Promise<void> {
    const { incident, handoff } = JSON.parse(value || '{}') as { incident?: number; handoff?: string };
    if (!incident || !handoff) return;
    if (actionId === 'handoff_accept') await this.run(actor, item, reply, (ctx) => acceptHandoff(ctx, incident, handoff), () => `You are now IC of ${incidentId(incident)}.`);
    if (actionId === 'handoff_decline') await this.run(actor, item, reply, (ctx) => declineHandoff(ctx, incident, handoff), () => 'Declined.');
  }

  /** A neutral button click: `{ user, channel, action, value }`. */
  private async action(body: Body, item: number): Promise<void> {
    const user = str(body.user);
    const reply = this.replier(str(body.channel), user);
    const actor = await this.person(user);
    if (!actor) return reply(this.strangerText());
    await this.button(actor, item, reply, str(body.action), str(body.value));
  }

  /** A neutral form submission: `{ user, channel, callback_id, metadata, fields }`, answered in the channel it was opened from. */
  private async form(body: Body, item: number): Promise<void> {
    const user = str(body.user);
    const reply = this.replier(str(body.channel), user);
    const actor = await this.person(user);
    if (!actor) return reply(this.strangerText());
    await this.submission(actor, item, reply, str(body.callback_id), obj(body.fields) as Record<string, string>, str(body.metadata));
  }

  private async submission(actor: Person, item: number, reply: Reply, callbackId: string, fields: Record<string, string>, metadata: string): Promise<void> {
    if (callbackId === 'declare') {
      const components = fields.components?.split(',').map((c) => c.trim()).filter(Boolean) ?? [];
      await this.run(
        actor,
        item,
        reply,
        (ctx) => declareIncident(ctx, { title: fields.title ?? '', severity: fields.severity ?? '', summary: fields.summary ?? null, components, private: fields.private === 'private' }),
        (r) => `Declared ${incidentId(r.state.number)}: #${r.state.channel} is being opened; you are IC.`,
      );
      return;
    }
    const number = Number(metadata);
    const common = { impact: fields.impact ?? '', whatWeKnow: fields.whatWeKnow ?? '', nextStep: fields.nextStep ?? null, audience: (fields.audience ?? 'public') as UpdateAudience };
    if (callbackId === 'update') {
      const nextUpdateBy = fields.nextUpdateBy ? toUtcIso(fields.nextUpdateBy) : null;
      if (fields.nextUpdateBy && !nextUpdateBy) return reply(`"${fields.nextUpdateBy}" is not a time; write it as 2026-06-06T15:30Z.`);
      await this.run(actor, item, reply, (ctx) => postUpdate(ctx, number, { ...common, status: (fields.status ?? 'investigating') as UpdateStatus, nextUpdateBy }));
    }
    if (callbackId === 'resolve') await this.run(actor, item, reply, (ctx) => resolveIncident(ctx, number, common));
  }

  /** A message onto the timeline (R9): its author named, backdated to when it was posted. */
  private async capture(actor: Person, item: number, reply: Reply, room: string, kind: ManualEntryKind, text: string, author: string, at: string | null): Promise<void> {
    const number = await this.options.store.chat.incidentOfRoom(room);
    if (number === null) return reply('Only messages in an incident channel go on a timeline.');
    const by = author ? ((await this.person(author))?.handle ?? null) : null;
    await this.run(actor, item, reply, (ctx) => addTimelineEntry(ctx, number, { kind, text: by ? `@${by}: ${text}` : text, at }));
  }

  private async event(event: Body, item: number): Promise<void> {
    const reacted = obj(event.item);
    if (event.type !== 'reaction_added' || reacted.type !== 'message') return;
    await this.reaction(str(reacted.channel), str(event.user), str(reacted.ts), str(event.reaction), item);
  }

  /** The Scribe's capture (R9): a reaction of theirs (📌 💡 ❌ ✅) on a message in an incident's room puts it on the timeline. */
  private async reaction(room: string, user: string, post: string, emoji: string, item: number): Promise<void> {
    const kind = CAPTURE_REACTIONS[emoji];
    if (!kind) return;
    if ((await this.options.store.chat.incidentOfRoom(room)) === null) return;
    const actor = await this.person(user);
    const reply = this.replier(room, user);
    if (!actor) return reply(this.strangerText());
    const message = await this.options.chat.message(room, post);
    if (!message) return reply('That message is gone.');
    await this.capture(actor, item, reply, room, kind, message.text, message.user ?? '', message.at);
  }
}
