/** The vocabulary of deciding: what can be asked of an incident, and what a decision is. */
import type { DrillMark, ComponentStatus, TaskState, DeputyRole, Links, ManualEntryKind, RoleName, UpdateAudience, UpdateStatus, IncidentEvent, ObservedAlert } from './events.js';
import type { PublicBy, ReminderSettings, SeverityPolicy } from './policy.js';

export interface Warning {
  code: string;
  message: string;
}

export interface Decision {
  events: IncidentEvent[];
  warnings: Warning[];
}

export interface DecideContext {
  /** UTC ISO-8601; the domain never reads a clock. */
  now: string;
  actor: { handle: string; admin: boolean };
  policy: SeverityPolicy;
}

export interface DeclareInput {
  title: string;
  severity: string;
  summary?: string | null;
  startedAt?: string | null;
  components?: string[];
  links?: Partial<Links>;
  commander?: string | null;
  private?: boolean;
  /** Set by the command for a drill's incident, once the drill is found running. */
  drill?: DrillMark | null;
}

/** Everything that can be asked of an open incident, one variant per operation. */
export type IncidentCommand =
  | { type: 'ChangeSeverity'; severity: string; reason: string }
  | { type: 'OfferCommand'; to: string }
  | { type: 'AcceptCommand'; handoffId: string }
  | { type: 'DeclineCommand'; handoffId: string }
  | { type: 'AssignRole'; role: DeputyRole; person: string }
  | { type: 'ReleaseRole'; role: RoleName }
  | { type: 'AddSme'; person: string; specialty: string }
  | { type: 'ReleaseSme'; person: string }
  /** `to`: a finding's addressee (default: the IC). */
  | { type: 'AddTimelineEntry'; kind: ManualEntryKind; text: string; at?: string | null; corrects?: number | null; to?: string | null; change?: string | null }
  /** Who is on what: a task for `owner` (a known person, checked by the command). */
  | { type: 'CreateTask'; title: string; owner: string }
  /** Only what is named changes; `reason` is required to block, and recorded with any state change. */
  | { type: 'UpdateTask'; taskId: string; state?: TaskState; owner?: string; title?: string; reason?: string | null }
  /** Asked by alert intake (and declaring from alerts): the group's news onto the timeline; `more` counts those not listed. */
  | { type: 'ObserveAlerts'; group: number; alerts: (ObservedAlert & { startsAt: string; endsAt: string | null })[]; more: number }
  | {
      type: 'PostUpdate';
      status: UpdateStatus;
      impact: string;
      whatWeKnow: string;
      nextStep?: string | null;
      nextUpdateBy?: string | null;
      audience?: UpdateAudience | null;
      /** `updates.publicBy` from configuration (absent: anyone); the Comms Lead owns outbound. */
      publicBy?: PublicBy;
    }
  /** The Comms Lead approves a held public update (it is posted) or rejects it with a reason. */
  | { type: 'ApproveDraft'; draftId: string }
  | { type: 'RejectDraft'; draftId: string; reason: string }
  | { type: 'Resolve'; impact: string; whatWeKnow: string; nextStep?: string | null; audience?: UpdateAudience | null }
  /** Understanding evolves: the details given are corrected (links field by field; null clears one). */
  | {
      type: 'EditIncident';
      changes: { title?: string; summary?: string | null; links?: Partial<Links>; components?: string[]; startedAt?: string };
      reason: string;
      /** Configured component ids; empty when the team lists none (then any id is accepted). */
      configuredComponents: string[];
    }
  | { type: 'Reopen'; reason: string }
  | { type: 'AssignPostmortem'; owner: string; scheduledFor: string }
  | { type: 'SchedulePostmortem'; owner: string; scheduledFor: string; minutes?: number }
  /** `baseRevision`: the revision the edit started from (0 for the generated draft). */
  | { type: 'SavePostmortemDocument'; markdown: string; baseRevision: number }
  | { type: 'RequestPostmortemReview' }
  /** `url` absent: the reviewed document itself is published; `statusPage` links it from the public page. */
  | { type: 'PublishPostmortem'; url?: string | null; statusPage?: boolean }
  | { type: 'Publish' }
  | { type: 'Unpublish' }
  | { type: 'SetComponentStatus'; component: string; status: ComponentStatus }
  /** Asked by the scheduler when a due moment's time comes (R4, R8, R11). */
  | { type: 'FireReminder'; key: string; settings: ReminderSettings };

export type CommandOf<T extends IncidentCommand['type']> = Extract<IncidentCommand, { type: T }>;
