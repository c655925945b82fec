/**
 * Which chat calls follow from an incident event: the room opened on declaring, what is
 * posted in it, who is invited, where the incident is announced. Platform-neutral and pure:
 * presenters (src/presenters/chat) say the words, the delivery worker makes the calls.
 */
import type { RecordedEvent } from '../model/events.js';
import type { IncidentState } from '../model/state.js';

export interface ChatSettings {
  /** Where every non-private incident is announced in one line (a channel name or id); null: nowhere. */
  announceChannel: string | null;
  /** Where incidents of `leadershipSeverities` are announced too. */
  leadershipChannel: string | null;
  /** The severities leadership hears of (the policy's most severe level). */
  leadershipSeverities: string[];
  /** How long after the postmortem has an owner the room is archived; null: never. */
  archiveAfterMs: number | null;
}

/** What a message is about; the presenter turns it into words (and the platform's blocks). */
export type ChatNotice =
  | { kind: 'announcement' }
  | { kind: 'declared_elsewhere' }
  | { kind: 'update' }
  | { kind: 'event' }
  | { kind: 'reminder'; mention: string[]; told: string[] }
  | { kind: 'handoff_offer'; handoffId: string };

/** Where a post goes: the incident's own room, or a shared channel. */
export type ChatTarget = 'room' | 'announce' | 'leadership';

export type ChatStep =
  | { op: 'create_room'; name: string; private: boolean }
  | { op: 'invite'; people: string[] }
  | { op: 'post'; to: ChatTarget; notice: ChatNotice; pin?: true }
  | { op: 'set_topic' }
  /** The pinned announcement brought up to date (severity, roles, status). */
  | { op: 'edit_announcement' }
  | { op: 'dm'; person: string; notice: ChatNotice }
  | { op: 'archive'; at: string };

function rolesOf(state: IncidentState): string[] {
  const people = [state.roles.incident_commander, state.roles.comms_lead, state.roles.scribe, state.declaredBy, ...state.smes.map((s) => s.person)];
  return [...new Set(people.filter((p): p is string => p !== null && p !== 'system' && !p.includes(':')))];
}

/** Who a reminder is for: the Comms Lead first (updates are theirs to write), then the IC. */
function updateOwners(state: IncidentState): string[] {
  return [...new Set([state.roles.comms_lead, state.roles.incident_commander].filter((p): p is string => p !== null))];
}

/** The announce and leadership notices of a (non-private) incident at `severity`. */
function notices(state: IncidentState, settings: ChatSettings, leadershipOnly: boolean): ChatStep[] {
  if (state.private) return [];
  const steps: ChatStep[] = [];
  if (!leadershipOnly && settings.announceChannel) steps.push({ op: 'post', to: 'announce', notice: { kind: 'declared_elsewhere' } });
  if (settings.leadershipChannel && settings.leadershipSeverities.includes(state.severity))
    steps.push({ op: 'post', to: 'leadership', notice: { kind: 'declared_elsewhere' } });
  return steps;
}

/** The chat calls `recorded` calls for, given the incident's state just after it. Order matters: it is the room's order. */
export function chatSteps(recorded: RecordedEvent, after: IncidentState, settings: ChatSettings): ChatStep[] {
  const { event } = recorded;
  const line: ChatStep = { op: 'post', to: 'room', notice: { kind: 'event' } };
  const announcement: ChatStep = { op: 'edit_announcement' };
  switch (event.type) {
    case 'IncidentDeclared':
      return [
        { op: 'create_room', name: after.channel, private: after.private },
        { op: 'invite', people: rolesOf(after) },
        { op: 'post', to: 'room', notice: { kind: 'announcement' }, pin: true },
        { op: 'set_topic' },
        ...notices(after, settings, false),
      ];
    case 'SeverityChanged':
      return [line, { op: 'set_topic' }, announcement, ...notices(after, settings, true)];
    case 'CommanderOffered':
      return [line, { op: 'dm', person: event.to, notice: { kind: 'handoff_offer', handoffId: event.handoffId } }];
    case 'CommanderAccepted':
      return [{ op: 'invite', people: [event.to] }, line, { op: 'set_topic' }, announcement];
    case 'RoleAssigned':
    case 'SmeAdded':
      return [{ op: 'invite', people: [event.person] }, line, announcement];
    // Whoever is given a task works in the room.
    case 'TaskCreated':
      return [{ op: 'invite', people: [event.owner] }, line];
    case 'TaskReassigned':
      return [{ op: 'invite', people: [event.to] }, line];
    case 'StatusUpdatePosted':
      return [{ op: 'post', to: 'room', notice: { kind: 'update' } }, { op: 'set_topic' }, announcement];
    case 'StatusChanged':
      // The update that moved the status says so in the room; the announcement shows the status.
      return [announcement];
    case 'IncidentResolved':
    case 'IncidentReopened':
    case 'IncidentMerged':
      return [line, { op: 'set_topic' }, announcement];
    case 'RoleReleased':
    case 'SmeReleased':
    case 'IncidentEdited':
      return [line, announcement];
    case 'IncidentMergedIn':
      return [line];
    case 'PostmortemAssigned':
    case 'PostmortemScheduled':
      return settings.archiveAfterMs === null
        ? [line, { op: 'set_topic' }]
        : [line, { op: 'set_topic' }, { op: 'archive', at: new Date(Date.parse(recorded.recordedAt) + settings.archiveAfterMs).toISOString() }];
    case 'UpdateDueSoon':
    case 'UpdateOverdue':
      return [{ op: 'post', to: 'room', notice: { kind: 'reminder', mention: updateOwners(after), told: [] } }];
    case 'OverdueEscalated':
      return [{ op: 'post', to: 'room', notice: { kind: 'reminder', mention: updateOwners(after), told: event.escalateTo } }];
    case 'RoleGapNudged':
    case 'PostmortemReminded':
      return [{ op: 'post', to: 'room', notice: { kind: 'reminder', mention: [event.commander], told: [] } }];
    case 'CommanderDeclined':
    case 'CommanderOfferLapsed':
    case 'CommanderWentHandsOn':
    case 'PageAcknowledged':
    case 'TimelineEntryAdded':
    case 'AlertObserved':
    case 'MoreAlertsObserved':
    case 'IncidentPublished':
    case 'IncidentUnpublished':
    case 'ComponentStatusSet':
    case 'PostmortemPublished':
    case 'PostmortemDocumentSaved':
    case 'PostmortemReviewRequested':
    case 'PublicUpdateNotByCommsLead':
    case 'UpdateHeld':
    case 'DraftApproved':
    case 'DraftRejected':
    case 'TaskStateChanged':
    case 'TaskRetitled':
      return [line];
  }
}

