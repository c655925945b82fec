/**
 * One click puts a change on the timeline as a hypothesis: an entry of the existing
 * `hypothesis` kind that names the change, once per change and incident.
 */
import type { RecordedEvent } from '../model/events.js';
import { hhmmUtc } from '../model/time.js';
import type { Change } from './change.js';

const KIND_LABELS: Record<Change['kind'], string> = {
  deploy: 'deploy',
  config: 'config change',
  'feature-flag': 'feature flag',
  'batch-job': 'batch job',
  other: 'change',
};

/** A change in one line: what kind of change, when, where, from what, and what changed. */
export function changeLine(change: Change): string {
  const where = change.components.length ? ` on ${change.components.join(', ')}` : '';
  const origin = change.origin ? `, from ${change.origin}` : '';
  return `${KIND_LABELS[change.kind]} at ${hhmmUtc(change.at)} UTC${where}${origin}: ${change.summary}`;
}

/** The entry's text, so it reads without the change at hand. */
export function hypothesisText(change: Change): string {
  return `Suspect ${changeLine(change)}`;
}

/** The incident's timeline entry already naming the change, if any (the click is idempotent per change). */
export function hypothesisOf(events: readonly RecordedEvent[], changeId: string): RecordedEvent | null {
  return events.find((r) => r.event.type === 'TimelineEntryAdded' && r.event.change === changeId) ?? null;
}
