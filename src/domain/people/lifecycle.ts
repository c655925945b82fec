/**
 * Changing a person and taking access back: pure rules. The store counts the other active
 * admins (row-locked) and the command applies what these answer.
 */
import type { OrgRole, Person } from './person.js';
import { isActive } from './person.js';
import { DomainError } from '../model/errors.js';

export interface PersonPatch {
  name?: string;
  email?: string | null;
  role?: OrgRole;
  chat?: Record<string, string>;
}

/** Someone must always be able to manage people: the last active admin keeps the role and stays active. */
function keepAnAdmin(person: Person, otherActiveAdmins: number, what: string): void {
  if (person.role === 'admin' && isActive(person) && otherActiveAdmins === 0)
    throw new DomainError('LAST_ADMIN', `@${person.handle} is the last active admin and cannot be ${what}; make someone else an admin first.`, {
      field: 'handle',
    });
}

function checkVersion(person: Person, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== person.version)
    throw new DomainError('VERSION_CONFLICT', `@${person.handle} is at version ${person.version}, not ${expectedVersion}: someone changed them; reload.`, {
      currentVersion: person.version,
    });
}

export function decideEditPerson(person: Person, patch: PersonPatch, otherActiveAdmins: number, expectedVersion?: number): Person {
  checkVersion(person, expectedVersion);
  if (patch.role !== undefined && patch.role !== 'admin') keepAnAdmin(person, otherActiveAdmins, `made a ${patch.role}`);
  const name = patch.name === undefined ? person.name : patch.name.trim();
  if (!name) throw new DomainError('VALIDATION_FAILED', 'A person needs a name.', { field: 'name' });
  return {
    ...person,
    name,
    email: patch.email === undefined ? person.email : patch.email,
    role: patch.role ?? person.role,
    chat: patch.chat ?? person.chat,
    version: person.version + 1,
  };
}

/** Deactivating one already deactivated changes nothing (a retried request is not an error). */
export function decideDeactivate(person: Person, otherActiveAdmins: number, now: string): Person | null {
  if (!isActive(person)) return null;
  keepAnAdmin(person, otherActiveAdmins, 'deactivated');
  return { ...person, deactivatedAt: now, version: person.version + 1 };
}

export function decideReactivate(person: Person): Person | null {
  if (isActive(person)) return null;
  return { ...person, deactivatedAt: null, version: person.version + 1 };
}

/** A deactivated person cannot be given anything to do in an incident. */
export function requireActive(person: Person, field: string): void {
  if (!isActive(person))
    throw new DomainError('PERSON_DEACTIVATED', `@${person.handle} was deactivated on ${person.deactivatedAt!.slice(0, 10)} and cannot be named; choose someone else.`, {
      field,
    });
}
