import { describe, expect, it } from 'vitest';
import type { Person } from '../../src/domain/people/person.js';
import { decideDeactivate, decideEditPerson, decideReactivate, requireActive } from '../../src/domain/people/lifecycle.js';
import { DomainError } from '../../src/domain/model/errors.js';

const NOW = '2026-06-06T14:14:00.000Z';
const admin: Person = { handle: 'ana', name: 'Ana', email: null, role: 'admin', chat: {}, createdAt: NOW, deactivatedAt: null, version: 3 };

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
}

describe('people lifecycle rules', () => {
  it('given the last active admin, when demoted or deactivated, then LAST_ADMIN', () => {
    expect(code(() => decideEditPerson(admin, { role: 'responder' }, 0))).toBe('LAST_ADMIN');
    expect(code(() => decideDeactivate(admin, 0, NOW))).toBe('LAST_ADMIN');
  });

  it('given another active admin, when demoted, then the role changes and the version moves', () => {
    expect(decideEditPerson(admin, { role: 'viewer' }, 1)).toMatchObject({ role: 'viewer', version: 4 });
  });

  it('given an edit from an old version, then VERSION_CONFLICT; a blank name is refused', () => {
    expect(code(() => decideEditPerson(admin, { name: 'A' }, 1, 2))).toBe('VERSION_CONFLICT');
    expect(code(() => decideEditPerson(admin, { name: '  ' }, 1))).toBe('VALIDATION_FAILED');
  });

  it('given a deactivated person, when deactivated again, then nothing changes; reactivated, active again', () => {
    const gone = decideDeactivate({ ...admin, role: 'responder' }, 0, NOW)!;
    expect(gone.deactivatedAt).toBe(NOW);
    expect(decideDeactivate(gone, 0, NOW)).toBeNull();
    expect(code(() => requireActive(gone, 'person'))).toBe('PERSON_DEACTIVATED');
    expect(decideReactivate(gone)).toMatchObject({ deactivatedAt: null, version: gone.version + 1 });
    expect(decideReactivate(admin)).toBeNull();
  });
});
