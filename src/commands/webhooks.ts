/** Webhook subscriptions: subscribe, switch off and on, rotate the secret, delete, redeliver (admins only). Deliveries are made by src/notifications/processor.ts. */
import { randomBytes } from 'node:crypto';
import type { CommandContext } from './context.js';
import { DomainError } from '../domain/model/errors.js';
import { authorize } from '../domain/people/policy.js';
import { NOTIFICATION_EVENT_TYPES, type NotificationEventType } from '../domain/notifications/events.js';
import { newWebhookSecret } from '../integrations/webhook.js';
import type { Delivery, Webhook } from '../store/webhooks.js';
import { recordAudit } from './audit.js';
import { overlapEnds } from '../domain/people/rotation.js';

function audited(webhook: Webhook) {
  return { url: webhook.url, events: webhook.events, includePrivate: webhook.includePrivate, audience: webhook.audience, enabled: webhook.enabled };
}

export interface NewWebhook {
  url: string;
  events: string[];
  includePrivate?: boolean;
}

export async function createWebhook(
  ctx: CommandContext,
  input: NewWebhook,
  audience: Webhook['audience'] = 'internal',
  components: string[] | null = null,
): Promise<Webhook> {
  authorize(ctx.actor, 'webhooks.manage');
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'url must be an http(s) address.', { field: 'url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new DomainError('VALIDATION_FAILED', 'url must be an http(s) address.', { field: 'url' });
  const unknown = input.events.filter((e) => !(NOTIFICATION_EVENT_TYPES as readonly string[]).includes(e));
  if (unknown.length)
    throw new DomainError('VALIDATION_FAILED', `Unknown event type ${unknown.join(', ')}; known: ${NOTIFICATION_EVENT_TYPES.join(', ')}.`, { field: 'events' });
  const webhook: Webhook = {
    id: `wh_${randomBytes(8).toString('hex')}`,
    url: url.toString(),
    events: [...new Set(input.events as NotificationEventType[])],
    secret: newWebhookSecret(),
    includePrivate: input.includePrivate ?? false,
    createdBy: ctx.actor.handle,
    createdAt: ctx.now,
    audience,
    enabled: true,
    components,
    previousSecret: null,
    previousSecretUntil: null,
  };
  await ctx.tx.webhooks.insert(webhook);
  await recordAudit(ctx, 'webhook.created', webhook.id, { after: audited(webhook) });
  return webhook;
}

async function existing(ctx: CommandContext, id: string): Promise<Webhook> {
  const webhook = await ctx.tx.webhooks.get(id);
  if (!webhook) throw new DomainError('WEBHOOK_NOT_FOUND', `There is no webhook ${id}.`, { field: 'id' });
  return webhook;
}

/** Switches a webhook off (nothing queued or sent; pending deliveries wait) or on again (they go at once). Setting what it already is changes nothing. */
export async function setWebhookEnabled(ctx: CommandContext, id: string, enabled: boolean): Promise<Webhook> {
  authorize(ctx.actor, 'webhooks.manage');
  const webhook = await existing(ctx, id);
  if (webhook.enabled === enabled) return webhook;
  await ctx.tx.webhooks.setEnabled(id, enabled, ctx.now);
  if (enabled) ctx.tx.noteNotificationQueued();
  await recordAudit(ctx, 'webhook.updated', id, { before: audited(webhook), after: audited({ ...webhook, enabled }) });
  return { ...webhook, enabled };
}

/** Deletes a webhook, its pending deliveries and its log. */
export async function deleteWebhook(ctx: CommandContext, id: string): Promise<void> {
  authorize(ctx.actor, 'webhooks.manage');
  const webhook = await existing(ctx, id);
  await ctx.tx.webhooks.remove(id);
  await recordAudit(ctx, 'webhook.deleted', id, { before: audited(webhook) });
}

/** Attempts a delivery once more, now, whatever its status; the attempt joins its log. */
export async function redeliver(ctx: CommandContext, webhookId: string, deliveryId: number): Promise<Delivery> {
  authorize(ctx.actor, 'webhooks.manage');
  await existing(ctx, webhookId);
  const delivery = await ctx.tx.webhooks.delivery(webhookId, deliveryId);
  if (!delivery) throw new DomainError('DELIVERY_NOT_FOUND', `Webhook ${webhookId} has no delivery ${deliveryId}.`);
  await ctx.tx.webhooks.redeliver(deliveryId, ctx.now);
  await recordAudit(ctx, 'webhook.redelivered', webhookId, { after: { delivery: deliveryId } });
  ctx.tx.noteNotificationQueued();
  return (await ctx.tx.webhooks.delivery(webhookId, deliveryId))!;
}

/**
 * A new signing secret, answered once; the one it replaces keeps signing beside it (two
 * entries in webhook-signature) until `previousValidUntil`. The audit records when, never a secret.
 */
export async function rotateWebhookSecret(ctx: CommandContext, id: string): Promise<{ webhook: Webhook; previousValidUntil: string }> {
  authorize(ctx.actor, 'webhooks.manage');
  const webhook = await existing(ctx, id);
  const secret = newWebhookSecret();
  const previousValidUntil = overlapEnds(ctx.now);
  await ctx.tx.webhooks.rotateSecret(id, secret, webhook.secret, previousValidUntil);
  await recordAudit(ctx, 'webhook.secret_rotated', id, { after: { previousValidUntil } });
  return { webhook: { ...webhook, secret, previousSecret: webhook.secret, previousSecretUntil: previousValidUntil }, previousValidUntil };
}
