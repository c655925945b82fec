import type { CommandContext } from './context.js';
import type { OrgRole, Person } from '../domain/people/person.js';
import { DomainError } from '../domain/model/errors.js';
import { authorize } from '../domain/people/policy.js';
import { recordAudit } from './audit.js';

/** What the audit log keeps of a person. */
export function auditedPerson(person: Person) {
  return { name: person.name, email: person.email, role: person.role, chat: person.chat, deactivatedAt: person.deactivatedAt };
}

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
  await recordAudit(ctx, 'person.created', person.handle, { after: auditedPerson(person) });
  return person;
}
