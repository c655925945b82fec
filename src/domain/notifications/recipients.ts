/**
 * Who hears what (issue 3, point 3), pure: the handles an event concerns, before each
 * person's preferences and visibility are applied.
 *
 * - update due soon / overdue: the IC and the Comms Lead;
 * - overdue escalation: those, plus the severity's `escalateTo` (carried by the event);
 * - IC offered: the person offered;
 * - update posted (public or internal, the final one too): the incident's subscribers and
 *   its stakeholders (R7: the organization's and its severity's, unless the severity's
 *   audience is internal);
 * - role gap, postmortem owed: the IC.
 * The person who caused the event is not told about it.
 */
import type { RecordedEvent } from '../model/events.js';
import type { IncidentState } from '../model/state.js';
import { findSeverity, type SeverityPolicy } from '../model/policy.js';

/** Who is told of every status update of an incident of `severity`: nobody for an internal severity. */
export function stakeholdersOf(policy: SeverityPolicy, organization: string[], severity: string): string[] {
  const level = findSeverity(policy, severity);
  if (!level || level.audience === 'internal') return [];
  return [...new Set([...organization, ...level.stakeholders])];
}

export interface Followers {
  /** People following this incident (`POST /incidents/{id}/subscribers`). */
  subscribers: string[];
  /** `stakeholdersOf` the incident's severity. */
  stakeholders: string[];
}

export function recipientsOf(recorded: RecordedEvent, state: IncidentState, followers: Followers): string[] {
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
      handles = [...followers.subscribers, ...followers.stakeholders];
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
