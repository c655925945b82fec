/** Per-incident e-mail subscribers and per-person notification preferences. */
import type { CommandContext } from './context.js';
import { DomainError } from '../domain/model/errors.js';
import { authorize, canSee } from '../domain/people/policy.js';
import { loadVisibleIncident, requirePeople } from './incident-command.js';
import type { Preferences } from '../store/email.js';

/** Anyone who can read the incident may follow it; subscribing someone else takes a responder. */
export async function subscribeToIncident(ctx: CommandContext, number: number, handle: string): Promise<string[]> {
  authorize(ctx.actor, 'incidents.read');
  if (handle !== ctx.actor.handle) authorize(ctx.actor, 'incidents.write');
  const state = await loadVisibleIncident(ctx, number);
  await requirePeople(ctx, { handle });
  const person = (await ctx.tx.people.get(handle))!;
  if (!canSee(person, state))
    throw new DomainError('VALIDATION_FAILED', `@${handle} is not in this private incident and would not be told about it.`, { field: 'handle' });
  await ctx.tx.email.subscribe(number, handle, ctx.now);
  return ctx.tx.email.subscribers(number);
}

/** A person sets their own; admins may set anyone's. */
export async function setPreferences(ctx: CommandContext, handle: string, preferences: Preferences): Promise<Preferences> {
  if (handle !== ctx.actor.handle) authorize(ctx.actor, 'people.manage');
  await requirePeople(ctx, { handle });
  const stored: Preferences = { channels: [...new Set(preferences.channels)], events: [...new Set(preferences.events)] };
  await ctx.tx.email.setPreferences(handle, stored, ctx.now);
  return stored;
}

export async function getPreferences(ctx: Pick<CommandContext, 'tx' | 'actor'>, handle: string): Promise<Preferences> {
  if (handle !== ctx.actor.handle) authorize(ctx.actor, 'people.manage');
  await requirePeople(ctx, { handle });
  return ctx.tx.email.preferences(handle);
}
