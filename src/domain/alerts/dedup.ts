/**
 * Deduplication: an alert that arrives again is the same alert, seen once more, not a
 * new one. Only a change of status (fired, resolved, fired again) is news.
 */
import type { Alert, AlertStatus } from './alert.js';

export interface KnownAlert {
  status: AlertStatus;
  /** The delivery that last touched it; deliveries are numbered in the order they were received. */
  seenIn: number;
}

export type Transition = 'fired' | 'refired' | 'resolved';

export type Outcome =
  /** First seen: stored; `transition` is null for an alert first seen already resolved. */
  | { kind: 'new'; alert: Alert; transition: Transition | null }
  /** Its status changed: stored anew. */
  | { kind: 'changed'; alert: Alert; transition: Transition }
  /** The same status again (Alertmanager re-sends every group_interval): only "last seen" moves. */
  | { kind: 'repeat'; alert: Alert }
  /** Older news than what is stored (a delivery processed out of order): ignored. */
  | { kind: 'stale'; alert: Alert };

export function dedupe(incoming: Alert[], known: ReadonlyMap<string, KnownAlert>, delivery: number): Outcome[] {
  return incoming.map((alert): Outcome => {
    const before = known.get(alert.fingerprint);
    if (!before) return { kind: 'new', alert, transition: alert.status === 'firing' ? 'fired' : null };
    if (before.seenIn > delivery) return { kind: 'stale', alert };
    if (before.status === alert.status) return { kind: 'repeat', alert };
    return { kind: 'changed', alert, transition: alert.status === 'firing' ? 'refired' : 'resolved' };
  });
}
