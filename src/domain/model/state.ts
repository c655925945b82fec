import type { DrillMark, ComponentStatus, DetailEdited, IncidentEvent, Links, RecordedEvent, UpdateStatus } from './events.js';
import { withTask, type Task } from './tasks.js';
import { NO_POSTMORTEM_YET, evolvePostmortemFlow, type PostmortemFlow } from '../postmortem/flow-state.js';
type UpdateFields = Omit<Extract<IncidentEvent, { type: 'StatusUpdatePosted' }>, 'type'>;

export interface StatusUpdate extends UpdateFields {
  /** The sequence number of the event that posted it. */
  id: number;
  postedAt: string;
  postedBy: string;
  severity: string;
  final: boolean;
}

/** A public update held for the Comms Lead's approval (`updates.publicBy: comms-lead-approves`). */
export interface UpdateDraft extends Omit<UpdateFields, 'nextUpdateBy'> {
  id: string;
  /** The time its author promised, or null to take the cadence from approval. */
  nextUpdateBy: string | null;
  draftedBy: string;
  draftedAt: string;
}

export interface PendingHandoff {
  id: string;
  from: string;
  to: string;
  offeredAt: string;
}

export interface RoleTenure {
  role: 'incident_commander' | 'comms_lead' | 'scribe' | 'sme';
  person: string;
  specialty: string | null;
  from: string;
  to: string | null;
}

export interface SeverityPeriod {
  severity: string;
  from: string;
  reason: string | null;
  by: string;
}

interface IncidentCore {
  number: number;
  version: number;
  title: string;
  severity: string;
  summary: string | null;
  startedAt: string;
  declaredAt: string;
  declaredBy: string;
  channel: string;
  components: string[];
  links: Links;
  private: boolean;
  /** Set from declaration when the incident is a drill's (README "Drills"). */
  drill: DrillMark | null;
  status: UpdateStatus;
  /** The status before resolving: reopening goes back to it. */
  lastOpenStatus: Exclude<UpdateStatus, 'resolved'>;
  /** The incident this one was merged into (closed with a pointer), or null. */
  mergedInto: number | null;
  roles: { incident_commander: string; comms_lead: string | null; scribe: string | null };
  smes: { person: string; specialty: string }[];
  pendingHandoff: PendingHandoff | null;
  lastUpdate: StatusUpdate | null;
  lastPublicUpdate: StatusUpdate | null;
  /** Public updates held for the Comms Lead, oldest first; they lapse when the incident resolves. */
  drafts: UpdateDraft[];
  firstUpdateAt: string | null;
  nextUpdateBy: string | null;
  /** When the current `nextUpdateBy` was promised (declaring, a severity change, an update). */
  promisedAt: string | null;
  /** When the roles or the severity last changed: a role gap's next nudge counts from here (R4). */
  rolesChangedAt: string;
  /** The last of each repeating reminder; the next one counts from it (R4, R8, R11). */
  reminded: Reminded;
  severityHistory: SeverityPeriod[];
  roleHistory: RoleTenure[];
  /** Everyone who has declared, held a role, been offered IC or been an SME: who may see a private incident. */
  participants: string[];
  postmortem: { owner: string; scheduledFor: string } | null;
  /** Where the finished postmortem is published, when elsewhere (the status page links to it). */
  postmortemUrl: string | null;
  /** Review, document and publication (issue 16; src/domain/postmortem/flow.ts). */
  postmortemFlow: PostmortemFlow;
  /** When a responder published it on the status page (R10); null unless they did. */
  publishedAt: string | null;
  /** Every `public` update, oldest first: the status page's history of the incident. */
  publicUpdates: StatusUpdate[];
  /** The statuses responders set for affected components; the others take the severity's default. */
  componentStatuses: Record<string, ComponentStatus>;
  /** Who is on what, in creation order (src/domain/tasks). */
  tasks: Task[];
}

export interface Reminded {
  /** Overdue escalations of the promise `promisedBy`: how many, the last one when. */
  escalation: { promisedBy: string; count: number; at: string } | null;
  roleGapAt: string | null;
  postmortemAt: string | null;
}

/** The incident's lifecycle: fighting the fire, then waiting on its postmortem, then done. */
export type IncidentState =
  | (IncidentCore & { phase: 'active' })
  | (IncidentCore & { phase: 'resolved'; resolvedAt: string; postmortemRequired: true })
  | (IncidentCore & { phase: 'closed'; resolvedAt: string; postmortemRequired: boolean });

/** `open` / `resolved` (postmortem owed) / `closed`, as the API names the phases. */
export function lifecycleState(state: IncidentState): 'open' | 'resolved' | 'closed' {
  return state.phase === 'active' ? 'open' : state.phase;
}

function withParticipant(participants: string[], person: string): string[] {
  return participants.includes(person) ? participants : [...participants, person];
}

function closeTenure(history: RoleTenure[], role: RoleTenure['role'], person: string, at: string): RoleTenure[] {
  return history.map((t) => (t.role === role && t.person === person && t.to === null ? { ...t, to: at } : t));
}

function openTenure(history: RoleTenure[], role: RoleTenure['role'], person: string, at: string, specialty: string | null = null): RoleTenure[] {
  return [...history, { role, person, specialty, from: at, to: null }];
}

export function evolveDeclared(recorded: RecordedEvent): IncidentState {
  const { event, actor, seq, recordedAt } = recorded;
  if (event.type !== 'IncidentDeclared') throw new Error(`an incident's stream must start with IncidentDeclared, not ${event.type}`);
  return {
    phase: 'active',
    number: event.number,
    version: seq,
    title: event.title,
    severity: event.severity,
    summary: event.summary,
    startedAt: event.startedAt,
    declaredAt: event.declaredAt,
    declaredBy: actor,
    channel: event.channel,
    components: event.components,
    links: event.links,
    private: event.private,
    drill: event.drill ?? null,
    status: 'investigating',
    lastOpenStatus: 'investigating',
    mergedInto: null,
    roles: { incident_commander: event.commander, comms_lead: null, scribe: null },
    smes: [],
    pendingHandoff: null,
    lastUpdate: null,
    lastPublicUpdate: null,
    drafts: [],
    firstUpdateAt: null,
    nextUpdateBy: event.nextUpdateBy,
    promisedAt: event.nextUpdateBy === null ? null : recordedAt,
    rolesChangedAt: recordedAt,
    reminded: { escalation: null, roleGapAt: null, postmortemAt: null },
    severityHistory: [{ severity: event.severity, from: event.declaredAt, reason: null, by: actor }],
    roleHistory: [{ role: 'incident_commander', person: event.commander, specialty: null, from: event.declaredAt, to: null }],
    participants: withParticipant([actor], event.commander),
    postmortem: null,
    postmortemUrl: null,
    postmortemFlow: NO_POSTMORTEM_YET,
    publishedAt: null,
    publicUpdates: [],
    componentStatuses: {},
    tasks: [],
  };
}

/**
 * The shape of the folded state stored as the read model (the incidents rows). Bump it
 * whenever `evolve` or `IncidentState` changes: on start, a store whose rows were folded
 * with another version re-folds every incident from its events.
 */
export const READ_MODEL_VERSION = 10;

/** Applies one recorded event. Pure: the same events always fold to the same state. */
export function evolve(state: IncidentState, recorded: RecordedEvent): IncidentState {
  const { event, actor, recordedAt: at, seq } = recorded;
  const next = { ...state, version: seq };
  switch (event.type) {
    case 'IncidentDeclared':
      throw new Error(`incident ${state.number} is already declared`);
    case 'SeverityChanged':
      return {
        ...next,
        severity: event.to,
        nextUpdateBy: event.nextUpdateBy,
        promisedAt: event.nextUpdateBy === state.nextUpdateBy ? state.promisedAt : event.nextUpdateBy === null ? null : at,
        rolesChangedAt: at,
        severityHistory: [...state.severityHistory, { severity: event.to, from: at, reason: event.reason, by: actor }],
      };
    case 'CommanderOffered':
      return {
        ...next,
        pendingHandoff: { id: event.handoffId, from: event.from, to: event.to, offeredAt: at },
        participants: withParticipant(state.participants, event.to),
      };
    case 'CommanderAccepted': {
      const history = closeTenure(state.roleHistory, 'incident_commander', event.from, at);
      return {
        ...next,
        pendingHandoff: null,
        roles: { ...state.roles, incident_commander: event.to },
        rolesChangedAt: at,
        roleHistory: openTenure(history, 'incident_commander', event.to, at),
      };
    }
    case 'CommanderDeclined':
    case 'CommanderOfferLapsed':
      return { ...next, pendingHandoff: null };
    case 'RoleAssigned': {
      const previous = state.roles[event.role];
      const history = previous ? closeTenure(state.roleHistory, event.role, previous, at) : state.roleHistory;
      return {
        ...next,
        roles: { ...state.roles, [event.role]: event.person },
        rolesChangedAt: at,
        roleHistory: openTenure(history, event.role, event.person, at),
        participants: withParticipant(state.participants, event.person),
      };
    }
    case 'RoleReleased':
      return {
        ...next,
        roles: { ...state.roles, [event.role]: null },
        rolesChangedAt: at,
        roleHistory: closeTenure(state.roleHistory, event.role, event.person, at),
      };
    case 'SmeAdded':
      return {
        ...next,
        smes: [...state.smes, { person: event.person, specialty: event.specialty }],
        roleHistory: openTenure(state.roleHistory, 'sme', event.person, at, event.specialty),
        participants: withParticipant(state.participants, event.person),
      };
    case 'SmeReleased':
      return {
        ...next,
        smes: state.smes.filter((s) => s.person !== event.person),
        roleHistory: closeTenure(state.roleHistory, 'sme', event.person, at),
      };
    case 'CommanderWentHandsOn':
    case 'PageAcknowledged':
    case 'TimelineEntryAdded':
    case 'AlertObserved':
    case 'MoreAlertsObserved':
      return next;
    case 'StatusUpdatePosted': {
      const update: StatusUpdate = {
        id: seq,
        status: event.status,
        impact: event.impact,
        whatWeKnow: event.whatWeKnow,
        nextStep: event.nextStep,
        nextUpdateBy: event.nextUpdateBy,
        audience: event.audience,
        postedAt: at,
        postedBy: actor,
        severity: state.severity,
        final: event.status === 'resolved',
      };
      return {
        ...next,
        lastUpdate: update,
        lastPublicUpdate: update.audience === 'public' ? update : state.lastPublicUpdate,
        publicUpdates: update.audience === 'public' ? [...state.publicUpdates, update] : state.publicUpdates,
        firstUpdateAt: state.firstUpdateAt ?? at,
        nextUpdateBy: event.nextUpdateBy,
        promisedAt: event.nextUpdateBy === null ? null : at,
      };
    }
    case 'PublicUpdateNotByCommsLead':
      return next;
    case 'UpdateHeld': {
      const { status, impact, whatWeKnow, nextStep, nextUpdateBy, audience } = event;
      const draft = { id: event.draftId, status, impact, whatWeKnow, nextStep, nextUpdateBy, audience, draftedBy: actor, draftedAt: at };
      return { ...next, drafts: [...state.drafts, draft] };
    }
    case 'DraftApproved':
    case 'DraftRejected':
      return { ...next, drafts: state.drafts.filter((d) => d.id !== event.draftId) };
    case 'StatusChanged':
      return { ...next, status: event.to, lastOpenStatus: event.to === 'resolved' ? state.lastOpenStatus : event.to };
    case 'IncidentResolved': {
      const base = closed(next, at);
      if (event.postmortemRequired && !state.postmortem) return { ...base, phase: 'resolved', postmortemRequired: true };
      return { ...base, phase: 'closed', postmortemRequired: event.postmortemRequired };
    }
    case 'IncidentEdited':
      return withDetail(next, event);
    case 'IncidentReopened': {
      return {
        ...reopened(next),
        status: event.status,
        nextUpdateBy: event.nextUpdateBy,
        promisedAt: event.nextUpdateBy === null ? null : at,
        rolesChangedAt: at,
        roleHistory: reopenedTenures(state, at),
      };
    }
    case 'IncidentMerged':
      return { ...closed(next, at), phase: 'closed', postmortemRequired: false, mergedInto: event.into };
    case 'IncidentMergedIn':
      return next;
    case 'PostmortemPublished':
      return { ...next, postmortemUrl: event.url, postmortemFlow: evolvePostmortemFlow(state.postmortemFlow, event, at) };
    case 'PostmortemDocumentSaved':
    case 'PostmortemReviewRequested':
      return { ...next, postmortemFlow: evolvePostmortemFlow(state.postmortemFlow, event, at) };
    case 'TaskCreated':
    case 'TaskStateChanged':
    case 'TaskReassigned':
    case 'TaskRetitled':
      return { ...next, ...withTask(state, event, actor, at) };
    case 'PostmortemScheduled':
    case 'PostmortemAssigned': {
      const postmortem = { owner: event.owner, scheduledFor: event.scheduledFor };
      const assigned = { postmortem, participants: withParticipant(state.participants, event.owner), postmortemFlow: evolvePostmortemFlow(state.postmortemFlow, event, at) };
      return next.phase === 'resolved' ? { ...next, phase: 'closed', ...assigned } : { ...next, ...assigned };
    }
    case 'IncidentPublished':
      return { ...next, publishedAt: state.publishedAt ?? at };
    case 'IncidentUnpublished':
      return { ...next, publishedAt: null };
    case 'ComponentStatusSet':
      return {
        ...next,
        components: state.components.includes(event.component) ? state.components : [...state.components, event.component],
        componentStatuses: { ...state.componentStatuses, [event.component]: event.status },
      };
    case 'UpdateDueSoon':
    case 'UpdateOverdue':
      return next;
    case 'OverdueEscalated':
      return { ...next, reminded: { ...state.reminded, escalation: { promisedBy: event.promisedBy, count: event.escalation, at } } };
    case 'RoleGapNudged':
      return { ...next, reminded: { ...state.reminded, roleGapAt: at } };
    case 'PostmortemReminded':
      return { ...next, reminded: { ...state.reminded, postmortemAt: at } };
  }
}

/** Resolving or merging: no promise is owed any more, no offer stands, every tenure ends. */
function closed(state: IncidentState, at: string) {
  const roleHistory = state.roleHistory.map((t) => (t.to === null ? { ...t, to: at } : t));
  return { ...state, status: 'resolved' as const, pendingHandoff: null, drafts: [], nextUpdateBy: null, promisedAt: null, roleHistory, resolvedAt: at };
}

/** The open phase again: the resolution's time and postmortem verdict go; the postmortem's owner and date stay. */
function reopened(state: IncidentState): IncidentState {
  return state.phase === 'active' ? state : { ...withoutResolution(state), phase: 'active' };
}

function withoutResolution({ resolvedAt: _at, postmortemRequired: _required, ...core }: Exclude<IncidentState, { phase: 'active' }>): IncidentCore {
  return core;
}

/** Reopening: whoever held a role or was an SME at resolution holds it again from now. */
function reopenedTenures(state: IncidentState, at: string): RoleTenure[] {
  const { incident_commander, comms_lead, scribe } = state.roles;
  const held: [RoleTenure['role'], string | null, string | null][] = [
    ['incident_commander', incident_commander, null],
    ['comms_lead', comms_lead, null],
    ['scribe', scribe, null],
    ...state.smes.map((s): [RoleTenure['role'], string, string] => ['sme', s.person, s.specialty]),
  ];
  return held.reduce((history, [role, person, specialty]) => (person ? openTenure(history, role, person, at, specialty) : history), state.roleHistory);
}

function withDetail(state: IncidentState, event: DetailEdited): IncidentState {
  switch (event.field) {
    case 'title':
      return { ...state, title: event.to };
    case 'summary':
      return { ...state, summary: event.to };
    case 'links':
      return { ...state, links: event.to };
    case 'startedAt':
      return { ...state, startedAt: event.to };
    case 'components': {
      // A component no longer affected keeps no status of its own on the status page.
      const statuses = Object.fromEntries(Object.entries(state.componentStatuses).filter(([id]) => event.to.includes(id)));
      return { ...state, components: event.to, componentStatuses: statuses };
    }
  }
}

export function fold(events: RecordedEvent[]): IncidentState {
  const [first, ...rest] = events;
  if (!first) throw new Error('an incident needs at least its declaration');
  return rest.reduce(evolve, evolveDeclared(first));
}

export type { IncidentEvent };
