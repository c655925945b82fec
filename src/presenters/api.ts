/**
 * API answers are built here from explicit allow-lists: state and rows never leave
 * as they are stored.
 */
import { postmortemStage } from '../domain/postmortem/flow.js';
import type { Config } from '../config/load.js';
import type { Warning } from '../domain/model/commands.js';
import { lifecycleState, type IncidentState, type StatusUpdate, type UpdateDraft } from '../domain/model/state.js';
import { tasksAtAGlance, type Task } from '../domain/model/tasks.js';
import { isOverdue } from '../domain/updates/rules.js';
import { isUpdateDueSoon, updateDueSoonAt } from '../domain/reminders/rules.js';
import { assessRoles, deactivatedHolderGaps } from '../domain/roles/rules.js';
import type { RoleChecklist } from '../domain/roles/checklists.js';
import { renderAnnouncement } from './announcement.js';
import { renderUpdateMarkdown, renderUpdateText } from './status-update.js';
import type { TimelineEntry } from './timeline.js';
import type { Person } from '../domain/people/person.js';
import type { AuditEntry } from '../domain/audit/entry.js';
import { isExpired, type TokenInfo } from '../domain/people/tokens.js';
import { findSeverity, type SeverityLevel, type SeverityPolicy } from '../domain/model/policy.js';
import { formatDuration } from '../domain/model/time.js';
import type { StoredAlert } from '../domain/alerts/alert.js';
import type { AlertGroup } from '../domain/alerts/group.js';
import type { AlertSource } from '../domain/alerts/source.js';
import { isPublicIncident } from '../domain/status-page/visibility.js';
import { incidentComponentStatuses } from '../domain/status-page/components.js';
import { incidentId } from '../domain/model/ids.js';
import { suggestSeverity } from '../domain/alerts/assess.js';

export function presentUpdate(state: Pick<IncidentState, 'number' | 'title'>, update: StatusUpdate, warnings: Warning[] = []) {
  return {
    id: update.id,
    incident: incidentId(state.number),
    status: update.status,
    impact: update.impact,
    whatWeKnow: update.whatWeKnow,
    nextStep: update.nextStep,
    nextUpdateBy: update.nextUpdateBy,
    audience: update.audience,
    severity: update.severity,
    final: update.final,
    postedAt: update.postedAt,
    postedBy: update.postedBy,
    markdown: renderUpdateMarkdown(state.title, update),
    text: renderUpdateText(state.title, update),
    warnings,
  };
}

/** A held public update, for the Comms Lead to approve or reject. */
export function presentDraft(state: Pick<IncidentState, 'number' | 'roles'>, draft: UpdateDraft, warnings: Warning[] = []) {
  const { id, status, impact, whatWeKnow, nextStep, nextUpdateBy, audience, draftedBy, draftedAt } = draft;
  return { id, incident: incidentId(state.number), status, impact, whatWeKnow, nextStep, nextUpdateBy, audience, draftedBy, draftedAt, commsLead: state.roles.comms_lead, warnings };
}

/**
 * While the incident is open, `required` follows its current severity's policy; from
 * resolution on, it is what the policy said at resolution.
 */
function postmortemView(state: IncidentState, policy: SeverityPolicy) {
  const required = state.phase === 'active' ? findSeverity(policy, state.severity)?.postmortem !== 'optional' : state.postmortemRequired;
  const flow = state.postmortemFlow;
  const progress = {
    stage: postmortemStage(state),
    minutes: flow.minutes,
    revision: flow.revision,
    reviewRequestedAt: flow.reviewRequestedAt,
    publishedAt: flow.publishedAt,
    publishedRevision: flow.publishedRevision,
    url: state.postmortemUrl,
    onStatusPage: flow.publishedAt !== null && flow.onStatusPage,
  };
  if (state.postmortem) return { state: 'assigned' as const, required, owner: state.postmortem.owner, scheduledFor: state.postmortem.scheduledFor, ...progress };
  return { state: required ? ('owed' as const) : ('not_required' as const), required, owner: null, scheduledFor: null, ...progress };
}

/** A command's own warnings may repeat what the role assessment already says (R4): say it once. */
function uniqueWarnings(warnings: Warning[]): Warning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => (seen.has(w.code) ? false : (seen.add(w.code), true)));
}

export interface PresentOptions {
  now: string;
  warnings?: Warning[];
  withAnnouncement?: boolean;
  /** Handles of deactivated people: a role they still hold shows as a gap. */
  inactive?: ReadonlySet<string>;
}

export function presentIncident(state: IncidentState, config: Config, options: PresentOptions) {
  const assessment = assessRoles(state, config.policy);
  const overdue = isOverdue(state, options.now);
  return {
    id: incidentId(state.number),
    number: state.number,
    title: state.title,
    summary: state.summary,
    severity: state.severity,
    status: state.status,
    state: lifecycleState(state),
    channel: state.channel,
    declaredAt: state.declaredAt,
    declaredBy: state.declaredBy,
    startedAt: state.startedAt,
    resolvedAt: state.phase === 'active' ? null : state.resolvedAt,
    roles: { ...state.roles },
    smes: state.smes.map((s) => ({ person: s.person, specialty: s.specialty })),
    pendingHandoff: state.pendingHandoff ? { ...state.pendingHandoff } : null,
    roleGaps: [...assessment.roleGaps, ...deactivatedHolderGaps(state, options.inactive ?? new Set())],
    warnings: uniqueWarnings([...assessment.warnings, ...(options.warnings ?? [])]),
    lastUpdate: state.lastUpdate ? presentUpdate(state, state.lastUpdate) : null,
    nextUpdateBy: state.phase === 'active' ? state.nextUpdateBy : null,
    updateDue: isUpdateDueSoon(state, options.now, config.reminders.dueSoonMs),
    updateDueAt: updateDueSoonAt(state, config.reminders.dueSoonMs),
    overdue,
    overdueSince: overdue ? state.nextUpdateBy : null,
    postmortem: postmortemView(state, config.policy),
    components: [...state.components],
    statusPage: {
      public: isPublicIncident(state, config),
      publishedAt: state.publishedAt,
      components: incidentComponentStatuses(state, config.policy, config.statusPage.componentStatusBySeverity),
    },
    links: { ...state.links },
    private: state.private,
    drill: state.drill ? { id: state.drill.id, notify: state.drill.notify } : null,
    mergedInto: state.mergedInto === null ? null : incidentId(state.mergedInto),
    tasks: tasksAtAGlance(state.tasks).map(presentTask),
    version: state.version,
    ...(options.withAnnouncement ? { announcement: renderAnnouncement(state, 'markdown') } : {}),
  };
}

export function presentTask(task: Task) {
  const { id, title, owner, state, reason, createdBy, createdAt, updatedAt } = task;
  return { id, title, owner, state, reason, createdBy, createdAt, updatedAt };
}

/** The role checklists, the viewer's own roles first (src/domain/roles/checklists.ts). */
export function presentChecklists(state: IncidentState, lists: RoleChecklist[], asOf: string) {
  return {
    incident: incidentId(state.number),
    asOf,
    checklists: lists.map((l) => ({
      role: l.role,
      label: l.label,
      holders: [...l.holders],
      items: l.items.map((i) => ({ id: i.id, text: i.text, done: i.done, proof: i.proof })),
    })),
  };
}

export function presentEntry(entry: TimelineEntry, warnings: Warning[] = []) {
  return {
    id: entry.id,
    kind: entry.kind,
    text: entry.text,
    at: entry.at,
    recordedAt: entry.recordedAt,
    actor: entry.actor,
    corrects: entry.corrects,
    correctedBy: entry.correctedBy,
    to: entry.to,
    change: entry.change,
    event: entry.event,
    warnings,
  };
}

export function presentPerson(person: Person) {
  return {
    handle: person.handle,
    name: person.name,
    email: person.email,
    role: person.role,
    chat: person.chat,
    createdAt: person.createdAt,
    active: person.deactivatedAt === null,
    deactivatedAt: person.deactivatedAt,
    version: person.version,
  };
}

export function presentToken(token: TokenInfo, now: string) {
  return {
    id: token.id,
    person: token.person,
    name: token.name,
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt,
    expiresAt: token.expiresAt,
    expired: isExpired(token.expiresAt, now),
  };
}

export function presentAuditEntry(entry: AuditEntry) {
  return {
    id: entry.id,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    address: entry.address,
    userAgent: entry.userAgent,
    before: entry.before,
    after: entry.after,
  };
}

export function presentSeverity(level: SeverityLevel) {
  return {
    id: level.id,
    name: level.name,
    impact: level.impact,
    response: level.response,
    updateEvery: level.updateEveryMs === null ? null : formatDuration(level.updateEveryMs).replace(/ /g, ''),
    updateEveryMinutes: level.updateEveryMs === null ? null : level.updateEveryMs / 60_000,
    firstUpdateWithinMinutes: level.firstUpdateWithinMs / 60_000,
    finalUpdateWithinMinutes: level.finalUpdateWithinMs / 60_000,
    audience: level.audience,
    roles: level.roles,
    postmortem: level.postmortem,
    escalateTo: level.escalateTo,
    stakeholders: level.stakeholders,
  };
}

export function presentAlertSource(source: AlertSource) {
  return { id: source.id, name: source.name, type: source.type, createdBy: source.createdBy, createdAt: source.createdAt };
}

export function presentAlertGroup(group: AlertGroup, config: Config) {
  return {
    id: group.id,
    source: { id: group.source.id, name: group.source.name, type: group.source.type },
    groupKey: group.groupKey,
    state: group.state,
    title: group.title,
    severity: group.severity,
    suggestedSeverity: suggestSeverity(group.severity, config.policy),
    suggestedComponents: [...group.suggestedComponents],
    counts: { ...group.counts },
    truncatedAlerts: group.truncatedAlerts,
    firstSeenAt: group.firstSeenAt,
    lastSeenAt: group.lastSeenAt,
    commonLabels: { ...group.commonLabels },
    differingLabels: { ...group.differingLabels },
    acknowledgedBy: group.acknowledgedBy,
    acknowledgedAt: group.acknowledgedAt,
    secondsToAcknowledge: group.secondsToAcknowledge,
    incident: group.incident === null ? null : incidentId(group.incident),
    dismissedReason: group.dismissedReason,
    dismissedBy: group.dismissedBy,
    dismissedAt: group.dismissedAt,
  };
}

export function presentAlert(alert: StoredAlert) {
  return {
    id: alert.id,
    fingerprint: alert.fingerprint,
    status: alert.status,
    severity: alert.severity,
    summary: alert.summary,
    labels: { ...alert.labels },
    annotations: { ...alert.annotations },
    startsAt: alert.startsAt,
    endsAt: alert.endsAt,
    generatorURL: alert.generatorUrl,
    firstSeenAt: alert.firstSeenAt,
    lastSeenAt: alert.lastSeenAt,
    received: alert.received,
  };
}
