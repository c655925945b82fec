/** Editing a person, and deactivating and reactivating them: admin actions on the people table, one transaction each. */
import type { CommandContext } from './context.js';
import type { Person } from '../domain/people/person.js';
import { DomainError } from '../domain/model/errors.js';
import { authorize } from '../domain/people/policy.js';
import { auditedPerson } from './people.js';
import { recordAudit } from './audit.js';
import { decideDeactivate, decideEditPerson, decideReactivate, type PersonPatch } from '../domain/people/lifecycle.js';

export interface PersonChange {
  before: Person;
  after: Person;
}

async function load(ctx: CommandContext, handle: string): Promise<Person> {
  const person = await ctx.tx.people.get(handle, true);
  if (!person) throw new DomainError('PERSON_NOT_FOUND', `There is nobody with the handle @${handle}.`, { field: 'handle' });
  return person;
}

async function save(ctx: CommandContext, before: Person, after: Person): Promise<void> {
  if (!(await ctx.tx.people.update(after, before.version)))
    throw new DomainError('VERSION_CONFLICT', `@${before.handle} changed while this edit was made; reload.`, { currentVersion: before.version + 1 });
}

export async function editPerson(ctx: CommandContext, handle: string, patch: PersonPatch, expectedVersion?: number): Promise<PersonChange> {
  authorize(ctx.actor, 'people.manage');
  const before = await load(ctx, handle);
  const others = patch.role !== undefined && patch.role !== before.role ? await ctx.tx.people.otherActiveAdmins(handle) : Number.POSITIVE_INFINITY;
  const after = decideEditPerson(before, patch, others, expectedVersion);
  await save(ctx, before, after);
  await recordAudit(ctx, 'person.updated', handle, { before: auditedPerson(before), after: auditedPerson(after) });
  // A changed role changes what open streams may see: they re-check.
  if (after.role !== before.role) await ctx.tx.noteAccessChanged();
  return { before, after };
}

/** Takes every token and session away at once; open event streams end when their instance hears of it. */
export async function deactivatePerson(ctx: CommandContext, handle: string, expectedVersion?: number): Promise<PersonChange & { revokedTokens: number }> {
  authorize(ctx.actor, 'people.manage');
  const before = await load(ctx, handle);
  if (expectedVersion !== undefined && expectedVersion !== before.version) decideEditPerson(before, {}, 1, expectedVersion);
  const after = decideDeactivate(before, await ctx.tx.people.otherActiveAdmins(handle), ctx.now);
  if (!after) return { before, after: before, revokedTokens: 0 };
  await save(ctx, before, after);
  const revokedTokens = await ctx.tx.people.revokeAll(handle);
  await ctx.tx.noteAccessChanged();
  await recordAudit(ctx, 'person.deactivated', handle, { before: auditedPerson(before), after: { ...auditedPerson(after), revokedTokens } });
  return { before, after, revokedTokens };
}

/** Lets them be named again; they sign in with a new token (the old ones stay revoked). */
export async function reactivatePerson(ctx: CommandContext, handle: string): Promise<PersonChange> {
  authorize(ctx.actor, 'people.manage');
  const before = await load(ctx, handle);
  const after = decideReactivate(before);
  if (!after) return { before, after: before };
  await save(ctx, before, after);
  await recordAudit(ctx, 'person.reactivated', handle, { before: auditedPerson(before), after: auditedPerson(after) });
  return { before, after };
}
