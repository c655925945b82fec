/** Follow-ups in words: the API answer, the incident's timeline lines, and the owner's reminder e-mail. */
import { isOverdue, label, type FollowUp } from '../domain/follow-ups/follow-up.js';
import type { FollowUpReminderKind } from '../domain/follow-ups/reminders.js';
import type { FollowUpLink } from '../domain/follow-ups/export.js';
import { incidentId } from '../domain/model/ids.js';
import { escapeHtml } from './email.js';

/** The issue a follow-up was exported to, once made (a claim in progress is not shown). */
export function presentLink(link: FollowUpLink | null | undefined) {
  if (link?.state !== 'linked') return null;
  return {
    tracker: link.tracker,
    key: link.key!,
    url: link.url!,
    exportedAt: link.exportedAt!,
    exportedBy: link.exportedBy,
    remoteState: link.remoteState,
    syncedAt: link.syncedAt,
    lastError: link.lastError,
  };
}

export function presentFollowUp(item: FollowUp, now: string, link?: FollowUpLink | null) {
  return {
    id: item.id,
    incident: incidentId(item.incident),
    title: item.title,
    owner: item.owner,
    due: item.due,
    priority: item.priority,
    state: item.state,
    overdue: isOverdue(item, now),
    reason: item.reason,
    sourceEntry: item.sourceEntry,
    version: item.version,
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    closedAt: item.closedAt,
    closedBy: item.closedBy,
    link: presentLink(link),
  };
}

/** The note put on the incident's timeline when an item is opened. */
export function followUpOpenedText(item: FollowUp): string {
  const from = item.sourceEntry === null ? '' : ` (from entry ${item.sourceEntry})`;
  return `Follow-up ${item.id} opened${from}: ${item.title} — owner @${item.owner}, due ${item.due}, ${item.priority}.`;
}

/** The note put on the incident's timeline when an item is done or will not be done. */
export function followUpClosedText(item: FollowUp): string {
  const why = item.state === 'wont_do' && item.reason ? ` Why: ${item.reason}` : '';
  return `Follow-up ${item.id} ${label(item.state)}: ${item.title}.${why}`;
}

export function followUpReminderMail(item: FollowUp, kind: FollowUpReminderKind, links: { publicUrl: string }) {
  const inc = incidentId(item.incident);
  const when = kind === 'due' ? `is due today (${item.due})` : `was due on ${item.due} and is overdue`;
  const subject = `[${inc}] Follow-up ${kind === 'due' ? 'due today' : 'overdue'}: ${item.title}`;
  const url = `${links.publicUrl.replace(/\/+$/, '')}/api/v1/follow-ups/${item.id}`;
  const lines = [
    `Your follow-up from ${inc} ${when}:`,
    '',
    `  ${item.title} (${item.priority})`,
    '',
    `Done: incident follow-up done ${item.id}`,
    `Not worth doing: incident follow-up wontdo ${item.id} --reason "…"`,
    `New date: incident follow-up edit ${item.id} --due YYYY-MM-DD`,
    '',
    url,
  ];
  const html = lines.map((line) => (line ? `<p>${escapeHtml(line)}</p>` : '')).join('\n');
  return { subject, text: `${lines.join('\n')}\n`, html };
}

/**
 * The issue a follow-up becomes in the team's tracker. A private incident's title stays
 * here: the tracker is read by more people than the incident is.
 */
export function followUpIssueDraft(item: FollowUp, incident: { title: string; severity: string; private: boolean }, links: { publicUrl: string }) {
  const inc = incidentId(item.incident);
  const from = incident.private ? `${inc} (private)` : `${inc} (${incident.severity}: ${incident.title})`;
  return {
    summary: item.title,
    paragraphs: [
      `Follow-up from ${from}. Owner @${item.owner}, due ${item.due}, ${item.priority}.`,
      `Opened by Incident Command as ${item.id}: closing this issue closes the follow-up (closed as not planned: won't do).`,
    ],
    link: `${links.publicUrl.replace(/\/+$/, '')}/incidents/${inc}`,
  };
}
