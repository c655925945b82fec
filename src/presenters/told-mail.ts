/**
 * The e-mail someone gets when they are told at once (src/domain/notifications/paging.ts):
 * why they are told, what is asked of them (the role's duties in the playbook's words) and
 * the link to the incident's room in the console.
 */
import type { IncidentState } from '../domain/model/state.js';
import type { Told } from '../domain/notifications/paging.js';
import { ROLE_DUTIES, ROLE_TITLES } from '../domain/roles/duties.js';
import { incidentId } from '../domain/model/ids.js';
import { markdownToHtml } from './email.js';

/** Why someone is told, as a subject and lines: shared by the e-mail, the chat DM and the page (src/presenters/pages.ts). */
export function whyTold(told: Told, response: string | null): { subject: string; lines: string[] } {
  const reason = told.reason;
  if (reason.kind === 'paged') {
    const list = reason.group ? `the ${reason.severity} page list (group ${reason.group})` : `the ${reason.severity} page list`;
    const what = reason.upgradedFrom ? `upgraded from ${reason.upgradedFrom} to ${reason.severity}` : `declared at ${reason.severity}`;
    return { subject: `${reason.severity} ${reason.upgradedFrom ? 'upgrade' : 'declared'}: you are paged`, lines: [`This incident was ${what}. You are on ${list}.`, ...(response ? [`${reason.severity} response: ${response}`] : [])] };
  }
  const title = ROLE_TITLES[reason.role];
  const asked = reason.offered
    ? `You are offered ${title}: accept or decline in the incident's room.`
    : reason.role === 'sme'
      ? `You are pulled in as ${title}${reason.specialty ? ` (${reason.specialty})` : ''}.`
      : `You are named ${title}.`;
  return { subject: reason.offered ? `you are offered ${title}` : `you are ${title}`, lines: [asked, `What is asked of you: ${ROLE_DUTIES[reason.role]}`] };
}

export const toldHeading = (state: IncidentState): string => `[${state.severity}] ${incidentId(state.number)} ${state.title}`;

/** The incident's room in the console. */
export const incidentLink = (consoleUrl: string, number: number): string => `${consoleUrl.replace(/\/+$/, '')}/incidents/${incidentId(number)}`;

/** `consoleUrl`: the console's address (the server's public URL); `response`: the paged severity's response, from the policy. */
export function renderToldEmail(told: Told, state: IncidentState, links: { consoleUrl: string; response: string | null }): { subject: string; text: string; html: string } {
  const { subject, lines } = whyTold(told, links.response);
  const consoleUrl = links.consoleUrl;
  const heading = toldHeading(state);
  const link = incidentLink(consoleUrl, state.number);
  const body = [...lines, ...(state.summary ? [`Summary: ${state.summary}`] : []), `Open the incident: ${link}`].join('\n');
  return { subject: `${heading}: ${subject}`, text: `${heading}\n${body}\n`, html: markdownToHtml(`**${heading}**\n${body}\n`) };
}
