/**
 * Which timeline events notifications hear about, under their PRODUCT.md names. Events
 * not listed here (notes, corrections…) notify nobody and, but for `reachesOutbox`, never reach the outbox.
 */
import type { IncidentEventType } from '../model/events.js';

export const NOTIFICATION_EVENT_TYPES = [
  'incident.declared',
  'incident.severity_changed',
  'incident.role_offered',
  'incident.role_assigned',
  'incident.update_posted',
  'incident.update_due_soon',
  'incident.update_overdue',
  'incident.overdue_escalated',
  'incident.role_gap',
  'incident.resolved',
  'incident.postmortem_owed',
] as const;

export type NotificationEventType = (typeof NOTIFICATION_EVENT_TYPES)[number];

const BY_DOMAIN_EVENT: Partial<Record<IncidentEventType, NotificationEventType>> = {
  IncidentDeclared: 'incident.declared',
  SeverityChanged: 'incident.severity_changed',
  CommanderOffered: 'incident.role_offered',
  CommanderAccepted: 'incident.role_assigned',
  RoleAssigned: 'incident.role_assigned',
  // An SME pulled in is told what is asked of them (src/domain/notifications/paging.ts).
  SmeAdded: 'incident.role_assigned',
  StatusUpdatePosted: 'incident.update_posted',
  UpdateDueSoon: 'incident.update_due_soon',
  UpdateOverdue: 'incident.update_overdue',
  OverdueEscalated: 'incident.overdue_escalated',
  RoleGapNudged: 'incident.role_gap',
  IncidentResolved: 'incident.resolved',
  PostmortemReminded: 'incident.postmortem_owed',
};

/** The notification type of a domain event, or null when it notifies nobody. */
export function notificationType(type: IncidentEventType): NotificationEventType | null {
  return BY_DOMAIN_EVENT[type] ?? null;
}

/**
 * Whether an event goes through the notification outbox: those above, and the postmortem
 * review's scheduling, whose invite is e-mailed (not a webhook type: it names no change a
 * subscriber chose to hear of).
 */
export function reachesOutbox(type: IncidentEventType): boolean {
  return notificationType(type) !== null || type === 'PostmortemScheduled';
}
