/**
 * When the next update is owed (R7, R8, and the playbook's "comms runs from minute one"):
 * - the first update is due the severity's `firstUpdateWithin` after declaring, whatever the
 *   cadence — a severity without one included ("at start");
 * - each later update promises the next within the cadence;
 * - without a cadence nothing more is owed until the status says `monitoring`: then the final
 *   update (resolving) is due within the severity's `finalUpdateWithin` ("at resolution").
 * A promise made explicitly (`nextUpdateBy`) stands instead, and is reminded like any other.
 */
import type { OwedUpdate, UpdateStatus } from '../model/events.js';
import type { SeverityLevel } from '../model/policy.js';
import type { IncidentState } from '../model/state.js';
import { addMs } from '../model/time.js';

export function firstUpdateDue(level: Pick<SeverityLevel, 'firstUpdateWithinMs'>, declaredAt: string): string {
  return addMs(declaredAt, level.firstUpdateWithinMs);
}

/** The promise an update makes when its poster names no time; null when none is owed. */
export function defaultNextUpdateBy(level: Pick<SeverityLevel, 'updateEveryMs' | 'finalUpdateWithinMs'> | undefined, status: UpdateStatus, now: string): string | null {
  if (!level) return null;
  if (level.updateEveryMs !== null) return addMs(now, level.updateEveryMs);
  return status === 'monitoring' ? addMs(now, level.finalUpdateWithinMs) : null;
}

/** What the incident's current promise is for. */
export function owedUpdate(state: Pick<IncidentState, 'firstUpdateAt' | 'status'>, level: Pick<SeverityLevel, 'updateEveryMs'> | undefined): OwedUpdate {
  if (state.firstUpdateAt === null) return 'first';
  if ((level?.updateEveryMs ?? null) === null && state.status === 'monitoring') return 'final';
  return 'next';
}
