/**
 * The Atlassian Statuspage v2 public JSON (`/api/v2/*.json`): the same field names,
 * status values and indicators, so whatever reads a Statuspage page reads ours unchanged.
 * Groups are components with `group: true` listing their children, as Statuspage does.
 */
import { createHash } from 'node:crypto';
import { statuspageMaintenance } from '../../domain/maintenance/statuspage.js';
import type { ComponentStatus } from '../../domain/status-page/components.js';
import { worse } from '../../domain/status-page/components.js';
import type { PublicComponent, PublicIncident, StatusPageModel } from '../../domain/status-page/view-model.js';
import type { PublicUpdate } from '../../domain/status-page/visibility.js';

/** How many incidents incidents.json lists, as Statuspage does. */
const INCIDENT_LIMIT = 50;

function groupId(group: string): string {
  return `group-${createHash('sha256').update(group).digest('hex').slice(0, 12)}`;
}

function componentObject(model: StatusPageModel, c: PublicComponent, position: number) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    position,
    description: c.description,
    showcase: false,
    start_date: null,
    group_id: c.group ? groupId(c.group) : null,
    page_id: model.page.id,
    group: false,
    only_show_if_degraded: false,
  };
}

/** Every component, each group as a component of its own (worst status of its members) before its members. */
function componentObjects(model: StatusPageModel) {
  const out: Record<string, unknown>[] = [];
  const groups = new Map<string, PublicComponent[]>();
  for (const c of model.components) if (c.group) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  const emitted = new Set<string>();
  for (const c of model.components) {
    if (c.group && !emitted.has(c.group)) {
      emitted.add(c.group);
      const members = groups.get(c.group)!;
      out.push({
        id: groupId(c.group),
        name: c.group,
        status: members.reduce<ComponentStatus>((w, m) => worse(w, m.status), 'operational'),
        created_at: members.reduce((at, m) => (m.createdAt < at ? m.createdAt : at), members[0]!.createdAt),
        updated_at: members.reduce((at, m) => (m.updatedAt > at ? m.updatedAt : at), members[0]!.updatedAt),
        position: out.length + 1,
        description: null,
        showcase: false,
        start_date: null,
        group_id: null,
        page_id: model.page.id,
        group: true,
        only_show_if_degraded: false,
        components: members.map((m) => m.id),
      });
    }
    out.push(componentObject(model, c, out.length + 1));
  }
  return out;
}

function updateObject(incident: PublicIncident, update: PublicUpdate) {
  const id = `${incident.id}-${update.placeholder ? 'declared' : `u${update.id}`}`;
  return {
    id,
    status: update.status,
    body: update.markdown,
    incident_id: incident.id,
    created_at: update.postedAt,
    updated_at: update.postedAt,
    display_at: update.postedAt,
    affected_components: null,
    deliver_notifications: !update.placeholder,
    custom_tweet: null,
    tweet_id: null,
  };
}

function incidentObject(model: StatusPageModel, incident: PublicIncident, components: Map<string, Record<string, unknown>>) {
  return {
    id: incident.id,
    name: incident.title,
    // Statuspage's own status for a resolved incident whose postmortem is out.
    status: incident.postmortemUrl ? 'postmortem' : incident.status,
    created_at: incident.declaredAt,
    updated_at: incident.updatedAt,
    monitoring_at: incident.monitoringAt,
    resolved_at: incident.resolvedAt,
    impact: incident.impact,
    shortlink: `${model.page.url}/status/incidents/${incident.id}`,
    started_at: incident.startedAt,
    page_id: model.page.id,
    incident_updates: incident.updates.map((u) => updateObject(incident, u)),
    components: incident.components.map((c) => components.get(c.id)).filter((c) => c !== undefined),
  };
}

/** The v2 documents, by their path under /api/v2/. */
export const STATUSPAGE_DOCUMENTS = [
  'summary.json',
  'status.json',
  'components.json',
  'incidents.json',
  'incidents/unresolved.json',
  'scheduled-maintenances.json',
  'scheduled-maintenances/upcoming.json',
  'scheduled-maintenances/active.json',
] as const;

export type StatuspageDocuments = Record<(typeof STATUSPAGE_DOCUMENTS)[number], unknown>;

/** Every v2 document, keyed by its path under /api/v2/. */
export function statuspageDocuments(model: StatusPageModel): StatuspageDocuments {
  const page = { id: model.page.id, name: model.page.name, url: model.page.url, time_zone: 'Etc/UTC', updated_at: model.page.updatedAt };
  const components = componentObjects(model);
  const byId = new Map(components.map((c) => [c.id as string, c]));
  const status = { indicator: model.status.indicator, description: model.status.description };
  const incident = (i: PublicIncident) => incidentObject(model, i, byId);
  const unresolved = model.openIncidents.map(incident);
  const maintenance = (list: typeof model.maintenance.all) =>
    list.map((w) => statuspageMaintenance(w, { pageId: model.page.id, pageUrl: model.page.url, now: model.now, component: (id) => byId.get(id) ?? null }));
  const upcoming = maintenance(model.maintenance.upcoming);
  const active = maintenance(model.maintenance.active);
  return {
    'summary.json': { page, components, incidents: unresolved, scheduled_maintenances: [...active, ...upcoming], status },
    'status.json': { page, status },
    'components.json': { page, components },
    'incidents.json': { page, incidents: model.history.slice(0, INCIDENT_LIMIT).map(incident) },
    'incidents/unresolved.json': { page, incidents: unresolved },
    'scheduled-maintenances.json': { page, scheduled_maintenances: maintenance(model.maintenance.all) },
    'scheduled-maintenances/upcoming.json': { page, scheduled_maintenances: upcoming },
    'scheduled-maintenances/active.json': { page, scheduled_maintenances: active },
  };
}

/**
 * JSON whose bytes carry no `<`, `>` or `&` (escaped as \u003c…, the same JSON): a
 * consumer or browser that mistakes it for HTML finds nothing to run.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
