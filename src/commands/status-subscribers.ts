/**
 * Status page subscriptions. E-mail ones come from the public form (nobody signed in):
 * subscribe, confirm, unsubscribe. Webhook ones are created by an admin (a public form
 * would let anyone make the server POST to any address). Rules: src/subscribers.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Repository } from '../store/repository.js';
import type { Config } from '../config/load.js';
import type { StatusSubscriber } from '../domain/subscribers/subscription.js';
import type { Webhook } from '../store/webhooks.js';
import type { CommandContext } from './context.js';
import { createWebhook } from './webhooks.js';
import { knownComponentIds } from './components.js';
import { followedComponents } from '../domain/subscribers/components.js';
import { DomainError } from '../domain/model/errors.js';
import { decideConfirm, decideSubscribe, decideUnsubscribe, normalizeAddress, type Tokens } from '../domain/subscribers/subscription.js';
import { confirmationMail, subscriberLinks } from '../presenters/status-page/subscriber-mail.js';

/** What a public subscription command runs with: no person, the transaction, the time. */
export interface PublicContext {
  tx: Repository;
  config: Config;
  now: string;
  /** The server's public address, for the confirmation link. */
  publicUrl: string;
}

/** Attempts for a confirmation mail: the notification processor's default for every message. */
const CONFIRMATION_ATTEMPTS = 8;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const secret = () => randomBytes(24).toString('base64url');

function newTokens(): Tokens {
  const confirmToken = secret();
  return { id: `sub_${randomBytes(8).toString('hex')}`, confirmToken, confirmTokenHash: hashToken(confirmToken), unsubscribeToken: secret() };
}

/**
 * Someone submitted the form. Answers nothing: the page says the same whatever happened.
 * A confirmation mail is queued through the notification outbox's e-mail deliveries (no
 * event: id 0, one recipient key per confirmation sent).
 */
export async function subscribeByEmail(ctx: PublicContext, email: string, components?: string[] | null): Promise<void> {
  const address = normalizeAddress(email);
  const following = await followed(ctx, components);
  const existing = await ctx.tx.statusSubscribers.byAddress(address);
  const { subscriber, confirmToken } = decideSubscribe(existing, address, newTokens(), ctx.now, following);
  if (confirmToken === null) return;
  // A concurrent request for the same address got there first: it sends the mail.
  const stored = existing ? await ctx.tx.statusSubscribers.replace(subscriber, existing) : await ctx.tx.statusSubscribers.insert(subscriber);
  if (!stored) return;
  const mail = confirmationMail({ pageTitle: ctx.config.organization.statusPageTitle, confirmUrl: subscriberLinks(ctx.publicUrl).confirm(confirmToken) });
  await ctx.tx.email.add({
    eventId: 0,
    recipient: `confirm-${subscriber.id}-${subscriber.confirmationsSent}`,
    address,
    type: 'status.subscription_confirmation',
    ...mail,
    remaining: CONFIRMATION_ATTEMPTS,
    at: ctx.now,
  });
  ctx.tx.noteNotificationQueued();
}

/** The components a subscriber asked to follow, each one that exists (else a 400 naming `components`); null for all. */
async function followed(ctx: Pick<PublicContext, 'tx' | 'config'>, asked: string[] | null | undefined): Promise<string[] | null> {
  const { components, unknown } = followedComponents(asked, await knownComponentIds(ctx));
  if (unknown.length) throw new DomainError('VALIDATION_FAILED', `There is no component ${unknown.join(', ')}.`, { field: 'components', unknown });
  return components;
}

async function change(ctx: PublicContext, subscriber: StatusSubscriber | null, decide: (s: StatusSubscriber) => StatusSubscriber | null): Promise<StatusSubscriber> {
  const next = subscriber ? decide(subscriber) : null;
  if (!subscriber || !next) throw new DomainError('SUBSCRIBER_NOT_FOUND', 'This link is not valid (it may be old or already used).', { field: 'token' });
  if (next !== subscriber && !(await ctx.tx.statusSubscribers.replace(next, subscriber)))
    throw new DomainError('VERSION_CONFLICT', 'The subscription changed at the same moment; try again.');
  return next;
}

export async function confirmSubscription(ctx: PublicContext, token: string): Promise<StatusSubscriber> {
  return change(ctx, await ctx.tx.statusSubscribers.byConfirmTokenHash(hashToken(token)), (s) => decideConfirm(s, ctx.now));
}

export async function unsubscribe(ctx: PublicContext, token: string): Promise<StatusSubscriber> {
  return change(ctx, await ctx.tx.statusSubscribers.byUnsubscribeToken(token), (s) => decideUnsubscribe(s, ctx.now));
}

/** An admin subscribes a URL to the status page's public updates (of some components only, if given); signed like every webhook, its secret shown once. */
export async function createStatusWebhook(ctx: CommandContext, url: string, components?: string[] | null): Promise<Webhook> {
  return createWebhook(ctx, { url, events: [] }, 'public', await followed(ctx, components));
}
