/**
 * The words (and Slack Block Kit blocks) of what the chat worker posts: the channel
 * announcement (R1's template), status updates with the Markdown the Comms Lead copies
 * (R7), one line per other timeline event, reminders naming whom they are for, the IC
 * offer with its buttons (R3), the notice in the announce channel, the room's topic.
 */
import type { RecordedEvent } from '../../domain/model/events.js';
import type { IncidentState } from '../../domain/model/state.js';
import type { ChatNotice } from '../../domain/chat/plan.js';
import { incidentId } from '../../domain/model/ids.js';
import { renderAnnouncement } from '../announcement.js';
import { STATUS_LABELS, renderUpdateMarkdown, renderUpdateText } from '../status-update.js';
import { toTimelineEntry } from '../timeline.js';

export interface ChatText {
  text: string;
  blocks?: unknown[];
}

/** How a person is named in chat: a platform mention when their id is known, else @handle. */
export type Mention = (handle: string) => string;

export function slackMention(ids: Map<string, string>): Mention {
  return (handle) => {
    const id = ids.get(handle);
    return id ? `<@${id}>` : `@${handle}`;
  };
}

/** Slack mrkdwn treats &, < and > as markup. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text: text.slice(0, 3000) }] });

/** @handle in a template line → the person's mention. */
function withMentions(text: string, mention: Mention): string {
  return escapeMrkdwn(text).replace(/@([a-z0-9][a-z0-9._-]{0,39})/g, (_, handle: string) => {
    // Handles may hold dots, so "to @alex." matches "alex.": a sentence's full stop is not part of an unknown handle.
    const named = mention(handle);
    const trimmed = handle.replace(/[._-]+$/, '');
    return named.startsWith('@') && trimmed !== handle ? mention(trimmed) + handle.slice(trimmed.length) : named;
  });
}

/** The announcement (R1's template) and where the incident stands now: it is pinned, and edited as severity, roles and status change. */
export function renderAnnouncementMessage(state: IncidentState, mention: Mention): ChatText {
  const text = renderAnnouncement(state, 'markdown');
  const [header, ...rest] = text.trimEnd().split('\n');
  const status = state.phase === 'active' ? STATUS_LABELS[state.status] : `${STATUS_LABELS.resolved} ${state.resolvedAt.slice(0, 16).replace('T', ' ')} UTC`;
  return {
    text: `${incidentId(state.number)}: ${state.title} (${state.severity}, ${status})`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: (header ?? '').slice(0, 150) } },
      section(`*Status: ${escapeMrkdwn(status)}*\n${withMentions(rest.join('\n'), mention)}`),
    ],
  };
}

export function renderUpdateMessage(state: IncidentState, recorded: RecordedEvent, mention: Mention): ChatText {
  const update = state.lastUpdate && state.lastUpdate.id === recorded.seq ? state.lastUpdate : null;
  if (!update) return renderEventLine(recorded, mention);
  const text = renderUpdateText(state.title, update);
  const markdown = renderUpdateMarkdown(state.title, update);
  return {
    text,
    blocks: [
      section(escapeMrkdwn(text)),
      context(`${update.audience === 'public' ? 'Public' : 'Internal'} update by ${mention(update.postedBy)}. Markdown to copy:`),
      section('```' + markdown.replace(/```/g, "'''") + '```'),
    ],
  };
}

/** What an entry someone added is, said in the room; a plain note is just its text. */
const ENTRY_LABELS: Partial<Record<string, string>> = { observation: 'Observation', action: 'Action', decision: 'Decision', hypothesis: 'Hypothesis', ruled_out: 'Ruled out' };

export function renderEventLine(recorded: RecordedEvent, mention: Mention): ChatText {
  const entry = toTimelineEntry(recorded);
  const label = recorded.event.type === 'TimelineEntryAdded' ? ENTRY_LABELS[entry.kind] : undefined;
  // A finding names whom it is reported to, so the room mentions them (the IC by default).
  const text = entry.to ? `Finding for @${entry.to}: ${entry.text}` : label ? `${label}: ${entry.text}` : entry.text;
  const who = recorded.actor === 'system' ? '' : ` (${mention(recorded.actor)})`;
  const line = `${withMentions(text, mention)}${who}`;
  return { text, blocks: [context(line)] };
}

export function renderReminder(recorded: RecordedEvent, notice: Extract<ChatNotice, { kind: 'reminder' }>, mention: Mention): ChatText {
  const entry = toTimelineEntry(recorded);
  const to = notice.mention.map(mention).join(' ');
  const told = notice.told.length ? ` Told: ${notice.told.map(mention).join(', ')}.` : '';
  const line = `⏰ ${to} ${withMentions(entry.text, mention)}${told}`.trim();
  return { text: `${entry.text}${notice.told.length ? ` Told: ${notice.told.map((h) => `@${h}`).join(', ')}.` : ''}`, blocks: [section(line)] };
}

export function renderDeclaredNotice(state: IncidentState, roomLink: string, mention: Mention): ChatText {
  const text = `${incidentId(state.number)} ${state.severity}: ${state.title}. IC ${mention(state.roles.incident_commander)}. Join ${roomLink}`;
  return { text, blocks: [section(`🚨 *${incidentId(state.number)} ${escapeMrkdwn(state.severity)}*: ${escapeMrkdwn(state.title)} · IC ${mention(state.roles.incident_commander)} · ${roomLink}`)] };
}

/** The IC offer (R3), sent to the person offered; the buttons carry the incident and the handoff. */
export function renderHandoffOffer(state: IncidentState, handoffId: string, from: string, mention: Mention): ChatText {
  const value = JSON.stringify({ incident: state.number, handoff: handoffId });
  const text = `${mention(from)} offers you Incident Commander of ${incidentId(state.number)} (${state.severity}): ${escapeMrkdwn(state.title)}.`;
  return {
    text: `You are offered Incident Commander of ${incidentId(state.number)}: ${state.title}`,
    blocks: [
      section(text),
      {
        type: 'actions',
        block_id: 'ic_handoff',
        elements: [
          { type: 'button', action_id: 'handoff_accept', style: 'primary', text: { type: 'plain_text', text: 'Accept' }, value },
          { type: 'button', action_id: 'handoff_decline', text: { type: 'plain_text', text: 'Decline' }, value },
        ],
      },
    ],
  };
}

/** The room's topic: severity · IC · when the next update is owed. */
export function roomTopic(state: IncidentState, mention: Mention): string {
  const ic = `IC ${mention(state.roles.incident_commander)}`;
  if (state.phase !== 'active') return `${state.severity} · ${ic} · resolved${state.phase === 'resolved' ? ' · postmortem owed' : ''}`;
  const next = state.nextUpdateBy ? `next update by ${state.nextUpdateBy.slice(11, 16)} UTC` : 'next update at resolution';
  return `${state.severity} · ${ic} · ${next}`;
}
