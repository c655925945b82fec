import type { CommandContext } from './context.js';
import type { OrgRole, Person } from '../domain/people/person.js';
import { DomainError } from '../domain/model/errors.js';
import { authorize } from '../domain/people/policy.js';
import { newToken } from './tokens.js';
import { requireActive } from '../domain/people/lifecycle.js';

export interface NewPerson {
  handle: string;
  name: string;
  email?: string | null;
  role?: OrgRole;
  chat?: Record<string, string>;
}

/** Handles the system records events as (the reminder scheduler is `system`): nobody may take them. */
export const RESERVED_HANDLES: readonly string[] = ['system'];

export async function createPerson(ctx: CommandContext, input: NewPerson): Promise<Person> {
  authorize(ctx.actor, 'people.manage');
  if (RESERVED_HANDLES.includes(input.handle))
    throw new DomainError('PERSON_EXISTS', `@${input.handle} is reserved for what the system records; choose another handle.`, { field: 'handle' });
  const person: Person = {
    handle: input.handle,
    name: input.name.trim(),
    email: input.email ?? null,
    role: input.role ?? 'responder',
    chat: input.chat ?? {},
    createdAt: ctx.now,
    deactivatedAt: null,
    version: 1,
  };
  if (!person.name) throw new DomainError('VALIDATION_FAILED', 'A person needs a name.', { field: 'name' });
  await ctx.tx.people.insert(person);
  return person;
}

/** Admins issue tokens for anyone; a person may issue their own (for a second machine, a script). */
export async function createToken(ctx: CommandContext, handle: string, name: string | undefined): Promise<{ id: string; token: string; person: string; name: string }> {
  if (handle !== ctx.actor.handle) authorize(ctx.actor, 'people.manage');
  const person = await ctx.tx.people.get(handle);
  if (!person) throw new DomainError('UNKNOWN_PERSON', `There is nobody with the handle @${handle}.`, { field: 'handle' });
  requireActive(person, 'handle');
  const token = newToken();
  const label = name?.trim() || 'api';
  await ctx.tx.people.insertToken({ id: token.id, person: handle, name: label, hash: token.hash, createdAt: ctx.now });
  return { id: token.id, token: token.token, person: handle, name: label };
}
