/**
 * Status page subscribers (issue 5, item 5), pure: e-mail subscription with double opt-in
 * and one-click unsubscribe. Whatever state an address is in, the person at the form is
 * told the same thing ("check your inbox"), so the form never reveals who is subscribed;
 * what differs is only whether a confirmation mail goes out, and that is throttled per
 * address so the form cannot be used to flood someone's inbox.
 */
import { DomainError } from '../model/errors.js';


/** A confirmation mail per address at most this often… */
export const RESEND_AFTER_MS = 10 * 60_000;
/** …and at most this many before the address confirms (a new subscription after unsubscribing starts over). */
export const MAX_CONFIRMATIONS = 5;

// Deliberately plain: one @, no spaces or control characters, a dotted domain. The mail itself is the real check.
const ADDRESS = /^[^\s@<>()[\]\\,;:"\p{Cc}]{1,64}@[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)+$/u;

/** The address as stored (trimmed, lower case), or a 400 naming the field. */
export function normalizeAddress(text: string): string {
  const address = text.trim().toLowerCase();
  if (address.length > 254 || !ADDRESS.test(address))
    throw new DomainError('VALIDATION_FAILED', 'email must be an e-mail address, e.g. you@example.com.', { field: 'email' });
  return address;
}

/** Fresh secrets for one confirmation round, made by the caller (randomness is not the rule's business). */
export interface Tokens {
  id: string;
  confirmToken: string;
  confirmTokenHash: string;
  unsubscribeToken: string;
}

export interface SubscribeDecision {
  subscriber: StatusSubscriber;
  /** Send a confirmation mail carrying this token (null: send nothing). */
  confirmToken: string | null;
}

function pending(base: StatusSubscriber, tokens: Tokens, now: string, sentBefore: number): SubscribeDecision {
  return {
    subscriber: {
      ...base,
      state: 'pending',
      confirmTokenHash: tokens.confirmTokenHash,
      confirmationsSent: sentBefore + 1,
      confirmSentAt: now,
      updatedAt: now,
    },
    confirmToken: tokens.confirmToken,
  };
}

/**
 * Someone asked to subscribe `address`. New, or unsubscribed before: pending, with a
 * confirmation mail. Pending: another mail (with a new link) unless one went out recently
 * or too many already have. Confirmed: nothing changes and nothing is sent. The components
 * asked for (null: all) are what a new confirmation round confirms.
 */
export function decideSubscribe(
  existing: StatusSubscriber | null,
  address: string,
  tokens: Tokens,
  now: string,
  components: string[] | null = null,
): SubscribeDecision {
  if (!existing) {
    const fresh: StatusSubscriber = {
      id: tokens.id,
      address,
      state: 'pending',
      confirmTokenHash: null,
      unsubscribeToken: tokens.unsubscribeToken,
      confirmationsSent: 0,
      confirmSentAt: null,
      confirmedAt: null,
      unsubscribedAt: null,
      createdAt: now,
      updatedAt: now,
      components,
    };
    return pending(fresh, tokens, now, 0);
  }
  const recently = existing.confirmSentAt !== null && Date.parse(now) - Date.parse(existing.confirmSentAt) < RESEND_AFTER_MS;
  switch (existing.state) {
    case 'confirmed':
      return { subscriber: existing, confirmToken: null };
    case 'unsubscribed':
      if (recently) return { subscriber: existing, confirmToken: null };
      // A new round: the old unsubscribe link stays valid, the counter starts over.
      return pending({ ...existing, unsubscribedAt: null, components }, tokens, now, 0);
    case 'pending':
      if (recently || existing.confirmationsSent >= MAX_CONFIRMATIONS) return { subscriber: existing, confirmToken: null };
      return pending({ ...existing, components }, tokens, now, existing.confirmationsSent);
  }
}

/** Following the confirmation link. Confirming twice is harmless; a link of an unsubscribed address no longer works (null). */
export function decideConfirm(subscriber: StatusSubscriber, now: string): StatusSubscriber | null {
  if (subscriber.state === 'unsubscribed') return null;
  if (subscriber.state === 'confirmed') return subscriber;
  return { ...subscriber, state: 'confirmed', confirmTokenHash: null, confirmedAt: now, updatedAt: now };
}

/** One click (RFC 8058) or the link: unsubscribed at once, and again harmlessly. */
export function decideUnsubscribe(subscriber: StatusSubscriber, now: string): StatusSubscriber {
  if (subscriber.state === 'unsubscribed') return subscriber;
  return { ...subscriber, state: 'unsubscribed', confirmTokenHash: null, unsubscribedAt: now, updatedAt: now };
}

export type SubscriberState = 'pending' | 'confirmed' | 'unsubscribed';

export interface StatusSubscriber {
  id: string;
  address: string;
  state: SubscriberState;
  confirmTokenHash: string | null;
  unsubscribeToken: string;
  confirmationsSent: number;
  confirmSentAt: string | null;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** The components followed; null follows them all. */
  components: string[] | null;
}
