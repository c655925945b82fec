/**
 * Two incidents declared for one failure become one: the merged incident is closed with a
 * pointer to the one it went into, and its timeline entries and alert observations are
 * carried over (each saying where and from whom it came), with its alert groups. Only open
 * incidents merge, never into themselves; the merged one's IC (or an admin) decides it, as
 * closing it is theirs; a private incident is not merged into one more people can see.
 */
import type { DecideContext, Decision } from '../model/commands.js';
import type { IncidentEvent, RecordedEvent } from '../model/events.js';
import type { IncidentState } from '../model/state.js';
import { refuse } from '../model/errors.js';
import { requireCommander } from '../model/guards.js';
import { incidentId } from '../model/ids.js';

/** At most this many entries are carried: the rest stay readable on the merged incident. */
export const MERGE_CARRY_LIMIT = 1_000;

export interface MergeInput {
  reason: string | null;
  /** The alert groups the merged incident owns, which move with it. */
  alertGroups: number[];
}

export interface MergeDecision {
  merged: Decision;
  into: Decision;
}

/** What of the merged incident's record follows it: entries people wrote and what alerts said. */
function carried(from: IncidentState, events: RecordedEvent[]): IncidentEvent[] {
  const out: IncidentEvent[] = [];
  for (const { event, actor } of events) {
    if (event.type === 'TimelineEntryAdded')
      out.push({ type: 'TimelineEntryAdded', kind: event.kind, text: `${incidentId(from.number)} · @${actor}: ${event.text}`, occurredAt: event.occurredAt, corrects: null });
    else if (event.type === 'AlertObserved' || event.type === 'MoreAlertsObserved') out.push(event);
  }
  return out;
}

export function decideMerge(merged: IncidentState, into: IncidentState | null, events: RecordedEvent[], input: MergeInput, ctx: DecideContext): MergeDecision {
  if (into === null) refuse('INCIDENT_NOT_FOUND', 'There is no incident to merge into that you can see.', { field: 'into' });
  if (into.number === merged.number) refuse('MERGE_INTO_SELF', `${incidentId(merged.number)} cannot be merged into itself.`, { field: 'into' });
  if (merged.mergedInto !== null)
    refuse('INCIDENT_MERGED', `${incidentId(merged.number)} was already merged into ${incidentId(merged.mergedInto)}.`, { into: incidentId(merged.mergedInto) });
  if (merged.phase !== 'active')
    refuse('INCIDENT_NOT_OPEN', `${incidentId(merged.number)} is resolved; only an open incident is merged into another.`, { state: merged.phase });
  if (into.phase !== 'active')
    refuse('MERGE_TARGET_NOT_OPEN', `${incidentId(into.number)} is resolved; merge into an open incident.`, { field: 'into', state: into.phase });
  requireCommander(merged, ctx, `merges ${incidentId(merged.number)} into another incident`);
  if (merged.private && !into.private)
    refuse('PRIVATE_INCIDENT', `${incidentId(merged.number)} is private and ${incidentId(into.number)} is not: merging would show its timeline to everyone.`, {
      field: 'into',
    });
  const reason = input.reason?.trim() || null;
  const entries = carried(merged, events);
  const kept = entries.slice(0, MERGE_CARRY_LIMIT);
  return {
    merged: { events: [{ type: 'IncidentMerged', into: into.number, reason }], warnings: [] },
    into: {
      events: [
        { type: 'IncidentMergedIn', from: merged.number, title: merged.title, reason, alertGroups: input.alertGroups, carried: kept.length, notCarried: entries.length - kept.length },
        ...kept,
      ],
      warnings: [],
    },
  };
}
