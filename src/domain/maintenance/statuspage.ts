/**
 * Scheduled maintenance in Atlassian Statuspage's public JSON shape (`/api/v2/
 * scheduled-maintenances.json` and its `upcoming` and `active` lists, and `summary.json`'s
 * `scheduled_maintenances`), so Statuspage consumers read ours unchanged. Pure.
 *
 * Statuspage's maintenance statuses are `scheduled`, `in_progress`, `verifying` and
 * `completed`; ours never verify. A cancelled window is not listed: Statuspage has no
 * status for it, and a page that showed it would announce work that is not happening.
 * The updates a maintenance carries in Statuspage (scheduled, in progress, completed) are
 * derived from the window's times.
 */
import { maintenanceState, type MaintenanceWindow } from './window.js';

/** What the page says of its components; the status page's own presenter (components.json's objects). */
export type ComponentPresenter = (id: string) => Record<string, unknown> | null;

export interface MaintenancePageContext {
  pageId: string;
  /** The page's public address, for each window's `shortlink`. */
  pageUrl: string;
  now: string;
  component: ComponentPresenter;
}

const IN_PROGRESS_BODY = 'Scheduled maintenance is currently in progress. We will provide updates as necessary.';
const COMPLETED_BODY = 'The scheduled maintenance has been completed.';

/** Windows the public sees: every one not cancelled. */
export function publicWindows(windows: readonly MaintenanceWindow[]): MaintenanceWindow[] {
  return windows.filter((w) => w.cancelledAt === null);
}

/** The page's lists, each as Statuspage orders them: upcoming soonest first, active by start, all newest first (50). */
export function maintenanceLists(windows: readonly MaintenanceWindow[], now: string) {
  const shown = publicWindows(windows);
  const byStart = [...shown].sort((a, b) => (a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : a.id < b.id ? -1 : 1));
  return {
    upcoming: byStart.filter((w) => maintenanceState(w, now) === 'scheduled'),
    active: byStart.filter((w) => maintenanceState(w, now) === 'in_progress'),
    all: [...byStart].reverse().slice(0, 50),
  };
}

export function statuspageMaintenance(window: MaintenanceWindow, context: MaintenancePageContext) {
  const state = maintenanceState(window, context.now);
  const status = state === 'in_progress' ? 'in_progress' : state === 'completed' ? 'completed' : 'scheduled';
  const update = (suffix: string, updateStatus: string, body: string, at: string) => ({
    id: `${window.id}-${suffix}`,
    status: updateStatus,
    body,
    incident_id: window.id,
    created_at: at,
    updated_at: at,
    display_at: at,
    affected_components: null,
  });
  const updates = [update('scheduled', 'scheduled', window.message, window.createdAt)];
  // A cancelled window (in a subscriber's webhook; the page lists none) was in progress only if called off after its start.
  const started = window.cancelledAt === null ? state !== 'scheduled' : window.cancelledAt >= window.startsAt;
  if (started) updates.push(update('in_progress', 'in_progress', IN_PROGRESS_BODY, window.startsAt));
  if (state === 'completed') updates.push(update('completed', 'completed', COMPLETED_BODY, window.endsAt));
  const lastChange = updates.reduce((latest, u) => (u.created_at > latest ? u.created_at : latest), window.updatedAt);
  return {
    id: window.id,
    name: window.title,
    status,
    created_at: window.createdAt,
    updated_at: lastChange,
    monitoring_at: null,
    resolved_at: state === 'completed' ? window.endsAt : null,
    impact: 'maintenance',
    shortlink: `${context.pageUrl.replace(/\/+$/, '')}/status#maintenance-${window.id}`,
    started_at: window.startsAt,
    page_id: context.pageId,
    incident_updates: updates.reverse(),
    components: window.components.map(context.component).filter((c): c is Record<string, unknown> => c !== null),
    scheduled_for: window.startsAt,
    scheduled_until: window.endsAt,
  };
}
