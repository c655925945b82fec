/**
 * What status page subscribers receive, pure. Mails carry only what the page shows (the
 * public update, never who is in the room unless the page shows names) and, every one
 * after confirmation, the way out: an unsubscribe link in the text and RFC 8058 one-click
 * headers (`List-Unsubscribe` with the https link, `List-Unsubscribe-Post:
 * List-Unsubscribe=One-Click`), so a mail client's own "unsubscribe" button works with one
 * POST. Update text is the responders' Markdown: the HTML part is rendered through the
 * same sanitizer as the page.
 */
import type { PublicUpdate } from '../../domain/status-page/visibility.js';
import { escapeHtml, renderMarkdown } from './markdown.js';
import { utcMinute } from '../../domain/model/time.js';

export interface Mail {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string> | null;
}

/** Where the links in mails point: the server's public address (see `subscriberLinks`). */
export interface SubscriberLinks {
  page: string;
  confirm(token: string): string;
  unsubscribe(token: string): string;
  incident(id: string): string;
}

/**
 * Confirming and unsubscribing are answered by this server (`serverUrl`); the page and its
 * incidents are read where the page is published (`links.statusPage`, perhaps a CDN), as
 * the feed and the JSON link them.
 */
export function subscriberLinks(serverUrl: string, pageUrl: string | null = null): SubscriberLinks {
  const server = serverUrl.replace(/\/+$/, '');
  const page = (pageUrl ?? serverUrl).replace(/\/+$/, '');
  return {
    page: `${page}/status`,
    confirm: (token) => `${server}/status/subscription/confirm?token=${encodeURIComponent(token)}`,
    unsubscribe: (token) => `${server}/status/unsubscribe?token=${encodeURIComponent(token)}`,
    incident: (id) => `${page}/status/incidents/${encodeURIComponent(id)}`,
  };
}

const STATUS_WORDS: Record<PublicUpdate['status'], string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

function page(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>\n${body}\n</body></html>\n`;
}

export function confirmationMail(input: { pageTitle: string; confirmUrl: string }): Mail {
  const subject = `Confirm your subscription to ${input.pageTitle}`;
  const text = [
    `Someone (we hope you) asked to be told by e-mail when ${input.pageTitle} posts an update.`,
    '',
    `To confirm, open this link and press "Confirm":`,
    input.confirmUrl,
    '',
    'If it was not you, ignore this message: nothing is sent until the subscription is confirmed.',
    '',
  ].join('\n');
  const html = page(
    subject,
    `<p>Someone (we hope you) asked to be told by e-mail when ${escapeHtml(input.pageTitle)} posts an update.</p>\n` +
      `<p><a href="${escapeHtml(input.confirmUrl)}">Confirm your subscription</a></p>\n` +
      '<p>If it was not you, ignore this message: nothing is sent until the subscription is confirmed.</p>',
  );
  return { subject, text, html, headers: null };
}

export interface UpdateMailInput {
  pageTitle: string;
  incident: { id: string; title: string; url: string };
  update: PublicUpdate;
  unsubscribeUrl: string;
}

/** One public update, as the page shows it, with the one-click way out. */
export function updateMail(input: UpdateMailInput): Mail {
  const { update, incident } = input;
  const status = STATUS_WORDS[update.status];
  const subject = `[${input.pageTitle}] ${incident.title}: ${status}`;
  const next = update.status !== 'resolved' && update.nextUpdateBy ? `Next update: by ${utcMinute(update.nextUpdateBy)} (or sooner if status changes).` : null;
  const by = update.postedBy ? ` by @${update.postedBy}` : '';
  const text = [
    `${incident.title}`,
    `Status: ${status}`,
    '',
    update.markdown,
    '',
    ...(next ? [next] : []),
    `Posted ${utcMinute(update.postedAt)}${by}. Full history: ${incident.url}`,
    '',
    '--',
    `You are subscribed to ${input.pageTitle}. Unsubscribe: ${input.unsubscribeUrl}`,
    '',
  ].join('\n');
  const html = page(
    subject,
    `<h1>${escapeHtml(incident.title)}</h1>\n<p><strong>Status:</strong> ${status}</p>\n${renderMarkdown(update.markdown)}\n` +
      (next ? `<p>${escapeHtml(next)}</p>\n` : '') +
      `<p>Posted ${escapeHtml(utcMinute(update.postedAt))}${escapeHtml(by)}. <a href="${escapeHtml(incident.url)}">Full history</a></p>\n` +
      `<hr>\n<p>You are subscribed to ${escapeHtml(input.pageTitle)}. <a href="${escapeHtml(input.unsubscribeUrl)}">Unsubscribe</a></p>`,
  );
  return {
    subject,
    text,
    html,
    headers: { 'List-Unsubscribe': `<${input.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}
