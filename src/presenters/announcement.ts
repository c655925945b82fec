/** The channel announcement posted when an incident is declared. */
import type { IncidentState } from '../domain/model/state.js';
import { utcMinute } from '../domain/model/time.js';

type Format = 'markdown' | 'text';

function mention(handle: string | null, format: Format): string {
  if (!handle) return '(unassigned)';
  return format === 'markdown' ? `@${handle}` : handle;
}

export function renderAnnouncement(state: IncidentState, format: Format = 'markdown'): string {
  const smes = state.smes.length
    ? state.smes.map((s) => `${mention(s.person, format)} (${s.specialty})`).join(', ')
    : '(none yet)';
  const started = utcMinute(state.startedAt);
  const header =
    format === 'markdown'
      ? `🚨 INCIDENT DECLARED, #${state.channel}`
      : `INCIDENT DECLARED, #${state.channel}`;
  return [
    header,
    `Severity: ${state.severity}`,
    `Started: ${started}`,
    `Summary: ${state.summary ?? state.title}`,
    '',
    'ROLES',
    `Incident Commander: ${mention(state.roles.incident_commander, format)}`,
    `Comms Lead: ${mention(state.roles.comms_lead, format)}`,
    `Scribe: ${mention(state.roles.scribe, format)}`,
    `SMEs: ${smes}`,
    '',
    'LINKS',
    `Status page: ${state.links.statusPage ?? '(none)'}`,
    `Dashboard: ${state.links.dashboard ?? '(none)'}`,
    `Runbook: ${state.links.runbook ?? '(none)'}`,
    '',
    'Post updates in this thread. Keep side-chatter out.',
    'The Scribe owns the timeline.',
    '',
  ].join('\n');
}
