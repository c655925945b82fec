/**
 * The Teams bot (Bot Framework SDK): `@Incident …` messages and the Adaptive Card forms'
 * submissions, acted on in the turn with the chat command grammar and the same command
 * functions as Slack and Mattermost, and answered in the conversation. Teams gets no room per
 * incident, so a command names its incident (`INC-12 note …`) unless only one is open.
 *
 * A message is stored in the chat inbox before it is acted on (its key dedupes a redelivered
 * activity) and held while the turn runs; the command marks it done in its own transaction.
 */
import { ActivityHandler, CardFactory, MessageFactory, TeamsInfo, TurnContext, type Activity } from 'botbuilder';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config/load.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../domain/model/time.js';
import type { Person } from '../../domain/people/person.js';
import { canSee } from '../../domain/people/policy.js';
import { DomainError } from '../../domain/model/errors.js';
import { incidentId } from '../../domain/model/ids.js';
import { addMs, toUtcIso } from '../../domain/model/time.js';
import { findSeverity } from '../../domain/model/policy.js';
import { assessRoles } from '../../domain/roles/rules.js';
import { parseChatCommand, type NamedPerson } from '../../domain/chat/commands.js';
import { pickIncident, splitIncidentRef } from '../../domain/chat/teams.js';
import type { UpdateAudience, UpdateStatus } from '../../domain/model/events.js';
import { declareIncident } from '../../commands/declare-incident.js';
import { postUpdate } from '../../commands/post-update.js';
import { resolveIncident } from '../../commands/resolve-incident.js';
import { statusSummary } from '../../presenters/chat/forms.js';
import { teamsDeclareForm, teamsHelpText, teamsUpdateForm, type AdaptiveCard } from '../../presenters/chat/teams-cards.js';
import { runChatCommand, runIncidentVerb, type ChatRun } from './run-command.js';

/** A Teams user as the roster knows them. */
export interface TeamsMember {
  aadObjectId: string | null;
  email: string | null;
}

export interface TeamsBotOptions {
  store: Store;
  config: Config;
  clock: Clock;
  log?: Pick<FastifyBaseLogger, 'warn'>;
  /** A user of the conversation from the Teams roster (TeamsInfo.getMember by default). */
  member?: (context: TurnContext, userId: string) => Promise<TeamsMember | null>;
}

/** How long a message is held for its turn before an inbox worker may take it up (as done, untouched). */
const HOLD_MS = 60_000;

const STRANGER = 'You are not a person in Incident Command yet: ask an admin to add you (with your Microsoft Entra object id as your Teams id, or your e-mail).';

const str = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

async function rosterMember(context: TurnContext, userId: string): Promise<TeamsMember | null> {
  try {
    const member = await TeamsInfo.getMember(context, userId);
    return { aadObjectId: member.aadObjectId ?? null, email: member.email ?? member.userPrincipalName ?? null };
  } catch {
    return null;
  }
}

export class TeamsBot extends ActivityHandler {
  constructor(private readonly options: TeamsBotOptions) {
    super();
    this.onMessage(async (context, next) => {
      await this.message(context);
      await next();
    });
  }

  private now(): string {
    return this.options.clock.now().toISOString();
  }

  private async message(context: TurnContext): Promise<void> {
    const { activity } = context;
    const { store } = this.options;
    const now = this.now();
    const body = JSON.stringify({ text: activity.text ?? '', value: activity.value ?? null, from: activity.from?.aadObjectId ?? activity.from?.id ?? null });
    const key = `teams:${activity.conversation?.id ?? ''}:${activity.id ?? now}`;
    const item = await store.chat.receiveHeld(key, 'teams', body, now, new Date(Date.parse(now) + HOLD_MS).toISOString());
    // Delivered again: it was acted on (or is being) already.
    if (item === null) return;
    try {
      await this.act(context, item);
    } finally {
      await store.chat.inboxDone(item);
    }
  }

  /** The person a Teams user is: their `chat.teams` id (Entra object id), one remembered, else by e-mail from the roster, remembered. */
  private async person(context: TurnContext, userId: string, aadObjectId: string | null): Promise<Person | null> {
    const chat = this.options.store.chat;
    // Entra object ids are GUIDs: kept and compared in lower case.
    const known = async (aad: string | null) => (aad ? ((await chat.handleOf('teams', aad)) ?? (await chat.handleByChatId('teams', aad))) : null);
    let handle = await known(aadObjectId?.toLowerCase() ?? null);
    if (!handle) {
      const member = await (this.options.member ?? rosterMember)(context, userId);
      const aad = (member?.aadObjectId ?? aadObjectId)?.toLowerCase() ?? null;
      handle = (await known(aad)) ?? (member?.email ? await chat.handleByEmail(member.email.toLowerCase()) : null);
      if (handle && aad) await chat.rememberUser('teams', aad, handle, this.now());
    }
    return handle ? this.options.store.people.get(handle) : null;
  }

  /**
   * The command's words: the bot's own mention taken out, every other mention made the
   * person's @handle (the grammar's way of naming people); a mention of someone who is not a
   * person here is named back to the sender.
   */
  private async commandText(context: TurnContext): Promise<{ text: string } | { unknown: string }> {
    const activity = context.activity;
    let text = TurnContext.removeRecipientMention(activity as Activity) ?? activity.text ?? '';
    for (const mention of TurnContext.getMentions(activity as Activity)) {
      if (mention.mentioned.id === activity.recipient?.id) continue;
      const person = await this.person(context, mention.mentioned.id, (mention.mentioned as { aadObjectId?: string }).aadObjectId ?? null);
      if (!person) return { unknown: mention.mentioned.name || mention.mentioned.id };
      text = text.split(mention.text ?? '').join(`@${person.handle}`);
    }
    return { text: text.replace(/&nbsp;|\u00a0/g, ' ').trim() };
  }

  private async act(context: TurnContext, item: number): Promise<void> {
    const { activity } = context;
    const reply = async (text: string) => void (await context.sendActivity(MessageFactory.text(text)));
    const card = async (content: AdaptiveCard) => void (await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(content))));
    const actor = await this.person(context, activity.from?.id ?? '', activity.from?.aadObjectId ?? null);
    if (!actor) return reply(STRANGER);
    const run: ChatRun = { store: this.options.store, config: this.options.config, now: this.now(), actor, item, reply };
    const value = activity.value as Record<string, unknown> | undefined;
    if (value && typeof value === 'object' && typeof value.form === 'string') return this.submission(run, value);
    const words = await this.commandText(context);
    if ('unknown' in words) return reply(`${words.unknown} is not a person in Incident Command yet; ask an admin to add them.`);
    const { incident: named, rest } = splitIncidentRef(words.text);
    const parsed = parseChatCommand(rest);
    const { config, store } = this.options;
    if (parsed.kind === 'help') return reply(teamsHelpText(parsed.problem));
    if (parsed.kind === 'declare_form') return card(teamsDeclareForm(config.policy));
    if (parsed.kind === 'declare') return void (await this.declare(run, { title: parsed.title, severity: parsed.severity }));
    const open = await store.incidents.list({ phases: ['active'], visibleTo: { handle: actor.handle, admin: actor.role === 'admin' }, limit: 20 });
    const picked = pickIncident(named, open.map((s) => s.number));
    if ('problem' in picked) return reply(picked.problem);
    const number = picked.incident;
    const state = await store.incidents.load(number);
    // A private incident the person is not in is as missing to them as one that never was.
    if (!state || !canSee(actor, state)) return reply(`${incidentId(number)} is not an incident here.`);
    switch (parsed.kind) {
      case 'update_form': {
        const cadence = findSeverity(config.policy, state.severity)?.updateEveryMs ?? null;
        return card(teamsUpdateForm(state, cadence ? addMs(this.now(), cadence).slice(0, 16) + 'Z' : null, 'update'));
      }
      case 'resolve_form':
        return card(teamsUpdateForm(state, null, 'resolve'));
      case 'status':
        return reply(statusSummary(state, assessRoles(state, config.policy).roleGaps, (handle) => `@${handle}`, this.now()).text);
      default:
        return runIncidentVerb(run, number, parsed, async (person: NamedPerson) => {
          if ('handle' in person) return person.handle;
          throw new DomainError('NOT_FOUND', 'name people by @-mentioning them in Teams, or as @handle.');
        }, (person) => `Offered IC to @${person}; they accept in the console or with \`incident accept\`.`);
    }
  }

  private declare(run: ChatRun, input: Parameters<typeof declareIncident>[1]) {
    return runChatCommand(run, (ctx) => declareIncident(ctx, input), (r) => `Declared ${incidentId(r.state.number)} (${r.state.severity}): ${r.state.title}. You are IC.`);
  }

  /** A form's submission: its inputs arrive as the activity's `value`, with the form's own data (`form`, `incident`). */
  private async submission(run: ChatRun, value: Record<string, unknown>): Promise<void> {
    const field = (name: string) => str(value[name]) || null;
    if (value.form === 'declare') {
      await this.declare(run, { title: field('title') ?? '', severity: field('severity') ?? '', summary: field('summary') });
      return;
    }
    const number = Number(value.incident);
    if (!Number.isInteger(number) || number < 1) return run.reply('That form names no incident; ask for it again.');
    const common = { impact: field('impact') ?? '', whatWeKnow: field('whatWeKnow') ?? '', nextStep: field('nextStep'), audience: (field('audience') ?? 'public') as UpdateAudience };
    if (value.form === 'update') {
      const given = field('nextUpdateBy');
      const nextUpdateBy = given ? toUtcIso(given) : null;
      if (given && !nextUpdateBy) return run.reply(`"${given}" is not a time; write it as 2026-06-06T15:30Z.`);
      await runChatCommand(run, (ctx) => postUpdate(ctx, number, { ...common, status: (field('status') ?? 'investigating') as UpdateStatus, nextUpdateBy }), () => `Update posted to ${incidentId(number)}.`);
      return;
    }
    if (value.form === 'resolve') await runChatCommand(run, (ctx) => resolveIncident(ctx, number, common), () => `${incidentId(number)} resolved.`);
  }
}
