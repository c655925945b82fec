/**
 * The e-mail that carries the postmortem review's invite (the .ics from postmortem-ics.ts
 * rides along as a text/calendar attachment): when, how long, who owns it, and the links.
 */
import type { IncidentState } from '../domain/model/state.js';
import { incidentId } from '../domain/model/ids.js';
import { utcMinute } from '../domain/model/time.js';
import { markdownToHtml } from './email.js';

export function renderInviteEmail(state: IncidentState, links: { consoleUrl: string }): { subject: string; text: string; html: string } {
  const postmortem = state.postmortem;
  if (!postmortem) throw new Error('a postmortem invite needs the review scheduled');
  const id = incidentId(state.number);
  const base = links.consoleUrl.replace(/\/+$/, '');
  const heading = `[${state.severity}] ${id} ${state.title}`;
  const when = `${utcMinute(postmortem.scheduledFor)} for ${state.postmortemFlow.minutes} minutes`;
  const body = [
    `Postmortem review: ${when}, owned by @${postmortem.owner}.`,
    'The invite is attached (add it to your calendar); a new date moves the same meeting.',
    `The incident and its postmortem: ${base}/incidents/${id}`,
    'Blameless: how the system and the process let this happen, not who did what wrong.',
  ].join('\n');
  return { subject: `${heading}: postmortem review ${utcMinute(postmortem.scheduledFor)}`, text: `${heading}\n${body}\n`, html: markdownToHtml(`**${heading}**\n${body}\n`) };
}
