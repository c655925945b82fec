/**
 * The status update template. People in a panic want the same fields in the same
 * order every time, so the shape never varies.
 */
import { hhmmUtc } from '../domain/model/time.js';
import type { StatusUpdate } from '../domain/model/state.js';

export const STATUS_LABELS = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
} as const;

type Renderable = Pick<StatusUpdate, 'status' | 'impact' | 'whatWeKnow' | 'nextStep' | 'nextUpdateBy' | 'postedAt' | 'severity'>;

function nextUpdateLine(update: Renderable): string {
  if (update.status === 'resolved') return 'Next update: none, this incident is resolved. A postmortem follows where policy requires one.';
  if (!update.nextUpdateBy) return 'Next update: at resolution (or sooner if status changes).';
  return `Next update: by ${hhmmUtc(update.nextUpdateBy)} UTC (or sooner if status changes).`;
}

function lines(update: Renderable): string[] {
  return [
    `Status: ${STATUS_LABELS[update.status]}`,
    `Impact: ${update.impact}`,
    `What we know:\n${update.whatWeKnow}`,
    `Next step: ${update.nextStep ?? 'Watch for recurrence; follow-ups go to the postmortem.'}`,
    nextUpdateLine(update),
  ];
}

export function updateHeader(title: string, update: Renderable): string {
  return `[${update.severity}] ${title}, UPDATE ${hhmmUtc(update.postedAt)} UTC`;
}

export function renderUpdateMarkdown(title: string, update: Renderable): string {
  return [`**${updateHeader(title, update)}**`, ...lines(update)].join('\n') + '\n';
}

export function renderUpdateText(title: string, update: Renderable): string {
  return [updateHeader(title, update), ...lines(update)].join('\n') + '\n';
}
