/**
 * Webhook subscriptions, the notification outbox and the delivery log. The outbox holds
 * one row per notifiable event, inserted by `Repository.append` in the event's own
 * transaction; fan-out claims rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL), turns each
 * into one delivery per matching subscription (unique on (event, webhook)) and deletes
 * it, in one transaction. Deliveries are then claimed with a lease and attempted.
 */
import { sql, type Selectable } from 'kysely';
import type { Database, Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';
import { claimDue } from './leases.js';
import { column, descending, keyset, pageOf, type Page, type PageRequest } from './keyset.js';

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  secret: string;
  includePrivate: boolean;
  createdBy: string;
  createdAt: string;
  /** `internal`: the team's webhooks, by event type. `public`: a status page subscriber, sent public updates only. */
  audience: 'internal' | 'public';
  /** Switched off by an admin: no deliveries are queued for it, and those pending wait until it is on again. */
  enabled: boolean;
  /** A status page subscriber's components (public audience only); null follows them all. */
  components: string[] | null;
  /** The secret the last rotation replaced: it signs beside `secret` until previousSecretUntil. */
  previousSecret: string | null;
  previousSecretUntil: string | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  id: number;
  webhookId: string;
  eventId: number;
  type: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  remaining: number;
  nextAttemptAt: string | null;
  createdAt: string;
}

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface OutboxEvent {
  eventId: number;
  incident: number;
  seq: number;
  actor: string;
  recordedAt: string;
  data: string;
}

function toWebhook(row: Selectable<Database['webhooks']>): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    secret: row.secret,
    includePrivate: Number(row.include_private) === 1,
    createdBy: row.created_by,
    createdAt: row.created_at,
    audience: row.audience,
    components: row.components === null ? null : (JSON.parse(row.components) as string[]),
    enabled: Number(row.enabled) === 1,
    previousSecret: row.previous_secret,
    previousSecretUntil: row.previous_secret_until,
  };
}

function toDelivery(row: Selectable<Database['webhook_deliveries']>): Delivery {
  return {
    id: Number(row.id),
    webhookId: row.webhook_id,
    eventId: Number(row.event_id),
    type: row.type,
    body: row.body,
    status: row.status,
    attempts: Number(row.attempts),
    remaining: Number(row.remaining),
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
  };
}

export class WebhookStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  async insert(webhook: Webhook): Promise<void> {
    await this.db
      .insertInto('webhooks')
      .values({
        id: webhook.id,
        url: webhook.url,
        events: JSON.stringify(webhook.events),
        secret: webhook.secret,
        include_private: webhook.includePrivate ? 1 : 0,
        created_by: webhook.createdBy,
        created_at: webhook.createdAt,
        audience: webhook.audience,
        components: webhook.components === null ? null : JSON.stringify(webhook.components),
        enabled: webhook.enabled ? 1 : 0,
      })
      .execute();
  }

  /**
   * Switches a webhook off or on. Off, its pending deliveries are paused (no due time, so
   * no claim takes them); on again, they are due at once.
   */
  async setEnabled(id: string, enabled: boolean, at: string): Promise<void> {
    await this.db.updateTable('webhooks').set({ enabled: enabled ? 1 : 0 }).where('id', '=', id).execute();
    await this.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: enabled ? at : null })
      .where('webhook_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  }

  /** Pauses one claimed delivery of a webhook found switched off when it came to be sent. */
  async pause(deliveryId: number): Promise<void> {
    // Nothing was sent: the attempt charged by the claim is given back.
    await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({ next_attempt_at: null, claimed_until: null, remaining: eb('remaining', '+', 1) }))
      .where('id', '=', deliveryId)
      .execute();
  }

  /** Deletes a webhook with its deliveries and their attempts: nothing more is sent to it. */
  /** A new signing secret; the one it replaces (whatever was previous before is dropped) signs beside it until `until`. */
  async rotateSecret(id: string, secret: string, previous: string, until: string): Promise<void> {
    await this.db.updateTable('webhooks').set({ secret, previous_secret: previous, previous_secret_until: until }).where('id', '=', id).execute();
  }

  async remove(id: string): Promise<void> {
    await this.db
      .deleteFrom('webhook_attempts')
      .where('delivery_id', 'in', (eb) => eb.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', id))
      .execute();
    await this.db.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
    await this.db.deleteFrom('webhooks').where('id', '=', id).execute();
  }

  async list(): Promise<Webhook[]> {
    return (await this.db.selectFrom('webhooks').selectAll().orderBy('created_at').orderBy('id').execute()).map(toWebhook);
  }

  /** A page of the subscriptions, oldest first. */
  async page(request: PageRequest): Promise<Page<Webhook>> {
    const rows = await keyset(this.db.selectFrom('webhooks').selectAll(), [column('created_at'), column('id')], request).execute();
    return pageOf(rows.map(toWebhook), request, (w) => [w.createdAt, w.id]);
  }

  async get(id: string): Promise<Webhook | null> {
    const row = await this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toWebhook(row) : null;
  }

  /** In the events' transaction: the events (by id) that notifications must see. */
  async enqueue(eventIds: number[], incident: number, at: string): Promise<void> {
    if (!eventIds.length) return;
    await this.db
      .insertInto('notification_outbox')
      .values(eventIds.map((id) => ({ event_id: id, incident, created_at: at })))
      .execute();
  }

  /** Claims the oldest committed outbox rows for this transaction; other instances skip them. */
  async claimOutbox(limit: number): Promise<OutboxEvent[]> {
    let claimed = this.db.selectFrom('notification_outbox').select('event_id').orderBy('event_id').limit(limit);
    if (this.dialect === 'postgres') claimed = claimed.forUpdate().skipLocked();
    const ids = (await claimed.execute()).map((r) => Number(r.event_id));
    if (!ids.length) return [];
    const rows = await this.db
      .selectFrom('incident_events')
      .select(['id', 'incident', 'seq', 'actor', 'recorded_at', 'data'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ eventId: Number(r.id), incident: Number(r.incident), seq: Number(r.seq), actor: r.actor, recordedAt: r.recorded_at, data: r.data }));
  }

  async doneWithOutbox(eventIds: number[]): Promise<void> {
    if (eventIds.length) await this.db.deleteFrom('notification_outbox').where('event_id', 'in', eventIds).execute();
  }

  /** One delivery per (event, webhook): a second fan-out of the same event adds nothing. */
  async addDelivery(delivery: { webhookId: string; eventId: number; type: string; body: string; remaining: number; at: string }): Promise<void> {
    await this.db
      .insertInto('webhook_deliveries')
      .values({
        webhook_id: delivery.webhookId,
        event_id: delivery.eventId,
        type: delivery.type,
        body: delivery.body,
        status: 'pending',
        attempts: 0,
        remaining: delivery.remaining,
        next_attempt_at: delivery.at,
        created_at: delivery.at,
      })
      .onConflict((oc) => oc.columns(['event_id', 'webhook_id']).doNothing())
      .execute();
  }

  /** Claims up to `limit` pending deliveries due by `now` whose lease (if any) ran out, until `until`. */
  async claimDue(now: string, until: string, limit: number): Promise<Delivery[]> {
    const rows = await claimDue(this.db, this.dialect, 'webhook_deliveries', now, until, limit);
    return rows.map(toDelivery).sort((a, b) => a.id - b.id);
  }

  /** Records one attempt (already charged by the claim) and what follows from it: delivered, another try at `retryAt`, or failed. */
  async recordAttempt(delivery: Delivery, attempt: DeliveryAttempt, retryAt: string | null): Promise<void> {
    await this.db
      .insertInto('webhook_attempts')
      .values({
        delivery_id: delivery.id,
        attempt: attempt.attempt,
        at: attempt.at,
        status_code: attempt.statusCode,
        error: attempt.error,
        duration_ms: attempt.durationMs,
      })
      .execute();
    const ok = attempt.error === null;
    await this.db
      .updateTable('webhook_deliveries')
      .set({
        attempts: attempt.attempt,
        status: ok ? 'delivered' : retryAt ? 'pending' : 'failed',
        next_attempt_at: ok ? null : retryAt,
        claimed_until: null,
      })
      .where('id', '=', delivery.id)
      .execute();
  }

  async deliveries(webhookId: string, limit = 100): Promise<Delivery[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toDelivery);
  }

  /** A page of one webhook's deliveries, newest first. */
  async deliveryPage(webhookId: string, request: PageRequest): Promise<Page<Delivery>> {
    const rows = await keyset(this.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId), [descending(column('id'))], request).execute();
    return pageOf(rows.map(toDelivery), request, (d) => [d.id]);
  }

  async delivery(webhookId: string, id: number): Promise<Delivery | null> {
    const row = await this.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).where('id', '=', id).executeTakeFirst();
    return row ? toDelivery(row) : null;
  }

  async attempts(deliveryIds: number[]): Promise<Map<number, DeliveryAttempt[]>> {
    const byDelivery = new Map<number, DeliveryAttempt[]>();
    if (!deliveryIds.length) return byDelivery;
    const rows = await this.db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('attempt').execute();
    for (const r of rows) {
      const list = byDelivery.get(Number(r.delivery_id)) ?? [];
      list.push({ attempt: Number(r.attempt), at: r.at, statusCode: r.status_code === null ? null : Number(r.status_code), error: r.error, durationMs: Number(r.duration_ms) });
      byDelivery.set(Number(r.delivery_id), list);
    }
    return byDelivery;
  }

  /** Redelivery: the delivery is attempted once more, now (same webhook-id, so receivers can tell). */
  async redeliver(id: number, at: string): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', remaining: sql`case when remaining < 1 then 1 else remaining end`, next_attempt_at: at, claimed_until: null })
      .where('id', '=', id)
      .execute();
  }

  /** The earliest moment a pending delivery is due (or its lease runs out); null when none is. */
  async nextWake(): Promise<string | null> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .select(sql<string | null>`min(case when claimed_until is not null and claimed_until > next_attempt_at then claimed_until else next_attempt_at end)`.as('at'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.at ?? null;
  }

  async outboxEmpty(): Promise<boolean> {
    return (await this.db.selectFrom('notification_outbox').select('event_id').limit(1).executeTakeFirst()) === undefined;
  }
}
