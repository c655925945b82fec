/**
 * What is kept only for a while. An Idempotency-Key's answer serves retries, which come
 * within minutes; the delivery log (webhook, e-mail and chat messages, and the chat events
 * received) serves whoever checks why a message did or did not arrive; an unconfirmed
 * subscription serves the one confirmation link. Past that they are noise, and on a busy
 * installation the bulk of the database. Incidents, their timelines, people and the audit
 * log are never pruned.
 */
import { addMs } from '../model/time.js';

export interface RetentionPolicy {
  idempotencyKeysMs: number;
  deliveriesMs: number;
  unconfirmedSubscribersMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  idempotencyKeysMs: 24 * 3_600_000,
  deliveriesMs: 30 * 86_400_000,
  unconfirmedSubscribersMs: 7 * 86_400_000,
};

/** Shorter would forget a key a client may still retry with, or a delivery before anyone looked. */
export const SHORTEST_RETENTION_MS = 3_600_000;

/** Every kind of record retention prunes, in the order a pass takes them. */
export const RETAINED = ['idempotencyKeys', 'webhookDeliveries', 'emailDeliveries', 'chatDeliveries', 'chatEventsReceived', 'unconfirmedSubscribers'] as const;
export type Retained = (typeof RETAINED)[number];

/**
 * For each kind, the moment (UTC ISO) before which its records are pruned. Deliveries
 * still being tried and subscribers who confirmed are never candidates, whatever their age:
 * the store only offers finished deliveries and unconfirmed subscriptions.
 */
export function pruneBefore(policy: RetentionPolicy, now: string): Record<Retained, string> {
  const deliveries = addMs(now, -policy.deliveriesMs);
  return {
    idempotencyKeys: addMs(now, -policy.idempotencyKeysMs),
    webhookDeliveries: deliveries,
    emailDeliveries: deliveries,
    chatDeliveries: deliveries,
    chatEventsReceived: deliveries,
    unconfirmedSubscribers: addMs(now, -policy.unconfirmedSubscribersMs),
  };
}
