/**
 * The status page's subscribers ride the notification outbox (src/notifications/processor.ts):
 * when fan-out meets an event that posted a public update of a public incident (per
 * src/status-page/visibility.ts — internal updates and private incidents never), it adds
 * one webhook delivery per public webhook and one e-mail per confirmed subscriber, in the
 * same transaction and with the same unique keys — (event, webhook) and (event,
 * subscriber) — as every other delivery, so each update reaches each subscriber once
 * however often fan-out runs. Sending, retries, leases and the delivery log are the
 * processor's, unchanged.
 */
import type { Repository } from '../../store/repository.js';
import type { Webhook } from '../../store/webhooks.js';
import type { RecordedEvent } from '../../domain/model/events.js';
import type { IncidentState } from '../../domain/model/state.js';
import type { Config } from '../../config/load.js';
import { publicUpdates, type PublicUpdate } from '../../domain/status-page/visibility.js';
import { incidentId } from '../../domain/model/ids.js';
import { hearsAbout } from '../../domain/subscribers/components.js';
import { subscriberLinks, updateMail } from '../../presenters/status-page/subscriber-mail.js';

/** The webhook type and e-mail type of a status page update. */
export const STATUS_UPDATE_TYPE = 'status.incident_updated';

export interface SubscriberFanOut {
  tx: Repository;
  eventId: number;
  recorded: RecordedEvent;
  /** The incident as of this event. */
  state: IncidentState;
  config: Config;
  /** The public webhooks (audience `public`). */
  webhooks: Webhook[];
  /** The server's public address, for links. */
  publicUrl: string;
  /** Whether e-mail goes out at all (a mail sender is configured). */
  mail: boolean;
  maxAttempts: number;
  /** Builds a message, or logs and answers null when it cannot (see the processor). */
  render: <T>(what: string, build: () => T) => T | null;
}

/** The public update this event posted, if it posted one the public may see. */
export function publicUpdateOf(recorded: RecordedEvent, state: IncidentState, config: Config): PublicUpdate | null {
  if (recorded.event.type !== 'StatusUpdatePosted') return null;
  return publicUpdates(state, config).find((u) => u.id === recorded.seq) ?? null;
}

/**
 * The body public webhooks receive: the page, the incident with its public updates newest
 * first (the new one is `incident_updates[0]`), in Statuspage's field names; and `sequence`,
 * greater for each later update of the same incident: deliveries go out side by side and are
 * retried, so a receiver may get two out of order, and two updates in one second have the
 * same `timestamp`.
 */
export function statusWebhookBody(state: IncidentState, update: PublicUpdate, config: Config, publicUrl: string): string {
  const id = incidentId(state.number);
  const links = subscriberLinks(publicUrl, config.links.statusPage);
  const updates = publicUpdates(state, config).filter((u) => u.id <= update.id);
  return JSON.stringify({
    type: STATUS_UPDATE_TYPE,
    timestamp: update.postedAt,
    sequence: update.id,
    page: { name: config.organization.statusPageTitle, url: links.page },
    incident: {
      id,
      name: state.title,
      status: update.status,
      created_at: state.declaredAt,
      updated_at: update.postedAt,
      resolved_at: update.status === 'resolved' ? update.postedAt : null,
      shortlink: links.incident(id),
      incident_updates: updates.map((u) => ({
        id: `${id}-${u.id}`,
        incident_id: id,
        status: u.status,
        body: u.markdown,
        created_at: u.postedAt,
        updated_at: u.postedAt,
        display_at: u.postedAt,
      })),
    },
  });
}

export async function fanOutToSubscribers(input: SubscriberFanOut): Promise<void> {
  const { tx, eventId, recorded, state, config } = input;
  const update = publicUpdateOf(recorded, state, config);
  if (!update) return;
  const at = recorded.recordedAt;
  // Only those following a component the incident touches (or following everything).
  const webhooks = input.webhooks.filter((w) => hearsAbout(w.components, state.components));
  if (webhooks.length) {
    const body = input.render('status page webhook body', () => statusWebhookBody(state, update, config, input.publicUrl));
    if (body !== null)
      for (const webhook of webhooks)
        await tx.webhooks.addDelivery({ webhookId: webhook.id, eventId, type: STATUS_UPDATE_TYPE, body, remaining: input.maxAttempts, at });
  }
  if (!input.mail) return;
  const links = subscriberLinks(input.publicUrl, config.links.statusPage);
  const id = incidentId(state.number);
  for (const subscriber of await tx.statusSubscribers.confirmed()) {
    if (!hearsAbout(subscriber.components, state.components)) continue;
    const mail = input.render('status page subscriber e-mail', () =>
      updateMail({
        pageTitle: config.organization.statusPageTitle,
        incident: { id, title: state.title, url: links.incident(id) },
        update,
        unsubscribeUrl: links.unsubscribe(subscriber.unsubscribeToken),
      }),
    );
    if (mail === null) return;
    await tx.email.add({ eventId, recipient: subscriber.id, address: subscriber.address, type: STATUS_UPDATE_TYPE, ...mail, remaining: input.maxAttempts, at });
  }
}
