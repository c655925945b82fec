/**
 * Who hears what (issue 3, point 3), pure: the handles an event concerns, before each
 * person's preferences and visibility are applied.
 *
 * - update due soon / overdue: the IC and the Comms Lead;
 * - overdue escalation: those, plus the severity's `escalateTo` (carried by the event);
 * - IC offered: the person offered;
 * - update posted: the incident's subscribers;
 * - role gap, postmortem owed: the IC.
 * The person who caused the event is not told about it.
 */
import type { RecordedEvent } from '../domain/events.js';
import type { IncidentState } from '../domain/state.js';

export function recipientsOf(recorded: RecordedEvent, state: IncidentState, subscribers: string[]): string[] {
  const e = recorded.event;
  const leads = [state.roles.incident_commander, state.roles.comms_lead].filter((h): h is string => typeof h === 'string');
  let handles: string[];
  switch (e.type) {
    case 'UpdateDueSoon':
    case 'UpdateOverdue':
      handles = leads;
      break;
    case 'OverdueEscalated':
      handles = [...leads, ...e.escalateTo];
      break;
    case 'CommanderOffered':
      handles = [e.to];
      break;
    case 'StatusUpdatePosted':
      handles = subscribers;
      break;
    case 'RoleGapNudged':
    case 'PostmortemReminded':
      handles = [e.commander];
      break;
    default:
      handles = [];
  }
  return [...new Set(handles)].filter((h) => h !== recorded.actor);
}
