/** Recording what changed, and one click to suspect a change on an incident's timeline. */
import { createHash, randomBytes } from 'node:crypto';
import type { CommandContext } from './context.js';
import type { Repository } from '../store/repository.js';
import type { AlertSource } from '../domain/alerts/source.js';
import type { Person } from '../domain/people/person.js';
import { checkChange, type Change, type ChangeInput } from '../domain/changes/change.js';
import { hypothesisOf, hypothesisText } from '../domain/changes/hypothesis.js';
import { changeWindow, changesForIncident, type ChangeInRoom } from '../domain/changes/window.js';
import { authorize } from '../domain/people/policy.js';
import { DomainError } from '../domain/model/errors.js';
import type { RecordedEvent } from '../domain/model/events.js';
import type { Warning } from '../domain/model/commands.js';
import { loadVisibleIncident, runIncidentCommand } from './incident-command.js';

/** Who sends a change: a change source by its key (a deploy pipeline), or a signed-in person (the CLI, the console). */
export type ChangeSender = { source: AlertSource } | { person: Person };

/** Where a sender's retry is recognised: its Idempotency-Key header, else the event's dedup_key. */
export interface ChangeDedup {
  key: string;
  field: 'idempotency-key' | 'dedup_key';
}

/** The most changes the room lists for one incident (a busy hour of deploys fits many times over). */
export const ROOM_LIMIT = 500;

/**
 * Keeps a change event. A retry under the same dedup key answers the change first kept and
 * keeps nothing new; the same key with a different event is refused, naming the key.
 */
export async function recordChange(
  ctx: { tx: Repository; now: string },
  sender: ChangeSender,
  input: ChangeInput,
  dedup: ChangeDedup | null,
): Promise<{ change: Change; created: boolean }> {
  if ('person' in sender) authorize(sender.person, 'incidents.write');
  const checked = checkChange(input, ctx.now);
  const change: Change = {
    id: `chg_${randomBytes(8).toString('hex')}`,
    ...checked,
    sourceId: 'source' in sender ? sender.source.id : null,
    recordedBy: 'person' in sender ? sender.person.handle : null,
    receivedAt: ctx.now,
    dedupKey: dedup?.key ?? `auto:${randomBytes(12).toString('hex')}`,
  };
  // Times are left out: a retry without a timestamp arrives later, and is still the same event.
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([input.summary, input.timestamp ?? null, input.source ?? null, input.kind ?? null, input.components ?? null, input.links ?? null, input.customDetails ?? null]))
    .digest('hex');
  const kept = await ctx.tx.changes.insert(change, fingerprint);
  if (!kept.created && kept.fingerprint !== fingerprint)
    throw new DomainError('IDEMPOTENCY_KEY_REUSED', `This ${dedup!.field} was already used for a different change event (${kept.change.id}).`, { field: dedup!.field });
  return { change: kept.change, created: kept.created };
}

/** The changes of an incident's window (the hour before its impact began, and its length), those on its components first. */
export async function changesOfIncident(ctx: Pick<CommandContext, 'tx' | 'actor' | 'now'>, number: number): Promise<{ changes: ChangeInRoom[]; window: { from: string; to: string }; hypotheses: Map<string, number> }> {
  authorize(ctx.actor, 'incidents.read');
  const state = await loadVisibleIncident(ctx, number);
  const window = changeWindow({ startedAt: state.startedAt, resolvedAt: state.phase === 'active' ? null : state.resolvedAt }, ctx.now);
  const changes = changesForIncident(await ctx.tx.changes.within(window.from, window.to, ROOM_LIMIT), state, window);
  const hypotheses = new Map<string, number>();
  for (const r of await ctx.tx.incidents.events(number)) if (r.event.type === 'TimelineEntryAdded' && r.event.change) hypotheses.set(r.event.change, r.seq);
  return { changes, window, hypotheses };
}

/**
 * Puts a change on the incident's timeline as a hypothesis, once: a second click (or a
 * retry) answers the entry already there.
 */
export async function suspectChange(ctx: CommandContext, number: number, changeId: string): Promise<{ entry: RecordedEvent; created: boolean; warnings: Warning[] }> {
  authorize(ctx.actor, 'incidents.write');
  // Locked first, so two clicks at once serialise and the second finds the first's entry.
  await loadVisibleIncident(ctx, number, true);
  const change = await ctx.tx.changes.byId(changeId);
  if (!change) throw new DomainError('CHANGE_NOT_FOUND', `There is no change ${changeId}.`, { field: 'changeId' });
  const existing = hypothesisOf(await ctx.tx.incidents.events(number), change.id);
  if (existing) return { entry: existing, created: false, warnings: [] };
  const result = await runIncidentCommand(ctx, number, { type: 'AddTimelineEntry', kind: 'hypothesis', text: hypothesisText(change), change: change.id });
  const entry = result.recorded.find((r) => r.event.type === 'TimelineEntryAdded');
  if (!entry) throw new Error('a hypothesis recorded no timeline entry');
  return { entry, created: true, warnings: result.warnings };
}
