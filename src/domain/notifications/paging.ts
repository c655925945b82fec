/**
 * Who is told at once, and why (issue 15, item 1), pure:
 *
 * - declaring an incident tells its severity's `page` list; upgrading it tells the new
 *   severity's list, less anyone an earlier declare or upgrade of the same incident already
 *   paged (leadership hears of a SEV1 once, however often it goes up and down);
 * - the IC named on declaring, the person offered IC, a Comms Lead or Scribe named, and an
 *   SME pulled in are told what is asked of them;
 * - the person who did it is not told, nor is anyone told twice of one event (a role
 *   notice wins over a page);
 * - a drill's incident tells nobody unless the drill asked to notify.
 *
 * Downgrades page nobody: the people of the lower severity are already in, or not needed.
 */
import type { RecordedEvent } from '../model/events.js';
import type { IncidentState } from '../model/state.js';
import type { SeverityPolicy } from '../model/policy.js';
import type { DutyRole } from '../roles/duties.js';

/** One person on a severity's page list, and the configured group that put them there (null: named directly). */
export interface PageEntry {
  handle: string;
  group: string | null;
}

/** Each severity's `page` list, groups expanded (src/config/load.ts). */
export interface PagingPolicy {
  bySeverity: Record<string, PageEntry[]>;
}

export type ToldReason =
  | { kind: 'paged'; severity: string; group: string | null; upgradedFrom: string | null }
  | { kind: 'role'; role: DutyRole; offered: boolean; specialty: string | null };

export interface Told {
  handle: string;
  reason: ToldReason;
}

function rank(policy: SeverityPolicy, severity: string): number {
  const index = policy.levels.findIndex((level) => level.id === severity);
  return index === -1 ? Number.MAX_SAFE_INTEGER : index;
}

/** The page a declare or an upgrade sends, before anyone already paged is left out. */
function pageOf(recorded: RecordedEvent, policy: SeverityPolicy, paging: PagingPolicy): Told[] {
  const e = recorded.event;
  let severity: string;
  let upgradedFrom: string | null = null;
  if (e.type === 'IncidentDeclared') severity = e.severity;
  else if (e.type === 'SeverityChanged' && rank(policy, e.to) < rank(policy, e.from)) {
    severity = e.to;
    upgradedFrom = e.from;
  } else return [];
  return (paging.bySeverity[severity] ?? []).map(({ handle, group }) => ({ handle, reason: { kind: 'paged', severity, group, upgradedFrom } }));
}

function roleNotices(recorded: RecordedEvent): Told[] {
  const e = recorded.event;
  const role = (r: DutyRole, handle: string, offered = false, specialty: string | null = null): Told[] => [{ handle, reason: { kind: 'role', role: r, offered, specialty } }];
  switch (e.type) {
    case 'IncidentDeclared':
      return role('incident_commander', e.commander);
    case 'CommanderOffered':
      return role('incident_commander', e.to, true);
    case 'RoleAssigned':
      return role(e.role, e.person);
    case 'SmeAdded':
      return role('sme', e.person, false, e.specialty);
    default:
      return [];
  }
}

/**
 * Who `recorded` tells at once, and why. `state` is the incident just after it; `earlier`
 * the incident's events before it (to page nobody twice).
 */
export function whoIsTold(recorded: RecordedEvent, state: IncidentState, policy: SeverityPolicy, paging: PagingPolicy, earlier: RecordedEvent[] = []): Told[] {
  if (state.drill !== null && !state.drill.notify) return [];
  let page = pageOf(recorded, policy, paging);
  if (page.length) {
    // Only a page needs the history (every event of a long incident passes through here).
    const paged = new Set(earlier.filter((r) => r.seq < recorded.seq).flatMap((r) => pageOf(r, policy, paging).map((t) => t.handle)));
    page = page.filter((t) => !paged.has(t.handle));
  }
  const told = new Map<string, Told>();
  for (const notice of [...roleNotices(recorded), ...page]) {
    if (notice.handle === recorded.actor || told.has(notice.handle)) continue;
    told.set(notice.handle, notice);
  }
  return [...told.values()];
}
