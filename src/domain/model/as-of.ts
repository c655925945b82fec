import { fold, type IncidentState } from './state.js';
import type { RecordedEvent } from './events.js';

/**
 * The incident as it stood at `at`: the events recorded by then, folded. Only the stream's
 * prefix counts (it stops at the first event recorded later), so instances whose clocks
 * disagree by a moment still give a state the stream actually passed through. Null before
 * the declaration was recorded. A backdated timeline entry counts from when it was recorded:
 * until then nobody knew it.
 */
export function foldUntil(events: RecordedEvent[], at: string): IncidentState | null {
  const limit = Date.parse(at);
  const end = events.findIndex((e) => Date.parse(e.recordedAt) > limit);
  const known = end === -1 ? events : events.slice(0, end);
  return known.length === 0 ? null : fold(known);
}
