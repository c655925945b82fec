/**
 * Every change to an incident is one of these, past tense. The Scribe's timeline,
 * the postmortem draft and (later) the realtime stream read them. The reminders (R4, R8,
 * R11) are events too, recorded by the scheduler as `system` when they come due.
 */
export type UpdateStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';
export type UpdateAudience = 'public' | 'internal';
export type DeputyRole = 'comms_lead' | 'scribe';
export type RoleName = 'incident_commander' | DeputyRole;
/** `finding`: what an SME found, reported up to someone (the IC unless said otherwise). */
export const MANUAL_ENTRY_KINDS = ['note', 'observation', 'action', 'decision', 'hypothesis', 'ruled_out', 'finding'] as const;
export type ManualEntryKind = (typeof MANUAL_ENTRY_KINDS)[number];
/** The status page's component vocabulary, Atlassian Statuspage's values, best first. */
export const COMPONENT_STATUSES = ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];
/** A task inside an incident: being worked, finished, or stuck on something the IC should remove. */
export const TASK_STATES = ['open', 'done', 'blocked'] as const;
export type TaskState = (typeof TASK_STATES)[number];
/** Which update a promise is for: the one at start, one on the cadence, or the final one (R8). */
export type OwedUpdate = 'first' | 'next' | 'final';

/** An alert as it is put on an incident's timeline: what the entry says about it. */
export interface ObservedAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  severity: string | null;
  summary: string | null;
  generatorUrl: string | null;
}

export interface DrillMark {
  id: string;
  notify: boolean;
}

export interface Links {
  statusPage: string | null;
  dashboard: string | null;
  runbook: string | null;
}

/** What the responders understand of the incident, which may be corrected as understanding evolves. */
export interface IncidentDetails {
  title: string;
  summary: string | null;
  links: Links;
  components: string[];
  startedAt: string;
}
export const DETAIL_FIELDS = ['title', 'summary', 'links', 'components', 'startedAt'] as const satisfies readonly (keyof IncidentDetails)[];
export type DetailField = (typeof DETAIL_FIELDS)[number];

/** One detail corrected, from what it was to what it is now, and why. */
export type DetailEdited = {
  [F in DetailField]: { type: 'IncidentEdited'; field: F; from: IncidentDetails[F]; to: IncidentDetails[F]; reason: string };
}[DetailField];

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
      /** The first update is owed within the severity's `firstUpdateWithin` (before it existed: its cadence, or null). */
      nextUpdateBy: string | null;
      /** A drill's incident (absent for real ones): kept out of insights, and of everything outward unless `notify`. */
      drill?: DrillMark;
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
  /** A page (src/domain/notifications/pages.ts) was acknowledged in the tool it went through; `by`: who, as that tool names them. */
  | { type: 'PageAcknowledged'; page: string; via: 'pagerduty' | 'opsgenie' | 'webhook'; people: string[]; by: string | null; occurredAt: string }
  /**
   * `to`: whom a finding is addressed to (absent on other kinds and in entries recorded before findings).
   * `change`: the change (src/domain/changes) a hypothesis suspects, when one click put it there.
   */
  | { type: 'TimelineEntryAdded'; kind: ManualEntryKind; text: string; occurredAt: string; corrects: number | null; to?: string; change?: string }
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
  /** A public update went out from someone other than the Comms Lead (`updates.publicBy: anyone`). */
  | { type: 'PublicUpdateNotByCommsLead'; commsLead: string }
  /** A public update held for the Comms Lead (`updates.publicBy: comms-lead-approves`) as draft `draftId`. */
  | {
      type: 'UpdateHeld';
      draftId: string;
      commsLead: string;
      status: UpdateStatus;
      impact: string;
      whatWeKnow: string;
      nextStep: string | null;
      nextUpdateBy: string | null;
      audience: UpdateAudience;
    }
  /** The held update was approved; the StatusUpdatePosted that follows posts it. */
  | { type: 'DraftApproved'; draftId: string; draftedBy: string }
  | { type: 'DraftRejected'; draftId: string; draftedBy: string; reason: string }
  | { type: 'IncidentResolved'; postmortemRequired: boolean }
  | DetailEdited
  /** Resolved too early: open again, at the status it had before resolving, owing an update by `nextUpdateBy`. */
  | { type: 'IncidentReopened'; reason: string; status: UpdateStatus; nextUpdateBy: string | null }
  /** Declared twice for one failure: this one is closed, its record carried to incident `into`. */
  | { type: 'IncidentMerged'; into: number; reason: string | null }
  /**
   * Incident `from` was merged into this one: its timeline entries and alert observations follow as
   * entries of their own, its alert groups (`alertGroups`) now belong here; `notCarried` entries past the cap stay there.
   */
  | { type: 'IncidentMergedIn'; from: number; title: string; reason: string | null; alertGroups: number[]; carried: number; notCarried: number }
  /** Who is on what: a task `taskId` (t12) given to `owner`. */
  | { type: 'TaskCreated'; taskId: string; title: string; owner: string }
  /** Marked done or blocked (with the reason), or reopened; `owner` and `title` as they were then. */
  | { type: 'TaskStateChanged'; taskId: string; title: string; owner: string; from: TaskState; to: TaskState; reason: string | null }
  | { type: 'TaskReassigned'; taskId: string; title: string; from: string; to: string }
  | { type: 'TaskRetitled'; taskId: string; from: string; to: string }
  | { type: 'PostmortemAssigned'; owner: string; scheduledFor: string }
  /** The review meeting is set (issue 16): its owner, start and length; the invite goes out by e-mail. */
  | { type: 'PostmortemScheduled'; owner: string; scheduledFor: string; minutes: number }
  /** Revision `revision` of the postmortem document was saved (its text is in postmortem_revisions). */
  | { type: 'PostmortemDocumentSaved'; revision: number }
  /** The document, at `revision`, is up for the team's review. */
  | { type: 'PostmortemReviewRequested'; revision: number }
  /**
   * The finished postmortem is published: frozen at `revision` (null: no document, only an
   * address), kept at `url` (null: here), linked from the status page when `statusPage`.
   * Events from before the flow carry only `url` and were linked.
   */
  | { type: 'PostmortemPublished'; url: string | null; statusPage?: boolean; revision?: number | null }
  /** R10: a responder put an incident whose severity is not public on the status page. */
  | { type: 'IncidentPublished' }
  /** R10: a responder took back that publication; the incident leaves the status page (its severity keeps it off). */
  | { type: 'IncidentUnpublished' }
  /** R10: how an affected component is doing, as the responders say; `from` null when it was not affected before. */
  | { type: 'ComponentStatusSet'; component: string; status: ComponentStatus; from: ComponentStatus | null }
  /** R8: the promised update is due within the reminder lead time. `owed`: which update (absent in events recorded before it was said). */
  | { type: 'UpdateDueSoon'; promisedBy: string; lastUpdateAt: string | null; owed?: OwedUpdate }
  /** R8: the promised time passed with no newer update. */
  | { type: 'UpdateOverdue'; promisedBy: string; lastUpdateAt: string | null; owed?: OwedUpdate }
  /** R8: still overdue after the escalation delay; `escalation` counts from 1 per promise. */
  | { type: 'OverdueEscalated'; promisedBy: string; lastUpdateAt: string | null; escalation: number; escalateTo: string[]; owed?: OwedUpdate }
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
