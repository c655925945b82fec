/**
 * R10 — everything the public status page says, computed once from the incidents, the
 * components and the maintenance windows. Pure (the time comes in): the HTML page, the
 * feed, the Statuspage JSON and the static export are all rendered from this one model,
 * so they never disagree.
 */
import { createHash } from 'node:crypto';
import type { IncidentState } from '../model/state.js';
import type { UpdateStatus } from '../model/events.js';
import type { Organization, StatusPageSettings } from './settings.js';
import { incidentId } from '../model/ids.js';
import { severityRank } from '../model/policy.js';
import { maintenanceLists } from '../maintenance/statuspage.js';
import { componentsUnderMaintenance, nextMaintenanceChange, type MaintenanceWindow } from '../maintenance/window.js';
import { componentStatuses, incidentComponentStatuses, type ComponentStatus, type StatusComponent } from './components.js';
import { isPublicIncident, publicHistory, publicStatus, type PublicUpdate } from './visibility.js';
import { componentUptime, type ComponentUptime, type StatusSpan } from './uptime.js';

export type Indicator = 'none' | 'minor' | 'major' | 'critical';

export interface StatusPageInput {
  now: string;
  config: StatusPageSettings;
  /** Where the page is served, e.g. https://status.example.com: links in the feed and the JSON. */
  baseUrl: string;
  components: StatusComponent[];
  /** Open incidents and recently resolved ones, of any audience: the model keeps only the public ones. */
  incidents: IncidentState[];
  maintenances: MaintenanceWindow[];
  /** What the page said about each component over the last 90 days (uptime.ts): public incidents' spans and maintenance. */
  statusSpans?: readonly StatusSpan[];
  /** When the page was first recorded: its "last updated" before anything else happened. */
  pageCreatedAt?: string | null;
  /** The frozen text of postmortems published here and linked from the page, by incident number. */
  postmortems?: ReadonlyMap<number, string>;
}

export interface PublicComponent extends StatusComponent {
  status: ComponentStatus;
  /** Never null here: unrecorded times fall back to the page's. `updatedAt` counts status changes too. */
  createdAt: string;
  updatedAt: string;
  uptime: ComponentUptime;
}

export interface PublicIncident {
  /** `INC-7`: the incident's page is /status/incidents/INC-7. */
  id: string;
  title: string;
  status: UpdateStatus;
  impact: Indicator;
  open: boolean;
  declaredAt: string;
  startedAt: string;
  updatedAt: string;
  monitoringAt: string | null;
  resolvedAt: string | null;
  /** Newest first; a placeholder "We are investigating" entry until the first public update. */
  updates: PublicUpdate[];
  /** The affected components and, while open, how the incident holds each. */
  components: { id: string; name: string; status: ComponentStatus }[];
  /** When the next public update is promised (open incidents only). */
  nextUpdateBy: string | null;
  /** Where its finished postmortem is published, once resolved, published and linked by choice; null otherwise. */
  postmortemUrl: string | null;
  /** The postmortem published here (its Markdown), served at /status/incidents/{id}/postmortem; null otherwise. */
  postmortem: string | null;
  /** Its severity: shown on the internal page only (internal.ts), never to the public. */
  severity?: string;
}

/** A public incident merged into another: its page leads to the one it went into (null: that one is not public). */
export interface MergedRedirect {
  from: string;
  to: string | null;
  toTitle: string | null;
}

export interface StatusPageModel {
  now: string;
  page: { id: string; name: string; title: string; url: string; updatedAt: string };
  branding: Organization;
  status: { indicator: Indicator; description: string };
  components: PublicComponent[];
  openIncidents: PublicIncident[];
  /** Resolved within the configured window (14 days by default), newest first. */
  recentIncidents: PublicIncident[];
  /** Every public incident given, open ones first, then by declaration, newest first: incidents.json, the feed, the incident pages. */
  history: PublicIncident[];
  merged: MergedRedirect[];
  maintenance: { upcoming: MaintenanceWindow[]; active: MaintenanceWindow[]; all: MaintenanceWindow[] };
  /** The next moment the page changes with no event to say so (a window opens or closes, a resolved incident ages out). */
  nextChangeAt: string | null;
}

const INDICATOR_ORDER: Indicator[] = ['none', 'minor', 'major', 'critical'];

const STATUS_INDICATOR: Record<ComponentStatus, Indicator> = {
  operational: 'none',
  under_maintenance: 'none',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};

/** Statuspage's own words for each indicator. */
export const INDICATOR_DESCRIPTIONS: Record<Indicator, string> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major System Outage',
};

function maxIndicator(a: Indicator, b: Indicator): Indicator {
  return INDICATOR_ORDER.indexOf(a) >= INDICATOR_ORDER.indexOf(b) ? a : b;
}

/** An incident's impact, in Statuspage's terms: the most severe level critical, the next major, the rest minor. */
export function incidentImpact(config: Pick<StatusPageSettings, 'policy'>, severity: string): Indicator {
  const rank = severityRank(config.policy, severity);
  return rank === 0 ? 'critical' : rank === 1 ? 'major' : 'minor';
}


function latest(times: (string | null)[]): string {
  return times.filter((t): t is string => t !== null).reduce((a, b) => (b > a ? b : a));
}

function toPublicIncident(state: IncidentState, input: StatusPageInput, byId: Map<string, StatusComponent>): PublicIncident {
  const { config } = input;
  const updates = publicHistory(state, config);
  const open = state.phase === 'active';
  const holding = incidentComponentStatuses(state, config.policy, config.statusPage.componentStatusBySeverity);
  const resolvedAt = state.phase === 'active' ? null : state.resolvedAt;
  const monitoring = updates.filter((u) => u.status === 'monitoring').at(-1);
  return {
    id: incidentId(state.number),
    title: state.title,
    status: publicStatus(state, config),
    impact: incidentImpact(config, state.severity),
    open,
    declaredAt: state.declaredAt,
    startedAt: state.startedAt,
    updatedAt: latest([state.declaredAt, state.publishedAt, resolvedAt, ...updates.map((u) => u.postedAt)]),
    monitoringAt: monitoring && !monitoring.placeholder ? monitoring.postedAt : null,
    resolvedAt,
    updates,
    components: state.components
      .map((id) => byId.get(id))
      .filter((c): c is StatusComponent => c !== undefined)
      .map((c) => ({ id: c.id, name: c.name, status: holding[c.id] ?? 'operational' })),
    nextUpdateBy: open ? (updates[0]?.nextUpdateBy ?? null) : null,
    ...publicPostmortem(state, input.postmortems),
  };
}

/** Linked only when the team chose to (issue 16): an address it gave, or the document published here. */
export function publicPostmortem(state: IncidentState, documents: ReadonlyMap<number, string> = new Map()): Pick<PublicIncident, 'postmortemUrl' | 'postmortem'> {
  if (state.phase === 'active' || !state.postmortemFlow.onStatusPage) return { postmortemUrl: null, postmortem: null };
  if (state.postmortemUrl) return { postmortemUrl: state.postmortemUrl, postmortem: null };
  const document = documents.get(state.number) ?? null;
  return document === null ? { postmortemUrl: null, postmortem: null } : { postmortemUrl: `/status/incidents/${incidentId(state.number)}/postmortem`, postmortem: document };
}

/** A stable page id from the organization's name: Statuspage consumers key on it. */
export function statusPageId(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 12);
}

export function buildStatusPage(input: StatusPageInput): StatusPageModel {
  const { config, now } = input;
  const byId = new Map(input.components.map((c) => [c.id, c]));
  const publicOnes = input.incidents.filter((s) => isPublicIncident(s, config));
  // A merged incident is followed in the one it went into: it is not shown twice.
  const visible = publicOnes.filter((s) => s.mergedInto === null);
  const open = visible.filter((s) => s.phase === 'active').sort((a, b) => (a.declaredAt < b.declaredAt ? 1 : -1));
  const cutoff = new Date(Date.parse(now) - config.statusPage.recentResolvedMs).toISOString();
  const recent = visible
    .flatMap((s) => (s.phase !== 'active' && s.resolvedAt >= cutoff ? [{ state: s, resolvedAt: s.resolvedAt }] : []))
    .sort((a, b) => (a.resolvedAt < b.resolvedAt ? 1 : -1));

  const statuses = componentStatuses({
    components: input.components,
    openPublicIncidents: open,
    maintenanceComponentIds: componentsUnderMaintenance(input.maintenances, now),
    policy: config.policy,
    bySeverity: config.statusPage.componentStatusBySeverity,
  });
  const since = input.pageCreatedAt ?? now;
  const spans = input.statusSpans ?? [];
  const components = input.components.map((c): PublicComponent => {
    const createdAt = c.createdAt ?? since;
    const uptime = componentUptime({ id: c.id, createdAt }, spans, now);
    const updatedAt = latest([createdAt, c.updatedAt, uptime.lastChangeAt]);
    return { ...c, status: statuses.get(c.id) ?? 'operational', createdAt, updatedAt, uptime };
  });
  const presented = new Map(visible.map((s) => [s.number, toPublicIncident(s, input, byId)]));
  const openIncidents = open.map((s) => presented.get(s.number)!);
  const recentIncidents = recent.map((r) => presented.get(r.state.number)!);
  const history = [...presented.values()].sort((a, b) => Number(b.open) - Number(a.open) || (a.declaredAt < b.declaredAt ? 1 : -1));

  // R10: a declared public incident never leaves the page reading "All Systems Operational".
  let indicator = components.reduce<Indicator>((worst, c) => maxIndicator(worst, STATUS_INDICATOR[c.status]), 'none');
  for (const incident of openIncidents) indicator = maxIndicator(indicator, incident.impact);
  const underMaintenance = components.some((c) => c.status === 'under_maintenance');
  const description = indicator === 'none' && underMaintenance ? 'Service Under Maintenance' : INDICATOR_DESCRIPTIONS[indicator];

  const expiries = recent.map((r) => new Date(Date.parse(r.resolvedAt) + config.statusPage.recentResolvedMs).toISOString());
  const nextChangeAt = [nextMaintenanceChange(input.maintenances, now), ...expiries]
    .filter((t): t is string => t !== null && t > now)
    .reduce<string | null>((a, b) => (a === null || b < a ? b : a), null);

  // The last change the page shows: from recorded times only, so every instance renders the same bytes.
  const updatedAt = latest([since, ...history.map((i) => i.updatedAt), ...input.maintenances.map((w) => w.updatedAt), ...components.map((c) => c.updatedAt)]);
  return {
    now,
    page: {
      id: statusPageId(config.organization.name),
      name: config.organization.name,
      title: config.organization.statusPageTitle,
      url: input.baseUrl.replace(/\/+$/, ''),
      updatedAt,
    },
    branding: config.organization,
    status: { indicator, description },
    components,
    openIncidents,
    recentIncidents,
    history,
    merged: publicOnes.flatMap((s) => {
      if (s.mergedInto === null) return [];
      const target = presented.get(s.mergedInto);
      return [{ from: incidentId(s.number), to: target ? target.id : null, toTitle: target ? target.title : null }];
    }),
    maintenance: maintenanceLists(input.maintenances, now),
    nextChangeAt,
  };
}
