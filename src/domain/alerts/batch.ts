/**
 * Many deliveries to one group, decided at once: the same alerts, counts, state and
 * snapshot as applying them one by one in inbox order (dedupe, then reassess and
 * afterIntake after each), worked out in memory so that the store reads the group and
 * its alerts once and writes each alert once. For a group no open incident owns: the
 * timeline entries an incident takes are decided one delivery at a time.
 */
import type { Alert } from './alert.js';
import { dedupe, type KnownAlert } from './dedup.js';
import { assessGroup, type AlertFacts, type GroupAssessment } from './assess.js';
import { afterIntake, type GroupChange, type GroupStatus } from './group.js';

/** A stored alert as intake needs it: what dedupe compares and what assessing reads. */
export type HeldAlert = KnownAlert & AlertFacts & { fingerprint: string };

export interface GroupDelivery {
  id: number;
  receivedAt: string;
  alerts: Alert[];
  truncatedAlerts: number;
}

/** One alert's row after the batch: `received` is the count to add (for a new alert, its count). */
export interface AlertWrite {
  fingerprint: string;
  isNew: boolean;
  /** Its content as last brought (new or changed status); null when only seen again. */
  content: Alert | null;
  firstSeenAt: string;
  lastSeenAt: string;
  received: number;
  seenIn: number;
  /** The last delivery that changed its status (or brought it); null when none in this batch. */
  changedIn: number | null;
}

export interface GroupWrite {
  /** Reassessed from its alerts after the batch; null when no delivery called for it. */
  assessment: GroupAssessment | null;
  /** Deliveries received: each counts once, as on its own. */
  received: number;
  /** The latest reception time of the batch (the stored one stays if later). */
  seenAt: string;
  truncatedAlerts: number;
  /** Every state change the deliveries made, the later over the earlier. */
  change: GroupChange;
}

export interface BatchOutcome {
  alerts: AlertWrite[];
  group: GroupWrite;
  /** The group's alerts once the writes are made, as `held` was before them (new ones last). */
  held: HeldAlert[];
}

/**
 * `held` is the group's alerts as stored (each once), in the order they were stored;
 * `assessed`: the stored assessment is current (see applyDelivery), so a delivery without
 * news need not reassess; `deliveries` in inbox order, each with at least one alert.
 */
export function applyToGroup(
  group: GroupStatus,
  held: readonly HeldAlert[],
  deliveries: GroupDelivery[],
  assessed: boolean,
  components: { id: string; name: string }[],
): BatchOutcome {
  // Shared with `held` (a copy kept between batches) until this batch changes one: copying a group's every alert for each batch cost more than deciding it.
  const alerts = new Map<string, HeldAlert>(held.map((a) => [a.fingerprint, a]));
  const own = new Set<string>();
  const writes = new Map<string, AlertWrite>();
  let state: GroupStatus = { ...group };
  let firing = held.filter((a) => a.status === 'firing').length;
  let reassess = false;
  let change: GroupChange = {};
  let seenAt = deliveries[0]!.receivedAt;

  for (const d of deliveries) {
    let news = 0;
    let newlyFiring = 0;
    for (const outcome of dedupe(d.alerts, alerts, d.id)) {
      if (outcome.kind === 'stale') continue;
      const { alert } = outcome;
      const before = writes.get(alert.fingerprint);
      if (outcome.kind === 'repeat') {
        let mine = alerts.get(alert.fingerprint)!;
        if (!own.has(alert.fingerprint)) {
          mine = { ...mine };
          alerts.set(alert.fingerprint, mine);
          own.add(alert.fingerprint);
        }
        mine.seenIn = d.id;
        // Writes are this batch's own objects: a repeat moves its counters in place (a storm brings thousands of repeats a batch).
        if (before) {
          before.lastSeenAt = d.receivedAt;
          before.received++;
          before.seenIn = d.id;
        } else writes.set(alert.fingerprint, seen(alert, d));
        continue;
      }
      news++;
      if (alert.status === 'firing') newlyFiring++;
      const was = alerts.get(alert.fingerprint);
      if (was?.status === 'firing') firing--;
      if (alert.status === 'firing') firing++;
      alerts.set(alert.fingerprint, { fingerprint: alert.fingerprint, status: alert.status, seenIn: d.id, severity: alert.severity, summary: alert.summary, labels: alert.labels });
      own.add(alert.fingerprint);
      writes.set(alert.fingerprint, {
        fingerprint: alert.fingerprint,
        isNew: before ? before.isNew : outcome.kind === 'new',
        content: alert,
        firstSeenAt: before?.firstSeenAt ?? d.receivedAt,
        lastSeenAt: d.receivedAt,
        received: (before?.received ?? 0) + 1,
        seenIn: d.id,
        changedIn: d.id,
      });
    }
    // As applyDelivery: news, or an assessment this process did not write, reassesses; the state follows from the counts either way.
    if (news > 0 || !assessed) reassess = true;
    const step = afterIntake(state, { firing, newlyFiring, incidentOpen: false, now: d.receivedAt });
    state = { ...state, ...step };
    change = { ...change, ...step };
    if (d.receivedAt > seenAt) seenAt = d.receivedAt;
  }

  return {
    alerts: [...writes.values()],
    group: {
      assessment: reassess ? assessGroup([...alerts.values()], components) : null,
      received: deliveries.length,
      seenAt,
      truncatedAlerts: deliveries[deliveries.length - 1]!.truncatedAlerts,
      change,
    },
    held: [...alerts.values()],
  };
}

/** Seen once more, and only that: its first repeat in the batch. */
function seen(alert: Alert, d: GroupDelivery): AlertWrite {
  return { fingerprint: alert.fingerprint, isNew: false, content: null, firstSeenAt: d.receivedAt, lastSeenAt: d.receivedAt, received: 1, seenIn: d.id, changedIn: null };
}
