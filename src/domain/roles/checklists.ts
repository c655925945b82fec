/**
 * Role checklists (issue 15, item 8): each role's duties from the playbook as a short list,
 * ticked from what the incident's record already shows. `done` is true or false where the
 * record can tell; null where only a person can tick it (shown as a reminder, never as a
 * fake tick). Every item says what proves it, so a tick can be checked against the timeline.
 */
import type { RecordedEvent } from '../model/events.js';
import { findSeverity, type SeverityPolicy } from '../model/policy.js';
import type { IncidentState } from '../model/state.js';
import { formatDuration, utcMinute } from '../model/time.js';
import { firstUpdateDue } from '../updates/deadlines.js';
import { isPublicIncident } from '../status-page/visibility.js';
import { ROLE_LABELS } from './rules.js';

export type ChecklistRole = 'incident_commander' | 'comms_lead' | 'scribe' | 'sme';

export interface ChecklistItem {
  /** Stable across versions, for clients that remember what they showed. */
  id: string;
  text: string;
  /** true / false from the record; null: only a person can tick it. */
  done: boolean | null;
  /** What proves it (or, for null, why the record cannot). */
  proof: string;
}

export interface RoleChecklist {
  role: ChecklistRole;
  label: string;
  /** Who holds the duties now: the IC wears an unfilled deputy's hat ("one person, many hats"). */
  holders: string[];
  items: ChecklistItem[];
}

export const CHECKLIST_LABELS: Record<ChecklistRole, string> = { ...ROLE_LABELS, sme: 'SME' };

// `finding` is the kind SMEs address to the IC (issue 15, item 6) once it lands; until then it never matches.
const FINDING_KINDS: ReadonlySet<string> = new Set(['observation', 'hypothesis', 'ruled_out', 'finding']);

interface Entry {
  kind: string;
  by: string;
  at: string;
}

/** The entries people wrote (not the system's), as the Scribe's timeline shows them. */
function manualEntries(events: RecordedEvent[]): Entry[] {
  return events.flatMap((r) => (r.event.type === 'TimelineEntryAdded' ? [{ kind: r.event.kind, by: r.actor, at: r.event.occurredAt }] : []));
}

const when = (iso: string) => utcMinute(iso);

function counted(entries: Entry[], one: string, many: string): string {
  const last = entries.reduce<Entry | undefined>((latest, e) => (!latest || e.at > latest.at ? e : latest), undefined);
  if (!last) return `No ${many} on the timeline yet.`;
  return `${entries.length} ${entries.length === 1 ? one : many} on the timeline, the latest at ${when(last.at)} by @${last.by}.`;
}

function item(id: string, text: string, done: boolean | null, proof: string): ChecklistItem {
  return { id, text, done, proof };
}

interface Input {
  state: IncidentState;
  events: RecordedEvent[];
  policy: SeverityPolicy;
  now: string;
}

function deputyItem({ state, policy }: Input, role: 'comms_lead' | 'scribe'): ChecklistItem {
  const label = ROLE_LABELS[role];
  const holder = state.roles[role];
  const ic = state.roles.incident_commander;
  const rolePolicy = findSeverity(policy, state.severity)?.roles ?? 'combined';
  const separate = rolePolicy === 'separate' || (rolePolicy === 'comms-separate' && role === 'comms_lead');
  const id = `${role === 'comms_lead' ? 'comms-lead' : 'scribe'}-named`;
  const text = `${label} named`;
  if (holder && separate && holder === ic) return item(id, text, false, `@${holder} is both IC and ${label}; ${state.severity} expects separate people.`);
  if (holder) return item(id, text, true, `@${holder} was named ${label}.`);
  if (!separate) return item(id, text, true, `None named: on ${state.severity} the IC may wear all the hats, so @${ic} holds it.`);
  return item(id, text, false, `Nobody is ${label}; ${state.severity} needs one besides the IC.`);
}

function firstUpdateOnTime({ state, policy, now }: Input): ChecklistItem {
  const level = findSeverity(policy, state.severity);
  const text = level ? `First update within ${formatDuration(level.firstUpdateWithinMs)} of declaring` : 'First update posted';
  const due = level ? firstUpdateDue(level, state.declaredAt) : null;
  if (state.firstUpdateAt !== null) {
    const late = due !== null && state.firstUpdateAt > due;
    return item('first-update-on-time', text, !late, `First update posted at ${when(state.firstUpdateAt)}${due ? `, due by ${when(due)}` : ''}.`);
  }
  if (due === null) return item('first-update-on-time', text, false, 'No update posted yet.');
  return item('first-update-on-time', text, false, `No update yet; ${due > now ? 'due' : 'overdue since'} ${when(due)}.`);
}

function nextUpdateNotOverdue({ state, now }: Input): ChecklistItem {
  const text = 'Next update not overdue';
  if (state.phase !== 'active') return item('next-update-not-overdue', text, true, 'Resolved: no update is owed.');
  if (state.nextUpdateBy === null) return item('next-update-not-overdue', text, true, `No update is owed now (${state.severity} updates at start and resolution).`);
  const overdue = state.nextUpdateBy <= now;
  return item('next-update-not-overdue', text, !overdue, `${overdue ? 'Overdue since' : 'Promised by'} ${when(state.nextUpdateBy)}.`);
}

function commanderItems(input: Input): ChecklistItem[] {
  const { state, events } = input;
  const ic = state.roles.incident_commander;
  const lastSeverity = state.severityHistory[state.severityHistory.length - 1];
  const items = [
    item('severity-set', 'Severity declared', true, `${state.severity}, set at ${when(lastSeverity?.from ?? state.declaredAt)} by @${lastSeverity?.by ?? state.declaredBy}.`),
    deputyItem(input, 'comms_lead'),
    deputyItem(input, 'scribe'),
    firstUpdateOnTime(input),
    nextUpdateNotOverdue(input),
  ];
  if (state.components.length) {
    const unset = state.components.filter((c) => !(c in state.componentStatuses));
    items.push(
      item(
        'components-set',
        'Status page components set',
        unset.length === 0,
        unset.length ? `No status set for ${unset.join(', ')}.` : `Set: ${state.components.map((c) => `${c} ${state.componentStatuses[c]?.replace(/_/g, ' ')}`).join(', ')}.`,
      ),
    );
  }
  const handsOn = events.filter((r) => r.event.type === 'CommanderWentHandsOn' && r.event.commander === ic).pop();
  items.push(
    item(
      'ic-not-debugging',
      'The IC coordinates and does not debug',
      handsOn ? false : null,
      handsOn ? `@${ic} went hands-on at ${when(handsOn.recordedAt)}: hand off IC first.` : 'Only the IC knows; the timeline shows no hands-on action by them.',
    ),
  );
  if (state.phase !== 'active' && (state.postmortem || state.postmortemRequired)) {
    const pm = state.postmortem;
    items.push(
      item('postmortem-owner', 'Postmortem owner and date set', pm !== null, pm ? `@${pm.owner}, scheduled for ${when(pm.scheduledFor)}.` : `Resolved at ${when(state.resolvedAt)}; the postmortem has no owner yet.`),
    );
  }
  return items;
}

function commsItems(input: Input): ChecklistItem[] {
  const { state, events, policy, now } = input;
  const firstOut = item(
    'first-update-out',
    'First update out',
    state.firstUpdateAt !== null,
    state.firstUpdateAt ? `Posted at ${when(state.firstUpdateAt)} by @${firstPoster(events) ?? state.declaredBy}.` : 'No update posted yet.',
  );
  const late = events.filter((r) => r.event.type === 'UpdateOverdue');
  const overdueNow = state.phase === 'active' && state.nextUpdateBy !== null && state.nextUpdateBy <= now;
  const lastLate = late[late.length - 1];
  const cadence = item(
    'updates-on-cadence',
    'Updates on the cadence, each promising the next',
    late.length === 0 && !overdueNow,
    overdueNow
      ? `Overdue since ${when(state.nextUpdateBy!)}.`
      : lastLate && lastLate.event.type === 'UpdateOverdue'
        ? `${late.length} update${late.length === 1 ? ' was' : 's were'} late, the last promised by ${when(lastLate.event.promisedBy)}.`
        : state.nextUpdateBy
          ? `No update late; the next promised by ${when(state.nextUpdateBy)}.`
          : 'No update late.',
  );
  const items = [firstOut, cadence];
  if (isPublicIncident(state, { policy })) {
    const last = state.lastPublicUpdate;
    const current = last !== null && last.status === state.status;
    items.push(
      item(
        'status-page-current',
        'Status page says what is happening',
        current,
        last ? `Last public update at ${when(last.postedAt)} says ${last.status}; the incident is ${state.status}.` : 'No public update yet: the status page only says "We are investigating".',
      ),
    );
  }
  if (state.phase !== 'active') {
    const final = state.lastUpdate?.final === true;
    items.push(item('final-update', 'Final update posted', final, final ? `Posted at ${when(state.lastUpdate!.postedAt)}.` : 'Resolved without a final update.'));
  }
  items.push(item('human-speak', 'Updates in human-speak, not engineer-speak', null, 'Only a reader can judge the words.'));
  return items;
}

function firstPoster(events: RecordedEvent[]): string | undefined {
  return events.find((r) => r.event.type === 'StatusUpdatePosted')?.actor;
}

function scribeItems({ events }: Input): ChecklistItem[] {
  const entries = manualEntries(events);
  const decisions = entries.filter((e) => e.kind === 'decision');
  const ruledOut = entries.filter((e) => e.kind === 'ruled_out');
  return [
    item('timeline-captured', 'Timeline captured as it happens', entries.length > 0, counted(entries, 'entry', 'entries')),
    item('decisions-noted', 'Key decisions noted', decisions.length > 0, counted(decisions, 'decision', 'decisions')),
    item('ruled-out-noted', 'Dead-end theories noted as ruled out', ruledOut.length > 0, counted(ruledOut, 'ruled-out entry', 'ruled-out entries')),
    item('timestamped', 'Every entry at the time it happened', null, 'Only the Scribe knows when a thing happened; backdate entries with `at`.'),
  ];
}

function smeItems({ state, events }: Input): ChecklistItem[] {
  const smes = new Set(state.roleHistory.filter((t) => t.role === 'sme').map((t) => t.person));
  const findings = manualEntries(events).filter((e) => FINDING_KINDS.has(e.kind) && smes.has(e.by));
  return [
    item(
      'findings-posted',
      'Findings and hypotheses posted',
      findings.length > 0,
      smes.size ? counted(findings, 'finding by an SME', 'findings by SMEs') : 'No SME pulled in yet.',
    ),
    item('report-to-ic', 'Findings reported up to the IC, not broadcast as half-theories', null, 'Only the IC can say who told them.'),
  ];
}

function holders(state: IncidentState, role: ChecklistRole): string[] {
  const ic = state.roles.incident_commander;
  if (role === 'incident_commander') return [ic];
  if (role === 'sme') return state.smes.map((s) => s.person);
  return [state.roles[role] ?? ic];
}

/** The four roles' checklists, IC first; `viewer`'s own roles move to the front. */
export function roleChecklists(input: Input, viewer?: string): RoleChecklist[] {
  const build: [ChecklistRole, (i: Input) => ChecklistItem[]][] = [
    ['incident_commander', commanderItems],
    ['comms_lead', commsItems],
    ['scribe', scribeItems],
    ['sme', smeItems],
  ];
  const lists = build.map(([role, items]) => ({ role, label: CHECKLIST_LABELS[role], holders: holders(input.state, role), items: items(input) }));
  if (!viewer) return lists;
  return [...lists.filter((l) => l.holders.includes(viewer)), ...lists.filter((l) => !l.holders.includes(viewer))];
}
