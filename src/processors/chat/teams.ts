/**
 * Teams channel cards through the chat delivery queue. Beside the deployment's chat
 * platform (Slack or Mattermost), or alone: each card is one delivery of its event (unique
 * on event and step, like the platform's), in a lane per webhook address, so a channel gets
 * its cards in order and a channel that is down holds up no other.
 */
import { createHash } from 'node:crypto';
import type { RecordedEvent } from '../../domain/model/events.js';
import type { IncidentState } from '../../domain/model/state.js';
import { teamsNotice, teamsWebhookKey } from '../../domain/chat/teams.js';
import { cardMessage, teamsEventCard, type AdaptiveCard } from '../../presenters/chat/teams-cards.js';
import { ChatError } from '../../integrations/chat/port.js';
import type { TeamsWebhookPoster } from '../../integrations/chat/teams/webhook.js';

export interface TeamsChannels {
  /** Webhook addresses by severity id and `default`. */
  webhooks: Readonly<Record<string, string>>;
  /** The console's address, for "Open in console". */
  consoleUrl: string;
  poster: TeamsWebhookPoster;
}

/** The stored call: the webhook by its key (the address, which is a secret, stays in the configuration). */
export interface TeamsCardAction {
  op: 'teams_card';
  webhook: string;
  text: string;
  card: AdaptiveCard;
}

/** Teams cards are numbered after the platform's steps of the same event, well clear of them. */
export const TEAMS_STEP = 1000;

export function teamsLane(url: string): string {
  return `teams:${createHash('sha256').update(url).digest('hex').slice(0, 16)}`;
}

/** The card `recorded` calls for, with its lane; null when none does or no webhook takes its severity. */
export function teamsDelivery(recorded: RecordedEvent, state: IncidentState, teams: TeamsChannels): { lane: string; step: number; action: TeamsCardAction } | null {
  const notice = teamsNotice(recorded, state);
  const key = notice ? teamsWebhookKey(teams.webhooks, state.severity) : null;
  if (!notice || !key) return null;
  const { text, card } = teamsEventCard(state, recorded, notice, teams.consoleUrl);
  return { lane: teamsLane(teams.webhooks[key]!), step: TEAMS_STEP, action: { op: 'teams_card', webhook: key, text, card } };
}

/**
 * Posts a queued card. The address is looked up now, so a rotated one takes effect for what
 * is still queued; one since removed falls back to `default`, and with neither it is refused.
 */
export async function sendTeamsCard(teams: TeamsChannels | null, action: TeamsCardAction): Promise<void> {
  const url = teams?.webhooks[action.webhook] ?? teams?.webhooks.default;
  if (!teams || !url) throw new ChatError('refused', `no Teams webhook for ${action.webhook}`, 'no_webhook');
  await teams.poster.post(url, cardMessage(action.card));
}
