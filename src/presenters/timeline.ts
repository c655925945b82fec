/** Reads the Scribe's timeline off the incident's events: one entry per event. */
import type { DetailEdited, IncidentEvent, Links, ManualEntryKind, OwedUpdate, RecordedEvent } from '../domain/model/events.js';
import { incidentId } from '../domain/model/ids.js';
import type { TaskEvent } from '../domain/model/tasks.js';
import { MANUAL_ENTRY_KINDS } from '../domain/model/events.js';
import { STATUS_LABELS } from './status-update.js';
import { ROLE_LABELS } from '../domain/roles/rules.js';
import { hhmmUtc, utcMinute } from '../domain/model/time.js';
import { COMPONENT_STATUS_LABELS } from '../domain/status-page/components.js';
import { alertObservation, moreAlertsObservation } from './alert-observations.js';

export const AUTOMATIC_ENTRY_KINDS = [
  'declared',
  'severity_changed',
  'role_offered',
  'role_accepted',
  'role_declined',
  'role_offer_lapsed',
  'role_assigned',
  'role_released',
  'sme_added',
  'sme_released',
  'commander_hands_on',
  'page_acknowledged',
  'update_posted',
  'status_changed',
  'resolved',
  'postmortem_assigned',
  'postmortem_scheduled',
  'postmortem_revised',
  'postmortem_in_review',
  'postmortem_published',
  'update_due_soon',
  'update_overdue',
  'overdue_escalated',
  'role_gap_nudged',
  'postmortem_reminded',
  'published',
  'unpublished',
  'component_status_set',
  'edited',
  'reopened',
  'merged',
  'merged_in',
  'update_not_by_comms_lead',
  'update_held',
  'draft_approved',
  'draft_rejected',
  'task',
] as const;
export type AutomaticEntryKind = (typeof AUTOMATIC_ENTRY_KINDS)[number];
export type EntryKind = ManualEntryKind | AutomaticEntryKind;
export const ENTRY_KINDS: readonly EntryKind[] = [...MANUAL_ENTRY_KINDS, ...AUTOMATIC_ENTRY_KINDS];

export interface TimelineEntry {
  id: number;
  kind: EntryKind;
  text: string;
  /** When it happened: the backdated time for catch-up entries, else when it was recorded. */
  at: string;
  recordedAt: string;
  actor: string;
  corrects: number | null;
  /** The latest entry that corrects this one. */
  correctedBy: number | null;
  /** Whom a finding is addressed to (the IC unless it named another); null for every other entry. */
  to: string | null;
  /** The change a hypothesis suspects (put there from the room's changes); null for every other entry. */
  change: string | null;
  event: IncidentEvent['type'];
}

/** Ends free text with a full stop, so what follows it reads as its own sentence. */
function sentence(text: string): string {
  return /[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

/** `no update since 14:32 UTC` or `no update yet`. */
function silence(lastUpdateAt: string | null): string {
  return lastUpdateAt ? `no update since ${hhmmUtc(lastUpdateAt)} UTC` : 'no update yet';
}

const DETAIL_LABELS: Record<DetailEdited['field'], string> = {
  title: 'Title',
  summary: 'Summary',
  links: 'Links',
  components: 'Affected components',
  startedAt: 'Impact start',
};

/** `Title "Checkout errors" → "Checkout 500s for EU cards"`, each field in its own words. */
function editedText(event: DetailEdited): string {
  const label = DETAIL_LABELS[event.field];
  switch (event.field) {
    case 'title':
      return `${label} "${event.from}" → "${event.to}"`;
    case 'summary':
      return event.to === null ? `${label} cleared` : `${label} now "${event.to}"`;
    case 'links': {
      const changed = (Object.keys(event.to) as (keyof Links)[]).filter((k) => event.from[k] !== event.to[k]);
      return `${label}: ${changed.map((k) => `${k} ${event.to[k] ?? 'removed'}`).join(', ')}`;
    }
    case 'components':
      return `${label}: ${event.to.length ? event.to.join(', ') : 'none'} (was ${event.from.length ? event.from.join(', ') : 'none'})`;
    case 'startedAt':
      return `${label} ${utcMinute(event.from)} → ${utcMinute(event.to)}`;
  }
}

/** Which update a reminder is about; events recorded before it was said read as "Update". */
function owedLabel(owed: OwedUpdate | undefined): string {
  if (owed === 'first') return 'First update';
  if (owed === 'final') return 'Final update (resolve)';
  return 'Update';
}

const GAP_LABELS: Record<string, string> = {
  COMMS_LEAD_MISSING: 'no Comms Lead',
  SCRIBE_MISSING: 'no Scribe',
  ROLES_NOT_DISTINCT: 'the IC, Comms Lead and Scribe are not three different people',
};

const TASK_STATE_WORDS = { open: 'reopened', done: 'done', blocked: 'blocked' } as const;

/** `Task t12 (@dana) blocked: Check the batch job. Waiting on DBA access.` */
function taskText(event: TaskEvent): string {
  switch (event.type) {
    case 'TaskCreated':
      return `Task ${event.taskId} for @${event.owner}: ${sentence(event.title)}`;
    case 'TaskStateChanged':
      return `Task ${event.taskId} (@${event.owner}) ${TASK_STATE_WORDS[event.to]}: ${sentence(event.title)}${event.reason ? ` ${sentence(event.reason)}` : ''}`;
    case 'TaskReassigned':
      return `Task ${event.taskId} handed from @${event.from} to @${event.to}: ${sentence(event.title)}`;
    case 'TaskRetitled':
      return `Task ${event.taskId} retitled "${event.from}" → "${event.to}".`;
  }
}

function describe(event: IncidentEvent): { kind: EntryKind; text: string } {
  switch (event.type) {
    case 'IncidentDeclared':
      return {
        kind: 'declared',
        text: `${event.drill ? `DRILL ${event.drill.id}: declared` : 'Declared'} ${event.severity}: ${event.title}. Incident Commander: @${event.commander}.`,
      };
    case 'SeverityChanged':
      return { kind: 'severity_changed', text: `Severity ${event.from} → ${event.to}: ${event.reason}` };
    case 'CommanderOffered':
      return { kind: 'role_offered', text: `@${event.from} offered Incident Commander to @${event.to}.` };
    case 'CommanderAccepted':
      return { kind: 'role_accepted', text: `@${event.to} accepted Incident Commander from @${event.from}.` };
    case 'CommanderDeclined':
      return { kind: 'role_declined', text: `@${event.to} declined Incident Commander; @${event.from} keeps it.` };
    case 'CommanderOfferLapsed':
      return { kind: 'role_offer_lapsed', text: `The offer of Incident Commander to @${event.to} lapsed: the incident resolved first.` };
    case 'RoleAssigned':
      return {
        kind: 'role_assigned',
        text: `@${event.person} is ${ROLE_LABELS[event.role]}${event.previous ? ` (was @${event.previous})` : ''}.`,
      };
    case 'RoleReleased':
      return { kind: 'role_released', text: `@${event.person} released as ${ROLE_LABELS[event.role]}.` };
    case 'SmeAdded':
      return { kind: 'sme_added', text: `@${event.person} pulled in as SME (${event.specialty}).` };
    case 'SmeReleased':
      return { kind: 'sme_released', text: `@${event.person} released as SME (${event.specialty}).` };
    case 'CommanderWentHandsOn':
      return {
        kind: 'commander_hands_on',
        text: `Incident Commander @${event.commander} went hands-on (${event.via === 'action' ? 'recorded an action' : 'added as SME'}): hand off IC first.`,
      };
    case 'PageAcknowledged': {
      const tool = { pagerduty: 'PagerDuty', opsgenie: 'Opsgenie', webhook: 'the paging webhook' }[event.via];
      const who = event.people.length ? event.people.map((p) => `@${p}`).join(', ') : event.page;
      return { kind: 'page_acknowledged', text: `Page to ${who} acknowledged in ${tool}${event.by ? ` by ${event.by}` : ''}.` };
    }
    case 'TimelineEntryAdded':
      return { kind: event.kind, text: event.text };
    case 'AlertObserved':
      return { kind: 'observation', text: alertObservation(event.alert) };
    case 'MoreAlertsObserved':
      return { kind: 'observation', text: moreAlertsObservation(event.count, event.group) };
    case 'StatusUpdatePosted':
      return {
        kind: 'update_posted',
        text: `${event.audience === 'public' ? 'Public' : 'Internal'} update posted (${STATUS_LABELS[event.status]}): ${sentence(event.impact)}${
          event.nextUpdateBy ? ` Next update by ${hhmmUtc(event.nextUpdateBy)} UTC.` : ''
        }`,
      };
    case 'PublicUpdateNotByCommsLead':
      return { kind: 'update_not_by_comms_lead', text: `That public update went out without the Comms Lead, @${event.commsLead}.` };
    case 'UpdateHeld':
      return {
        kind: 'update_held',
        text: `Public update held as draft ${event.draftId} for the Comms Lead, @${event.commsLead}, to approve (${STATUS_LABELS[event.status]}): ${sentence(event.impact)}`,
      };
    case 'DraftApproved':
      return { kind: 'draft_approved', text: `Draft ${event.draftId} by @${event.draftedBy} approved; posted below.` };
    case 'DraftRejected':
      return { kind: 'draft_rejected', text: `Draft ${event.draftId} by @${event.draftedBy} rejected: ${event.reason}` };
    case 'StatusChanged':
      return { kind: 'status_changed', text: `Status ${STATUS_LABELS[event.from]} → ${STATUS_LABELS[event.to]}.` };
    case 'IncidentEdited':
      return { kind: 'edited', text: `${editedText(event)}: ${event.reason}` };
    case 'IncidentReopened':
      return { kind: 'reopened', text: `Reopened, back to ${STATUS_LABELS[event.status]}: ${event.reason}` };
    case 'IncidentMerged':
      return { kind: 'merged', text: `Merged into ${incidentId(event.into)}; followed there from now on.${event.reason ? ` ${sentence(event.reason)}` : ''}` };
    case 'IncidentMergedIn':
      return {
        kind: 'merged_in',
        text: `${incidentId(event.from)} (${event.title}) merged into this incident: ${event.carried} entries${
          event.alertGroups.length ? ` and alert group${event.alertGroups.length > 1 ? 's' : ''} ${event.alertGroups.join(', ')}` : ''
        } carried over${event.notCarried ? `; ${event.notCarried} more stay on ${incidentId(event.from)}` : ''}.${event.reason ? ` ${sentence(event.reason)}` : ''}`,
      };
    case 'IncidentResolved':
      return {
        kind: 'resolved',
        text: event.postmortemRequired ? 'Resolved. A postmortem is owed.' : 'Resolved.',
      };
    case 'PostmortemPublished': {
      const linked = event.statusPage === false ? 'not linked from the status page' : 'linked from the status page';
      if (event.url) return { kind: 'postmortem_published', text: `Postmortem published: ${event.url}${event.statusPage === false ? ` (${linked})` : ''}` };
      return { kind: 'postmortem_published', text: `Postmortem published (revision ${event.revision}, now frozen), ${linked}.` };
    }
    case 'PostmortemScheduled':
      return {
        kind: 'postmortem_scheduled',
        text: `Postmortem review scheduled for ${utcMinute(event.scheduledFor)} (${event.minutes} min), owned by @${event.owner}; invite for the owner, the roles and the SMEs.`,
      };
    case 'PostmortemDocumentSaved':
      return { kind: 'postmortem_revised', text: event.revision === 1 ? 'Postmortem drafting began: revision 1 saved.' : `Postmortem document revision ${event.revision} saved.` };
    case 'PostmortemReviewRequested':
      return { kind: 'postmortem_in_review', text: `Postmortem up for review (revision ${event.revision}).` };
    case 'PostmortemAssigned':
      return {
        kind: 'postmortem_assigned',
        text: `Postmortem owned by @${event.owner}, scheduled for ${utcMinute(event.scheduledFor)}.`,
      };
    case 'UpdateDueSoon':
      return {
        kind: 'update_due_soon',
        text: `${owedLabel(event.owed)} due soon: ${event.owed === 'first' || event.owed === 'final' ? '' : 'next update '}promised by ${hhmmUtc(event.promisedBy)} UTC (${silence(event.lastUpdateAt)}).`,
      };
    case 'UpdateOverdue':
      return {
        kind: 'update_overdue',
        text: `${owedLabel(event.owed)} overdue: ${silence(event.lastUpdateAt)}, promised by ${hhmmUtc(event.promisedBy)} UTC.`,
      };
    case 'OverdueEscalated':
      return {
        kind: 'overdue_escalated',
        text: `${event.owed === 'first' || event.owed === 'final' ? `${owedLabel(event.owed)} overdue, escalated` : 'Overdue escalated'}${event.escalation > 1 ? ` (${event.escalation})` : ''}: ${silence(event.lastUpdateAt)}, promised by ${hhmmUtc(event.promisedBy)} UTC.${
          event.escalateTo.length ? ` Escalation list: ${event.escalateTo.map((h) => `@${h}`).join(', ')}.` : ''
        }`,
      };
    case 'RoleGapNudged':
      return {
        kind: 'role_gap_nudged',
        text: `Role gap: ${event.gaps.map((g) => GAP_LABELS[g] ?? g).join('; ')}. @${event.commander}, fill the roles.`,
      };
    case 'PostmortemReminded':
      return {
        kind: 'postmortem_reminded',
        text: `Postmortem owed since ${utcMinute(event.resolvedAt)}: @${event.commander}, give it an owner and a date.`,
      };
    case 'TaskCreated':
    case 'TaskStateChanged':
    case 'TaskReassigned':
    case 'TaskRetitled':
      return { kind: 'task', text: taskText(event) };
    case 'IncidentPublished':
      return { kind: 'published', text: 'Published on the status page.' };
    case 'IncidentUnpublished':
      return { kind: 'unpublished', text: 'Taken off the status page.' };
    case 'ComponentStatusSet':
      return {
        kind: 'component_status_set',
        text: `Component ${event.component}: ${COMPONENT_STATUS_LABELS[event.status]}${event.from ? ` (was ${COMPONENT_STATUS_LABELS[event.from]})` : ''}.`,
      };
  }
}

export function toTimelineEntry(recorded: RecordedEvent): TimelineEntry {
  const { kind, text } = describe(recorded.event);
  const e = recorded.event;
  return {
    id: recorded.seq,
    kind,
    text,
    at: e.type === 'TimelineEntryAdded' || e.type === 'AlertObserved' ? e.occurredAt : e.type === 'IncidentDeclared' ? e.declaredAt : recorded.recordedAt,
    recordedAt: recorded.recordedAt,
    actor: recorded.actor,
    corrects: e.type === 'TimelineEntryAdded' ? e.corrects : null,
    correctedBy: null,
    to: e.type === 'TimelineEntryAdded' ? (e.to ?? null) : null,
    change: e.type === 'TimelineEntryAdded' ? (e.change ?? null) : null,
    event: e.type,
  };
}

/** The timeline in the order things happened; ties keep the order they were recorded. */
export function buildTimeline(events: RecordedEvent[], kinds?: readonly EntryKind[]): TimelineEntry[] {
  const correctedBy = new Map<number, number>();
  for (const { seq, event } of events) if (event.type === 'TimelineEntryAdded' && event.corrects !== null) correctedBy.set(event.corrects, seq);
  const entries = events
    .map((recorded) => ({ ...toTimelineEntry(recorded), correctedBy: correctedBy.get(recorded.seq) ?? null }))
    .sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id);
  return kinds && kinds.length ? entries.filter((e) => kinds.includes(e.kind)) : entries;
}
