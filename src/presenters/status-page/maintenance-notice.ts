/**
 * A maintenance notice (src/domain/maintenance/notices.ts) as subscribers receive it: the
 * e-mail, with the same one-click way out as every subscriber mail, and the public
 * webhook's body, the window in Statuspage's scheduled-maintenance shape. Times are UTC.
 */
import { REMINDER_LEAD_WORDS, type MaintenanceWindow } from '../../domain/maintenance/window.js';
import type { NoticeKind, NoticeNews } from '../../domain/maintenance/notices.js';
import { statuspageMaintenance } from '../../domain/maintenance/statuspage.js';
import { utcMinute } from '../../domain/model/time.js';
import { escapeHtml, renderMarkdown } from './markdown.js';
import type { Mail } from './subscriber-mail.js';

/** The webhook type and e-mail type of a maintenance notice. */
export const MAINTENANCE_NOTICE_TYPE = 'status.maintenance_updated';

/** What happened (a reminder with its lead time), and to which window of which page. */
export type NoticeInput = NoticeNews & {
  pageTitle: string;
  /** The page's public address (`/status`). */
  pageUrl: string;
  /** The window as it was when this happened. */
  window: MaintenanceWindow;
  /** When it happened (UTC). */
  at: string;
  /** The names of the window's components, in its order. */
  componentNames: string[];
  /** For a reschedule: the names of components it no longer affects (told to those who followed them). */
  droppedNames: string[];
};

const HEADLINE: Record<NoticeKind, string> = {
  scheduled: 'Scheduled maintenance',
  rescheduled: 'Maintenance rescheduled',
  reminder: 'Maintenance reminder',
  started: 'Maintenance in progress',
  completed: 'Maintenance completed',
  cancelled: 'Maintenance cancelled',
};

/** What the notice says happened, in a sentence. */
function news(input: NoticeInput): string {
  const { window, at } = input;
  const span = `from ${utcMinute(window.startsAt)} to ${utcMinute(window.endsAt)}`;
  switch (input.kind) {
    case 'scheduled':
      return `Maintenance is scheduled ${span}.`;
    case 'rescheduled':
      return window.startsAt <= at ? `The maintenance in progress is now planned to end by ${utcMinute(window.endsAt)}.` : `The maintenance has changed: it is now scheduled ${span}.`;
    case 'reminder':
      return `Reminder: maintenance begins in ${REMINDER_LEAD_WORDS[input.remindBefore]}, at ${utcMinute(window.startsAt)}, and is planned to end by ${utcMinute(window.endsAt)}.`;
    case 'started':
      return `Scheduled maintenance is in progress; it is planned to end by ${utcMinute(window.endsAt)}.`;
    case 'completed':
      return `The scheduled maintenance has been completed (${utcMinute(window.endsAt)}).`;
    case 'cancelled':
      // Called off at its start or later: it had begun (a window is in progress from its first moment).
      return window.cancelledAt !== null && window.cancelledAt >= window.startsAt
        ? `The maintenance was called off at ${utcMinute(window.cancelledAt)}.`
        : `The maintenance planned ${span} has been cancelled: it will not take place.`;
  }
}

/** Which components, said plainly: what it affects, and what it no longer does. */
function affects(input: NoticeInput): string[] {
  return [
    ...(input.componentNames.length ? [`Affects: ${input.componentNames.join(', ')}`] : []),
    ...(input.droppedNames.length ? [`No longer affects: ${input.droppedNames.join(', ')}`] : []),
  ];
}

export function maintenanceMail(input: NoticeInput & { unsubscribeUrl: string }): Mail {
  const { window } = input;
  const subject = `[${input.pageTitle}] ${HEADLINE[input.kind]}: ${window.title}`;
  const components = affects(input);
  const text = [
    window.title,
    news(input),
    ...components,
    '',
    window.message,
    '',
    `The status page: ${input.pageUrl}`,
    '',
    '--',
    `You are subscribed to ${input.pageTitle}. Unsubscribe: ${input.unsubscribeUrl}`,
    '',
  ].join('\n');
  const html =
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>\n` +
    `<h1>${escapeHtml(window.title)}</h1>\n<p><strong>${escapeHtml(news(input))}</strong></p>\n` +
    components.map((line) => `<p>${escapeHtml(line)}</p>\n`).join('') +
    `${renderMarkdown(window.message)}\n<p><a href="${escapeHtml(input.pageUrl)}">The status page</a></p>\n` +
    `<hr>\n<p>You are subscribed to ${escapeHtml(input.pageTitle)}. <a href="${escapeHtml(input.unsubscribeUrl)}">Unsubscribe</a></p>\n</body></html>\n`;
  return {
    subject,
    text,
    html,
    headers: { 'List-Unsubscribe': `<${input.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/**
 * The public webhook's body: `scheduled_maintenance` as `/api/v2/scheduled-maintenances.json`
 * lists it (as of the notice; its components as id and name), `notice` what happened (a
 * reminder with `remindBefore`, so a receiver tells "in 72 hours" from "in 1 hour"); a
 * cancelled window, which Statuspage has no status for, says `cancelled`. `sequence` grows with
 * each notice of a window (with gaps): deliveries go out side by side and are retried, so a
 * receiver may get two out of order, and keeps the one with the greater number.
 */
export function maintenanceWebhookBody(input: NoticeInput & { pageId: string; sequence: number }): string {
  const { window } = input;
  const names = new Map(window.components.map((id, i) => [id, input.componentNames[i] ?? id]));
  const maintenance = statuspageMaintenance(window, {
    pageId: input.pageId,
    pageUrl: input.pageUrl.replace(/\/status$/, ''),
    now: input.at,
    component: (id) => ({ id, name: names.get(id) ?? id }),
  });
  return JSON.stringify({
    type: MAINTENANCE_NOTICE_TYPE,
    timestamp: input.at,
    notice: input.kind,
    ...(input.kind === 'reminder' ? { remindBefore: input.remindBefore } : {}),
    sequence: input.sequence,
    page: { id: input.pageId, name: input.pageTitle, url: input.pageUrl },
    scheduled_maintenance: input.kind === 'cancelled' ? { ...maintenance, status: 'cancelled' } : maintenance,
  });
}
