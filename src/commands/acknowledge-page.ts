/**
 * An acknowledgement of a page, as a tool reports it back (src/http/routes/paging.ts): put
 * on the incident's timeline once per (tool, page), by the person paged when the page was
 * one person's (a group's or a severity's page is acknowledged by `system`, with the
 * tool's name for whoever acked it).
 */
import type { Config } from '../config/load.js';
import type { Store } from '../store/store.js';
import { parsePageKey, type PageProvider } from '../domain/notifications/pages.js';
import { evolve } from '../domain/model/state.js';
import { dueMoments } from '../domain/reminders/rules.js';
import { record } from './incident-command.js';

export type AckOutcome = 'recorded' | 'already' | 'unknown';

export async function acknowledgePage(store: Store, config: Config, ack: { via: PageProvider; page: string; by: string | null; occurredAt: string; now: string }): Promise<AckOutcome> {
  const parsed = parsePageKey(ack.page);
  if (!parsed) return 'unknown';
  return store.transaction(async (tx) => {
    const people = await tx.pages.people(ack.page);
    const state = people ? await tx.incidents.load(parsed.incident, true) : null;
    if (!people || !state) return 'unknown';
    if (!(await tx.pages.acknowledge(ack.via, ack.page, state.number, ack.now))) return 'already';
    const actor = parsed.target.kind === 'person' ? parsed.target.handle : 'system';
    const recorded = record(state.number, state.version, actor, ack.now, {
      events: [{ type: 'PageAcknowledged', page: ack.page, via: ack.via, people, by: ack.by, occurredAt: ack.occurredAt }],
    });
    const next = recorded.reduce(evolve, state);
    await tx.incidents.append(state.version, recorded, next, dueMoments(next, config.policy, config.reminders));
    return 'recorded';
  });
}
