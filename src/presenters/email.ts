/**
 * E-mail bodies from the same templates as chat: a status update is `renderUpdateText`
 * (plain part) and `renderUpdateMarkdown` turned into HTML (HTML part); any other event
 * is its timeline sentence (`toTimelineEntry`). User text is HTML-escaped before the one
 * piece of Markdown the templates use (`**bold**`) becomes markup.
 */
import type { RecordedEvent } from '../domain/model/events.js';
import type { IncidentState } from '../domain/model/state.js';
import { renderUpdateMarkdown, renderUpdateText } from './status-update.js';
import { toTimelineEntry } from './timeline.js';
import { incidentId } from '../domain/model/ids.js';
import type { NotificationEventType } from '../domain/notifications/events.js';

const SUBJECTS: Record<NotificationEventType, string> = {
  'incident.declared': 'declared',
  'incident.severity_changed': 'severity changed',
  'incident.role_offered': 'you are offered Incident Commander',
  'incident.role_assigned': 'role assigned',
  'incident.update_posted': 'status update',
  'incident.update_due_soon': 'status update due soon',
  'incident.update_overdue': 'status update overdue',
  'incident.overdue_escalated': 'status update overdue (escalated)',
  'incident.role_gap': 'roles still uncovered',
  'incident.resolved': 'resolved',
  'incident.postmortem_owed': 'postmortem owed',
};

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The templates' Markdown (bold and line breaks) as HTML, every character of text escaped first. */
export function markdownToHtml(markdown: string): string {
  const body = escapeHtml(markdown.trimEnd())
    .replace(/\*\*([^*\n]+)\*\*/g, '<strong>$1</strong>')
    .split('\n')
    .join('<br>\n');
  return `<!doctype html>\n<html><body><p>${body}</p></body></html>\n`;
}

export function renderEmail(type: NotificationEventType, recorded: RecordedEvent, state: IncidentState): { subject: string; text: string; html: string } {
  const subject = `[${state.severity}] ${incidentId(state.number)} ${state.title}: ${SUBJECTS[type]}`;
  if (recorded.event.type === 'StatusUpdatePosted' && state.lastUpdate) {
    return { subject, text: renderUpdateText(state.title, state.lastUpdate), html: markdownToHtml(renderUpdateMarkdown(state.title, state.lastUpdate)) };
  }
  const heading = `[${state.severity}] ${incidentId(state.number)} ${state.title}`;
  const sentence = toTimelineEntry(recorded).text;
  return { subject, text: `${heading}\n${sentence}\n`, html: markdownToHtml(`**${heading}**\n${sentence}\n`) };
}
