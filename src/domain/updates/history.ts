/** The incident's status updates, read back off its events. */
import type { RecordedEvent } from '../model/events.js';
import { evolve, evolveDeclared, type IncidentState, type StatusUpdate } from '../model/state.js';

/** Every update the incident has posted, each rendered with the severity it had then. */
export function updatesOf(events: RecordedEvent[]): { state: IncidentState; updates: StatusUpdate[] } {
  const [first, ...rest] = events;
  if (!first) throw new Error('an incident needs at least its declaration');
  let state = evolveDeclared(first);
  const updates: StatusUpdate[] = [];
  for (const recorded of rest) {
    state = evolve(state, recorded);
    if (recorded.event.type === 'StatusUpdatePosted' && state.lastUpdate) updates.push(state.lastUpdate);
  }
  return { state, updates };
}
