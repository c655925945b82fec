/**
 * Who may do what, in one table. Viewers read; responders run incidents; admins also
 * manage people. Per-incident rules (only the IC hands off IC…) are the playbook's
 * and live in the domain.
 */
import type { OrgRole, Person } from './person.js';
import type { IncidentState } from '../model/state.js';
import { DomainError } from '../model/errors.js';

export const PERMISSIONS = {
  'incidents.read': ['admin', 'responder', 'viewer'],
  'incidents.declare': ['admin', 'responder'],
  'incidents.write': ['admin', 'responder'],
  /** Closing one incident into another; the merged incident's IC decides it (src/domain/incidents/merge.ts). */
  'incidents.merge': ['admin', 'responder'],
  'people.read': ['admin', 'responder', 'viewer'],
  'people.manage': ['admin'],
  'severities.read': ['admin', 'responder', 'viewer'],
  'alerts.read': ['admin', 'responder', 'viewer'],
  'alerts.respond': ['admin', 'responder'],
  'alerts.sources': ['admin'],
  'webhooks.manage': ['admin'],
  'components.manage': ['admin'],
  'maintenance.manage': ['admin', 'responder'],
  /** Creating, editing and closing follow-up action items (src/domain/follow-ups). */
  'followups.write': ['admin', 'responder'],
  'subscribers.manage': ['admin'],
  'audit.read': ['admin'],
} as const satisfies Record<string, readonly OrgRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(person: Pick<Person, 'role'>, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly OrgRole[]).includes(person.role);
}

export function authorize(person: Pick<Person, 'role' | 'handle'>, permission: Permission): void {
  if (!can(person, permission))
    throw new DomainError('FORBIDDEN', `@${person.handle} is a ${person.role}; that needs ${PERMISSIONS[permission].join(' or ')}.`, {
      permission,
    });
}

/** The permissions a person holds, shipped to clients so they hide what the person cannot do. */
export function permissionsOf(person: Pick<Person, 'role'>): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(person, p));
}

/** What the console shows a person, from the same table the API enforces: declare, run incidents, manage people. */
export function consolePermissions(person: Pick<Person, 'role'>): { declare: boolean; respond: boolean; admin: boolean } {
  return { declare: can(person, 'incidents.declare'), respond: can(person, 'incidents.write'), admin: can(person, 'people.manage') };
}

/** A private incident is seen only by the people in it and by admins. Lists apply the same rule in SQL (`IncidentFilter.visibleTo`). */
export function canSee(person: Pick<Person, 'role' | 'handle'>, state: Pick<IncidentState, 'private' | 'participants'>): boolean {
  return !state.private || person.role === 'admin' || state.participants.includes(person.handle);
}
