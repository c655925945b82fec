/**
 * Follow-up action items: open one from an incident (its postmortem or a timeline entry),
 * change it, close it. The rules are src/domain/follow-ups; who may is the permission table.
 * Opening and closing are also notes on the incident's timeline, in the same transaction.
 */
import { randomBytes } from 'node:crypto';
import type { CommandContext } from './context.js';
import { DomainError } from '../domain/model/errors.js';
import { authorize } from '../domain/people/policy.js';
import { decideCreate, decidePatch, type FollowUp, type FollowUpPatch } from '../domain/follow-ups/follow-up.js';
import { loadVisibleIncident, runIncidentCommand } from './incident-command.js';
import { followUpClosedText, followUpOpenedText } from '../presenters/follow-ups.js';
import type { Person } from '../domain/people/person.js';
import type { Repository } from '../store/repository.js';
import type { StoredFollowUp } from '../store/follow-ups.js';

export interface NewFollowUp {
  title: string;
  owner: string;
  due: string;
  priority?: string;
  sourceEntry?: number | null;
}

export async function createFollowUp(ctx: CommandContext, number: number, input: NewFollowUp): Promise<FollowUp> {
  authorize(ctx.actor, 'followups.write');
  const incident = await loadVisibleIncident(ctx, number, true);
  const item = decideCreate(input, {
    id: `fu_${randomBytes(8).toString('hex')}`,
    incident: number,
    actor: ctx.actor.handle,
    now: ctx.now,
    owner: await ctx.tx.people.get(input.owner),
    lastEntry: incident.version,
  });
  await ctx.tx.followUps.insert(item);
  await runIncidentCommand(ctx, number, { type: 'AddTimelineEntry', kind: 'note', text: followUpOpenedText(item) });
  return item;
}

/** One item, if the person may see its incident (otherwise reported missing, like a private incident). */
export async function readFollowUp(tx: Repository, person: Person, id: string, lock = false): Promise<StoredFollowUp> {
  const item = await tx.followUps.get(id, lock);
  const missing = new DomainError('FOLLOW_UP_NOT_FOUND', `There is no follow-up ${id} that you can see.`, { field: 'id' });
  if (!item) throw missing;
  try {
    await loadVisibleIncident({ tx, actor: person }, item.incident);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'INCIDENT_NOT_FOUND') throw missing;
    throw error;
  }
  return item;
}

export async function changeFollowUp(ctx: CommandContext, id: string, patch: FollowUpPatch, expectedVersion?: number): Promise<FollowUp> {
  authorize(ctx.actor, 'followups.write');
  const item = await readFollowUp(ctx.tx, ctx.actor, id, true);
  if (expectedVersion !== undefined && expectedVersion !== item.version)
    throw new DomainError('VERSION_CONFLICT', `Follow-up ${id} is at version ${item.version}, not ${expectedVersion}: someone changed it; reload.`, {
      currentVersion: item.version,
    });
  const owner = patch.owner === undefined ? null : await ctx.tx.people.get(patch.owner);
  const changed = decidePatch(item, patch, { actor: ctx.actor.handle, now: ctx.now, owner });
  if (changed === item) return item;
  await ctx.tx.followUps.replace(changed, item);
  if (changed.state !== item.state && changed.state !== 'open')
    await runIncidentCommand(ctx, item.incident, { type: 'AddTimelineEntry', kind: 'note', text: followUpClosedText(changed) });
  return changed;
}

