/**
 * Every change to an incident is one of these, past tense. The Scribe's timeline,
 * the postmortem draft and (later) the realtime stream read them. The reminders (R4, R8,
 * R11) are events too, recorded by the scheduler as `system` when they come due.
 */
export type UpdateStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';
export type UpdateAudience = 'public' | 'internal';
export type DeputyRole = 'comms_lead' | 'scribe';
export type RoleName = 'incident_commander' | DeputyRole;
export const MANUAL_ENTRY_KINDS = ['note', 'observation', 'action', 'decision', 'hypothesis', 'ruled_out'] as const;
export type ManualEntryKind = (typeof MANUAL_ENTRY_KINDS)[number];
/** The status page's component vocabulary, Atlassian Statuspage's values, best first. */
export const COMPONENT_STATUSES = ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

/** An alert as it is put on an incident's timeline: what the entry says about it. */
export interface ObservedAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  severity: string | null;
  summary: string | null;
  generatorUrl: string | null;
}

export interface Links {
  statusPage: string | null;
  dashboard: string | null;
  runbook: string | null;
}

export type IncidentEvent =
  | {
      type: 'IncidentDeclared';
      number: number;
      title: string;
      severity: string;
      summary: string | null;
      startedAt: string;
      declaredAt: string;
      channel: string;
      components: string[];
      links: Links;
      private: boolean;
      commander: string;
      /** The first update is owed within the severity's cadence; null when it has none. */
      nextUpdateBy: string | null;
    }
  | { type: 'SeverityChanged'; from: string; to: string; reason: string; nextUpdateBy: string | null }
  | { type: 'CommanderOffered'; handoffId: string; from: string; to: string; supersedes: string | null }
  | { type: 'CommanderAccepted'; handoffId: string; from: string; to: string }
  | { type: 'CommanderDeclined'; handoffId: string; from: string; to: string }
  /** An IC offer still unanswered when the incident resolved. */
  | { type: 'CommanderOfferLapsed'; handoffId: string; from: string; to: string }
  | { type: 'RoleAssigned'; role: DeputyRole; person: string; previous: string | null }
  | { type: 'RoleReleased'; role: DeputyRole; person: string }
  | { type: 'SmeAdded'; person: string; specialty: string }
  | { type: 'SmeReleased'; person: string; specialty: string }
  | { type: 'CommanderWentHandsOn'; commander: string; via: 'action' | 'sme' }
  | { type: 'TimelineEntryAdded'; kind: ManualEntryKind; text: string; occurredAt: string; corrects: number | null }
  /** An alert of the incident's group came in new, or changed status, as of `occurredAt` (its own time). */
  | { type: 'AlertObserved'; group: number; alert: ObservedAlert; occurredAt: string }
  /** More alerts of the group came in or changed than the timeline lists one by one. */
  | { type: 'MoreAlertsObserved'; group: number; count: number }
  | {
      type: 'StatusUpdatePosted';
      status: UpdateStatus;
      impact: string;
      whatWeKnow: string;
      nextStep: string | null;
      nextUpdateBy: string | null;
      audience: UpdateAudience;
    }
  | { type: 'StatusChanged'; from: UpdateStatus; to: UpdateStatus }
  | { type: 'IncidentResolved'; postmortemRequired: boolean }
  | { type: 'PostmortemAssigned'; owner: string; scheduledFor: string }
  /** The finished postmortem is published at `url`: the status page links to it. */
  | { type: 'PostmortemPublished'; url: string }
  /** R10: a responder put an incident whose severity is not public on the status page. */
  | { type: 'IncidentPublished' }
  /** R10: how an affected component is doing, as the responders say; `from` null when it was not affected before. */
  | { type: 'ComponentStatusSet'; component: string; status: ComponentStatus; from: ComponentStatus | null }
  /** R8: the promised update is due within the reminder lead time. */
  | { type: 'UpdateDueSoon'; promisedBy: string; lastUpdateAt: string | null }
  /** R8: the promised time passed with no newer update. */
  | { type: 'UpdateOverdue'; promisedBy: string; lastUpdateAt: string | null }
  /** R8: still overdue after the escalation delay; `escalation` counts from 1 per promise. */
  | { type: 'OverdueEscalated'; promisedBy: string; lastUpdateAt: string | null; escalation: number; escalateTo: string[] }
  /** R4: the severity's roles are still not covered; the IC is nudged. `gaps` are the role-gap codes. */
  | { type: 'RoleGapNudged'; commander: string; gaps: string[] }
  /** R11: resolved, and the postmortem still has no owner and date. */
  | { type: 'PostmortemReminded'; commander: string; resolvedAt: string };

export type IncidentEventType = IncidentEvent['type'];

/** An event as recorded: its place in the incident's stream, who and when. */
export interface RecordedEvent<E extends IncidentEvent = IncidentEvent> {
  incident: number;
  seq: number;
  actor: string;
  recordedAt: string;
  event: E;
}
