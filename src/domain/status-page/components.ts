/**
 * R10 — the components on the status page and how each is doing. Pure: the incidents,
 * the maintenance windows in progress and the policy come in; statuses come out.
 */
import { COMPONENT_STATUSES, type ComponentStatus } from '../model/events.js';
import type { IncidentState } from '../model/state.js';
import type { SeverityPolicy } from '../model/policy.js';

export { COMPONENT_STATUSES, type ComponentStatus };

export const COMPONENT_STATUS_LABELS: Record<ComponentStatus, string> = {
  operational: 'Operational',
  under_maintenance: 'Under maintenance',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

export interface StatusComponent {
  id: string;
  name: string;
  group: string | null;
  description: string | null;
  /** Lower first; ties by name. */
  order: number;
  /** Configured components are changed in the configuration file; the API's through the API. */
  source: 'configuration' | 'api';
  version: number;
  /** When it first appeared and its definition last changed; null only for a configured one not yet recorded. */
  createdAt: string | null;
  updatedAt: string | null;
}

/** When a configured component first appeared and last changed, by id (the store's `component:<id>` records). */
export type ComponentTimes = ReadonlyMap<string, { createdAt: string; updatedAt: string }>;

/** A configured component's definition as one string: when it differs from the one recorded, the component changed. */
export function componentFingerprint(c: { name: string; group: string | null; description: string | null; order: number }): string {
  return JSON.stringify([c.name, c.group, c.description, c.order]);
}

/** The configured components, then the API's, in page order. */
export function allComponents(
  configured: readonly { id: string; name: string; group: string | null; description: string | null; order: number }[],
  created: readonly StatusComponent[],
  times: ComponentTimes = new Map(),
): StatusComponent[] {
  const fromConfig = configured.map((c) => ({
    ...c,
    source: 'configuration' as const,
    version: 1,
    createdAt: times.get(c.id)?.createdAt ?? null,
    updatedAt: times.get(c.id)?.updatedAt ?? null,
  }));
  const ids = new Set(fromConfig.map((c) => c.id));
  return [...fromConfig, ...created.filter((c) => !ids.has(c.id))].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

export function isComponentStatus(value: unknown): value is ComponentStatus {
  return typeof value === 'string' && (COMPONENT_STATUSES as readonly string[]).includes(value);
}

/** The worse of two statuses: an outage outranks maintenance, which outranks "operational". */
export function worse(a: ComponentStatus, b: ComponentStatus): ComponentStatus {
  return COMPONENT_STATUSES.indexOf(a) >= COMPONENT_STATUSES.indexOf(b) ? a : b;
}

/**
 * What an incident of this severity does to a component nobody has set a status for:
 * the configured status, else by rank — the most severe level a major outage, the next a
 * partial outage, the rest degraded performance.
 */
export function defaultComponentStatus(policy: SeverityPolicy, bySeverity: Record<string, ComponentStatus>, severity: string): ComponentStatus {
  const configured = bySeverity[severity];
  if (configured) return configured;
  const rank = policy.levels.findIndex((level) => level.id === severity);
  if (rank === 0) return 'major_outage';
  if (rank === 1) return 'partial_outage';
  return 'degraded_performance';
}

/** How one open incident holds each of its affected components. */
export function incidentComponentStatuses(
  state: IncidentState,
  policy: SeverityPolicy,
  bySeverity: Record<string, ComponentStatus>,
): Record<string, ComponentStatus> {
  if (state.phase !== 'active') return {};
  const fallback = defaultComponentStatus(policy, bySeverity, state.severity);
  return Object.fromEntries(state.components.map((id) => [id, state.componentStatuses[id] ?? fallback]));
}

/**
 * Every component's status: the worst any open incident holds it at, else
 * `under_maintenance` while a maintenance window that names it is in progress, else
 * operational. Resolved incidents hold nothing, so their components return to operational
 * unless another open incident still holds them. Only public incidents are passed in: a
 * component marked down with no incident to explain it would leak a private one.
 */
export function componentStatuses(input: {
  components: readonly { id: string }[];
  openPublicIncidents: readonly IncidentState[];
  /** The components of the maintenance windows in progress now. */
  maintenanceComponentIds: readonly string[];
  policy: SeverityPolicy;
  bySeverity: Record<string, ComponentStatus>;
}): Map<string, ComponentStatus> {
  const statuses = new Map<string, ComponentStatus>(input.components.map((c) => [c.id, 'operational']));
  for (const id of input.maintenanceComponentIds) if (statuses.has(id)) statuses.set(id, 'under_maintenance');
  for (const incident of input.openPublicIncidents) {
    for (const [id, status] of Object.entries(incidentComponentStatuses(incident, input.policy, input.bySeverity))) {
      const current = statuses.get(id);
      if (current !== undefined) statuses.set(id, worse(current, status));
    }
  }
  return statuses;
}
