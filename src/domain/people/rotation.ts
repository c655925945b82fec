/**
 * Rotating a credential (a webhook's signing secret, an alert source's key): the new one
 * works at once and the one it replaces keeps working for ROTATION_OVERLAP_MS, so the other
 * side (a receiver's verifier, an Alertmanager config) can be rolled out without a gap.
 * Only the credential just replaced overlaps: rotating again drops the older one at once.
 */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** When the replaced credential stops working, for a rotation made at `now` (ISO, UTC). */
export function overlapEnds(now: string): string {
  return new Date(Date.parse(now) + ROTATION_OVERLAP_MS).toISOString();
}

/** Whether a replaced credential still works at `now`: only before its overlap ends. */
export function stillOverlapping(until: string | null, now: string): boolean {
  return until !== null && Date.parse(now) < Date.parse(until);
}
