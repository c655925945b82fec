/** Load → authorize → decide → record → append, the same for every change to an incident. */
import type { CommandContext } from './context.js';
import { decide } from '../domain/decide.js';
import type { IncidentCommand, Warning } from '../domain/model/commands.js';
import type { RecordedEvent } from '../domain/model/events.js';
import { evolve, type IncidentState } from '../domain/model/state.js';
import { DomainError } from '../domain/model/errors.js';
import { authorize, can, canSee } from '../domain/people/policy.js';
import { dueMoments } from '../domain/reminders/rules.js';
import { requireActive } from '../domain/people/lifecycle.js';
import { incidentId } from '../domain/model/ids.js';

export interface CommandResult {
  state: IncidentState;
  warnings: Warning[];
  recorded: RecordedEvent[];
}

export async function loadVisibleIncident(ctx: Pick<CommandContext, 'tx' | 'actor'>, number: number, lock = false): Promise<IncidentState> {
  const state = await ctx.tx.incidents.load(number, lock);
  // A private incident the caller is not in is reported as missing, so its existence does not leak.
  if (!state || !canSee(ctx.actor, state))
    throw new DomainError('INCIDENT_NOT_FOUND', `There is no incident ${incidentId(number)} that you can see.`, { field: 'id' });
  return state;
}

/**
 * The people a command names must exist and be active (409 for one deactivated); with
 * `responders`, they must also be able to act (a viewer named IC could never accept, post or resolve).
 */
export async function requirePeople(
  ctx: Pick<CommandContext, 'tx'>,
  people: Record<string, string | null | undefined>,
  options: { responders?: boolean } = {},
): Promise<void> {
  for (const [field, handle] of Object.entries(people)) {
    if (handle == null) continue;
    const person = await ctx.tx.people.get(handle);
    if (!person)
      throw new DomainError('UNKNOWN_PERSON', `There is nobody with the handle @${handle}; add them with POST /people first.`, { field });
    requireActive(person, field);
    if (options.responders && !can(person, 'incidents.write'))
      throw new DomainError('PERSON_CANNOT_RESPOND', `@${handle} is a viewer and cannot hold an incident role; make them a responder first.`, {
        field,
      });
  }
}

export function record(number: number, fromVersion: number, actor: string, at: string, decided: { events: RecordedEvent['event'][] }): RecordedEvent[] {
  return decided.events.map((event, i) => ({ incident: number, seq: fromVersion + i + 1, actor, recordedAt: at, event }));
}

export async function runIncidentCommand(
  ctx: CommandContext,
  number: number,
  command: IncidentCommand,
  expectedVersion?: number,
): Promise<CommandResult> {
  authorize(ctx.actor, 'incidents.write');
  const state = await loadVisibleIncident(ctx, number, true);
  if (expectedVersion !== undefined && expectedVersion !== state.version)
    throw new DomainError('VERSION_CONFLICT', `${incidentId(number)} is at version ${state.version}, not ${expectedVersion}: someone changed it; reload.`, {
      currentVersion: state.version,
    });
  const decision = decide(state, command, {
    now: ctx.now,
    actor: { handle: ctx.actor.handle, admin: ctx.actor.role === 'admin' },
    policy: ctx.config.policy,
  });
  const recorded = record(number, state.version, ctx.actor.handle, ctx.now, decision);
  const next = recorded.reduce(evolve, state);
  await ctx.tx.incidents.append(state.version, recorded, next, dueMoments(next, ctx.config.policy, ctx.config.reminders));
  return { state: next, warnings: decision.warnings, recorded };
}
