/**
 * Queues the pages an event sends (src/domain/notifications/pages.ts), in the notification
 * fan-out's transaction: the people told at once who may see the incident, through each tool
 * configured; and, when the incident is resolved, the resolve (close) of every page it raised.
 */
import type { Config } from '../../config/load.js';
import type { RecordedEvent } from '../../domain/model/events.js';
import type { IncidentState } from '../../domain/model/state.js';
import { whoIsTold } from '../../domain/notifications/paging.js';
import { pagesFor, type PagerRouting } from '../../domain/notifications/pages.js';
import { canSee } from '../../domain/people/policy.js';
import type { PagingSecrets } from '../../integrations/paging.js';
import { pageResolve, pageTrigger } from '../../presenters/pages.js';
import type { Repository } from '../../store/repository.js';

/** The tools pages go through: those configured, less any whose secret is missing. */
export function pagersOn(config: Config, secrets: PagingSecrets | null | undefined): PagerRouting | null {
  if (!secrets) return null;
  const { pagerduty, opsgenie, webhook } = config.pagers;
  const routing = { pagerduty, opsgenie: secrets.opsgenieApiKey ? opsgenie : null, webhook: secrets.webhookSecret ? webhook : null };
  return routing.pagerduty || routing.opsgenie || routing.webhook ? routing : null;
}

export interface QueuePages {
  tx: Repository;
  config: Config;
  routing: PagerRouting;
  eventId: number;
  recorded: RecordedEvent;
  state: IncidentState;
  /** The incident's events (whoIsTold pages nobody twice). */
  stream: RecordedEvent[];
  consoleUrl: string;
  maxAttempts: number;
}

export async function queuePages({ tx, config, routing, eventId, recorded, state, stream, consoleUrl, maxAttempts }: QueuePages): Promise<void> {
  const at = recorded.recordedAt;
  const queued = { eventId, incident: state.number, remaining: maxAttempts, at };
  let added = false;
  if (recorded.event.type === 'IncidentResolved') {
    await tx.pages.cancelWaitingTriggers(state.number, at);
    for (const raised of await tx.pages.raised(state.number)) {
      const routingKey = raised.provider === 'pagerduty' ? ((JSON.parse(raised.body) as { routing_key: string }).routing_key) : null;
      await tx.pages.add({ ...queued, provider: raised.provider, action: 'resolve', key: raised.key, people: raised.people, ...pageResolve({ ...raised, routingKey }, state, routing, at) });
      added = true;
    }
  }
  const emails = new Map<string, string | null>();
  const told = [];
  for (const notice of whoIsTold(recorded, state, config.policy, config.paging, stream)) {
    const person = await tx.people.get(notice.handle);
    if (!person || !canSee(person, state)) continue;
    emails.set(notice.handle, person.email);
    told.push(notice);
  }
  for (const page of pagesFor(state.number, told, routing, (handle) => emails.get(handle) ?? null)) {
    const request = pageTrigger(page, state, config.policy, routing, at, consoleUrl);
    await tx.pages.add({ ...queued, provider: page.provider, action: 'trigger', key: page.key, people: page.told.map((t) => t.handle), ...request });
    added = true;
  }
  if (added) tx.noteNotificationQueued();
}
