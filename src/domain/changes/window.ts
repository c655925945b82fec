/**
 * Which changes the incident room shows: those of the hour before the impact began
 * (`startedAt`) and those made while the incident was open, the ones touching the
 * incident's components first.
 */
import type { Change } from './change.js';

/** How far before `startedAt` a change is still a suspect. */
export const LOOKBACK_MS = 60 * 60_000;

export interface ChangeWindow {
  from: string;
  to: string;
}

/** From an hour before the impact began to the resolution (or `now` while the incident is open). */
export function changeWindow(incident: { startedAt: string; resolvedAt: string | null }, now: string): ChangeWindow {
  return { from: new Date(Date.parse(incident.startedAt) - LOOKBACK_MS).toISOString(), to: incident.resolvedAt ?? now };
}

export interface ChangeInRoom {
  change: Change;
  /** before: in the hour before the impact began; during: after it began. */
  when: 'before' | 'during';
  /** Names at least one of the incident's components. */
  touchesIncident: boolean;
}

/**
 * The changes of the window, those touching the incident's components first (a change that
 * names none may have touched anything, so it is kept, after them), newest first within each.
 */
export function changesForIncident(changes: readonly Change[], incident: { startedAt: string; components: readonly string[] }, window: ChangeWindow): ChangeInRoom[] {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  const started = Date.parse(incident.startedAt);
  const ours = new Set(incident.components);
  return changes
    .filter((c) => Date.parse(c.at) >= from && Date.parse(c.at) <= to)
    .map((change) => ({
      change,
      when: Date.parse(change.at) < started ? ('before' as const) : ('during' as const),
      touchesIncident: change.components.some((c) => ours.has(c)),
    }))
    .sort((a, b) => Number(b.touchesIncident) - Number(a.touchesIncident) || b.change.at.localeCompare(a.change.at) || b.change.id.localeCompare(a.change.id));
}
