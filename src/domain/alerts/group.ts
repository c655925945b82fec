/**
 * The life of an alert group — one thing to acknowledge, however many alerts a single
 * failure raises: open → acknowledged → resolved when all its alerts resolve, or
 * dismissed with a reason. Firing again after it closed reopens it, unless an open
 * incident already owns it: then the news goes onto that incident's timeline instead.
 */
import { refuse } from '../model/errors.js';
import type { AlertSeverity, Labels } from './alert.js';
import type { AlertSource } from './source.js';
import { incidentId } from '../model/ids.js';

export const GROUP_STATES = ['open', 'acknowledged', 'resolved', 'dismissed'] as const;
export type GroupState = (typeof GROUP_STATES)[number];

export interface GroupStatus {
  id: number;
  state: GroupState;
  /** When the current episode began: what time to acknowledge is measured from. */
  openedAt: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  incident: number | null;
  dismissedReason: string | null;
}

export interface Acknowledgement {
  acknowledgedBy: string;
  acknowledgedAt: string;
  secondsToAcknowledge: number;
}

export type GroupChange = Partial<Omit<GroupStatus, 'id' | 'openedAt'>> & {
  openedAt?: string;
  secondsToAcknowledge?: number | null;
  dismissedBy?: string | null;
  dismissedAt?: string | null;
};

export interface IntakeFacts {
  firing: number;
  /** Alerts this delivery put (back) into firing; repeats of firing alerts are not news. */
  newlyFiring: number;
  /** The linked incident is still open, so it — not a page — takes what fires. */
  incidentOpen: boolean;
  now: string;
}

/** The group's state after a delivery. */
export function afterIntake(group: GroupStatus, facts: IntakeFacts): GroupChange {
  const { firing, newlyFiring, incidentOpen, now } = facts;
  if (firing === 0) {
    return group.state === 'open' || group.state === 'acknowledged' ? { state: 'resolved' } : {};
  }
  if (group.state === 'resolved' && incidentOpen) return { state: 'acknowledged' };
  if (group.state === 'resolved' || (group.state === 'dismissed' && newlyFiring > 0)) {
    // A new episode: nobody has acknowledged it yet, and a closed incident no longer owns it.
    return {
      state: 'open',
      openedAt: now,
      acknowledgedBy: null,
      acknowledgedAt: null,
      secondsToAcknowledge: null,
      incident: null,
      dismissedReason: null,
      dismissedBy: null,
      dismissedAt: null,
    };
  }
  return {};
}

export function acknowledgement(group: GroupStatus, by: string, now: string): Acknowledgement {
  return {
    acknowledgedBy: by,
    acknowledgedAt: now,
    secondsToAcknowledge: Math.max(0, Math.round((Date.parse(now) - Date.parse(group.openedAt)) / 1000)),
  };
}

export function decideAcknowledge(group: GroupStatus, by: string, now: string): GroupChange {
  if (group.state === 'acknowledged')
    refuse('ALERT_GROUP_ACKNOWLEDGED', `Alert group ${group.id} was already acknowledged by ${group.acknowledgedBy} at ${group.acknowledgedAt}.`, {
      acknowledgedBy: group.acknowledgedBy,
    });
  if (group.state !== 'open') refuse('ALERT_GROUP_NOT_OPEN', `Alert group ${group.id} is ${group.state}; there is nothing to acknowledge.`, { state: group.state });
  return { state: 'acknowledged', ...acknowledgement(group, by, now) };
}

export function requireUndeclared(group: GroupStatus): void {
  if (group.incident !== null)
    refuse('ALERT_GROUP_DECLARED', `Alert group ${group.id} is already ${incidentId(group.incident)}.`, { incident: incidentId(group.incident) });
}

/** Declaring is the strongest acknowledgement: the group is now the incident's. */
export function decideDeclare(group: GroupStatus, firing: number, by: string, now: string, incident: number): GroupChange {
  requireUndeclared(group);
  return {
    state: firing > 0 ? 'acknowledged' : 'resolved',
    incident,
    dismissedReason: null,
    dismissedBy: null,
    dismissedAt: null,
    ...(group.acknowledgedAt === null ? acknowledgement(group, by, now) : {}),
  };
}

export function decideDismiss(group: GroupStatus, reason: string, by: string, now: string): GroupChange {
  const why = reason.trim();
  if (!why) refuse('VALIDATION_FAILED', 'Say why these alerts are dismissed (reason): the next person on call will read it.', { field: 'reason' });
  if (group.incident !== null)
    refuse('ALERT_GROUP_DECLARED', `Alert group ${group.id} belongs to ${incidentId(group.incident)}; resolve the incident instead.`, {
      incident: incidentId(group.incident),
    });
  if (group.state === 'dismissed') refuse('ALERT_GROUP_NOT_OPEN', `Alert group ${group.id} is already dismissed.`, { state: group.state });
  return {
    state: 'dismissed',
    dismissedReason: why,
    dismissedBy: by,
    dismissedAt: now,
    ...(group.acknowledgedAt === null ? acknowledgement(group, by, now) : {}),
  };
}

export interface AlertGroup extends GroupStatus {
  source: AlertSource;
  groupKey: string;
  title: string;
  severity: AlertSeverity | null;
  suggestedComponents: string[];
  commonLabels: Labels;
  differingLabels: Record<string, string[]>;
  counts: { alerts: number; firing: number; resolved: number; received: number };
  truncatedAlerts: number;
  firstSeenAt: string;
  lastSeenAt: string;
  secondsToAcknowledge: number | null;
  dismissedBy: string | null;
  dismissedAt: string | null;
}
