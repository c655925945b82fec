/**
 * Microsoft Teams rules (pure): which events reach a Teams channel as a card, which of the
 * configured Workflows webhooks an incident's cards go to, and which incident a bot command
 * is about (Teams gets no room per incident, so the command names it, or there is one open).
 */
import type { RecordedEvent } from '../model/events.js';
import type { IncidentState } from '../model/state.js';

/** What a Teams card says happened; the presenter words it. */
export type TeamsNotice = 'declared' | 'update' | 'role' | 'reminder' | 'severity' | 'resolved' | 'reopened';

/**
 * The card an event calls for in the incident's Teams channel, or null. Private incidents
 * stay out of shared channels, as they stay out of the announce channel.
 */
export function teamsNotice(recorded: RecordedEvent, after: IncidentState): TeamsNotice | null {
  if (after.private) return null;
  switch (recorded.event.type) {
    case 'IncidentDeclared':
      return 'declared';
    case 'StatusUpdatePosted':
      // The final update is said once, on the resolved card that follows it.
      return recorded.event.status === 'resolved' ? null : 'update';
    case 'RoleAssigned':
    case 'RoleReleased':
    case 'CommanderAccepted':
      return 'role';
    case 'UpdateDueSoon':
    case 'UpdateOverdue':
    case 'OverdueEscalated':
      return 'reminder';
    case 'SeverityChanged':
      return 'severity';
    case 'IncidentResolved':
      return 'resolved';
    case 'IncidentReopened':
      return 'reopened';
    default:
      return null;
  }
}

/** The webhook key for an incident at `severity`: its own severity's, else `default`; null when neither is set. */
export function teamsWebhookKey(webhooks: Readonly<Record<string, string>>, severity: string): string | null {
  if (webhooks[severity]) return severity;
  return webhooks.default ? 'default' : null;
}

/** A bot command's leading incident reference (`INC-12 note …`), and the rest, which is the chat command grammar's. */
export function splitIncidentRef(text: string): { incident: number | null; rest: string } {
  const match = /^\s*INC-(\d{1,9})\b\s*/i.exec(text);
  return match ? { incident: Number(match[1]), rest: text.slice(match[0].length) } : { incident: null, rest: text };
}

/**
 * The incident a command is about: the one it named, else the only open one. `problem` says
 * what to write instead when neither holds.
 */
export function pickIncident(named: number | null, open: readonly number[]): { incident: number } | { problem: string } {
  if (named !== null) return { incident: named };
  if (open.length === 1) return { incident: open[0]! };
  if (open.length === 0) return { problem: 'No incident is open; name one as INC-12.' };
  return { problem: `${open.length} incidents are open: name one, as in \`INC-${open[0]} note …\`.` };
}
