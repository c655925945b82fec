/**
 * From the chat outbox to the delivery queue, in one transaction: each event's chat steps
 * (src/domain/chat/plan.ts) rendered (src/presenters/chat) into stored actions, one
 * delivery row per step, unique on (event, step), and the outbox rows deleted.
 */
import type { RecordedEvent } from '../../domain/model/events.js';
import { evolve, evolveDeclared, type IncidentState } from '../../domain/model/state.js';
import { chatSteps, type ChatSettings, type ChatStep } from '../../domain/chat/plan.js';
import type { Repository } from '../../store/repository.js';
import type { NewChatDelivery } from '../../store/chat.js';
import { toldDms, type ToldDms } from './told-dms.js';
import {
  renderAnnouncementMessage,
  renderDeclaredNotice,
  renderEventLine,
  renderHandoffOffer,
  renderReminder,
  renderUpdateMessage,
  roomTopic,
  slackMention,
  type ChatText,
  type Mention,
} from '../../presenters/chat/messages.js';
import { teamsDelivery, type TeamsCardAction, type TeamsChannels } from './teams.js';

/** Replaced by the room's link when sent (the room has no id until it is created). */
export const ROOM_LINK = '{{room}}';

/** A stored platform call; people are handles, resolved to platform users when sent. */
export type ChatAction =
  | { op: 'create_room'; name: string; private: boolean }
  | { op: 'invite'; people: string[] }
  | { op: 'post'; to: 'room' | 'announce' | 'leadership'; message: ChatText; pin?: true }
  | { op: 'set_topic'; topic: string }
  | { op: 'edit_announcement'; message: ChatText }
  | { op: 'dm'; person: string; message: ChatText }
  | { op: 'archive' }
  | TeamsCardAction;

function render(step: ChatStep, recorded: RecordedEvent, state: IncidentState, mention: Mention): Exclude<ChatAction, TeamsCardAction> {
  switch (step.op) {
    case 'create_room':
    case 'invite':
      return step;
    case 'set_topic':
      return { op: 'set_topic', topic: roomTopic(state, mention) };
    case 'archive':
      return { op: 'archive' };
    case 'edit_announcement':
      return { op: 'edit_announcement', message: renderAnnouncementMessage(state, mention) };
    case 'dm': {
      const offer = step.notice.kind === 'handoff_offer' ? step.notice.handoffId : '';
      return { op: 'dm', person: step.person, message: renderHandoffOffer(state, offer, recorded.actor, mention) };
    }
    case 'post': {
      const notice = step.notice;
      let message: ChatText;
      switch (notice.kind) {
        case 'announcement':
          message = renderAnnouncementMessage(state, mention);
          break;
        case 'declared_elsewhere':
          message = renderDeclaredNotice(state, ROOM_LINK, mention);
          break;
        case 'update':
          message = renderUpdateMessage(state, recorded, mention);
          break;
        case 'reminder':
          message = renderReminder(recorded, notice, mention);
          break;
        default:
          message = renderEventLine(recorded, mention);
      }
      return { op: 'post', to: step.to, message, ...(step.pin ? { pin: true as const } : {}) };
    }
  }
}

/** The lane a step goes in: the incident's own (its room's order), or apart for what waits days (archiving). */
export function laneOf(incident: number, action: ChatAction): string {
  return action.op === 'archive' ? `${incident}:archive` : String(incident);
}

/**
 * Moves up to `limit` outbox rows into deliveries; answers how many it took. People are named
 * by their `platform` ids (`<@id>`: Slack's markup, which the Mattermost adapter rewrites).
 * Without a platform (null) only Teams cards are queued; without `teams`, none.
 */
export async function fanOutChat(
  tx: Repository,
  settings: ChatSettings,
  now: string,
  limit: number,
  folded: Map<number, IncidentState>,
  platform: string | null,
  told: ToldDms | null = null,
  teams: TeamsChannels | null = null,
): Promise<number> {
  const claimed = await tx.chat.claimOutbox(limit);
  if (!claimed.length) return 0;
  const mention = slackMention(platform ? await tx.chat.userIds(platform) : new Map());
  const rows: NewChatDelivery[] = [];
  // Each incident's events are read and folded once; the claimed ones (by sequence number) are rendered as of themselves.
  const byIncident = new Map<number, Map<number, number>>();
  for (const c of claimed) (byIncident.get(c.incident) ?? byIncident.set(c.incident, new Map()).get(c.incident)!).set(c.seq, c.eventId);
  // Events never change: the state folded in an earlier pass is taken up where it stopped, unless a claimed event lies before it.
  const from = new Map<number, IncidentState | null>();
  for (const [incident, claimedSeqs] of byIncident) {
    const cached = folded.get(incident) ?? null;
    from.set(incident, cached && Math.min(...claimedSeqs.keys()) > cached.version ? cached : null);
  }
  const events = new Map<number, RecordedEvent[]>();
  for (const recorded of await tx.incidents.eventsAfter(new Map([...from].map(([incident, state]) => [incident, state?.version ?? 0])))) {
    (events.get(recorded.incident) ?? events.set(recorded.incident, []).get(recorded.incident)!).push(recorded);
  }
  for (const [incident, claimedSeqs] of byIncident) {
    let state = from.get(incident) ?? null;
    for (const recorded of events.get(incident) ?? []) {
      state = state ? evolve(state, recorded) : evolveDeclared(recorded);
      const eventId = claimedSeqs.get(recorded.seq);
      if (eventId === undefined) continue;
      const actions = platform ? chatSteps(recorded, state, settings).map((step) => ({ action: render(step, recorded, state!, mention), dueAt: step.op === 'archive' ? step.at : now })) : [];
      if (told && platform) actions.push(...(await toldDms(tx, told, recorded, state)).map((action) => ({ action, dueAt: now })));
      actions.forEach(({ action, dueAt }, i) => rows.push({ lane: laneOf(incident, action), incident, eventId, step: i, action: JSON.stringify(action), dueAt }));
      const card = teams ? teamsDelivery(recorded, state, teams) : null;
      if (card) rows.push({ lane: card.lane, incident, eventId, step: card.step, action: JSON.stringify(card.action), dueAt: now });
    }
    if (state) folded.set(incident, state);
  }
  await tx.chat.addDeliveries(rows, now);
  await tx.chat.deleteOutbox(claimed.map((c) => c.eventId));
  return claimed.length;
}
