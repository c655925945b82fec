/**
 * E-mail notifications: per-incident subscribers, per-person preferences, and the e-mail
 * deliveries the notification processor fans out (one per (event, person)) and sends.
 */
import { sql, type Selectable } from 'kysely';
import type { Database, Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';
import { claimDue } from './leases.js';
import { column, descending, keyset, pageOf, type Page, type PageRequest } from './keyset.js';
import { NOTIFICATION_EVENT_TYPES, type NotificationEventType } from '../domain/notifications/events.js';

/** Per-person channels (webhooks are the organization's, not a person's). */
export const CHANNELS = ['email'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Preferences {
  /** The channels a person is notified on (only `email` today; empty: none). */
  channels: Channel[];
  /** The event types a person is notified of. */
  events: NotificationEventType[];
}

/** Without a stored choice: every event, by e-mail. */
export const DEFAULT_PREFERENCES: Preferences = { channels: ['email'], events: [...NOTIFICATION_EVENT_TYPES] };

/** A file sent with an e-mail; the mail port's StoredAttachment has the same shape. */
export interface StoredAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface EmailDelivery {
  id: number;
  eventId: number;
  recipient: string;
  address: string;
  type: string;
  subject: string;
  text: string;
  html: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  remaining: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  /** Extra headers (List-Unsubscribe for status page subscribers), or null. */
  headers: Record<string, string> | null;
  /** Files sent with it (the postmortem review's invite), or null. */
  attachments?: StoredAttachment[] | null;
}

/** One try at handing a message to the SMTP server. */
export interface EmailAttempt {
  attempt: number;
  at: string;
  /** null: the server took it. */
  error: string | null;
  durationMs: number;
}

export interface EmailLogFilter {
  /** Only e-mails about this incident. */
  incident?: number;
  status?: EmailDelivery['status'];
}

function toEmail(row: Selectable<Database['email_deliveries']>): EmailDelivery {
  return {
    id: Number(row.id),
    eventId: Number(row.event_id),
    recipient: row.recipient,
    address: row.address,
    type: row.type,
    subject: row.subject,
    text: row.text,
    html: row.html,
    status: row.status,
    attempts: Number(row.attempts),
    remaining: Number(row.remaining),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    headers: row.headers === null ? null : (JSON.parse(row.headers) as Record<string, string>),
    attachments: row.attachments === null ? null : (JSON.parse(row.attachments) as StoredAttachment[]),
  };
}

export class EmailStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  async subscribe(incident: number, handle: string, at: string): Promise<void> {
    await this.db
      .insertInto('incident_subscribers')
      .values({ incident, handle, created_at: at })
      .onConflict((oc) => oc.columns(['incident', 'handle']).doNothing())
      .execute();
  }

  async subscribers(incident: number): Promise<string[]> {
    const rows = await this.db.selectFrom('incident_subscribers').select('handle').where('incident', '=', incident).orderBy('handle').execute();
    return rows.map((r) => r.handle);
  }

  async preferences(handle: string): Promise<Preferences> {
    const row = await this.db.selectFrom('notification_preferences').selectAll().where('handle', '=', handle).executeTakeFirst();
    return row ? { channels: JSON.parse(row.channels) as Channel[], events: JSON.parse(row.events) as NotificationEventType[] } : DEFAULT_PREFERENCES;
  }

  async setPreferences(handle: string, preferences: Preferences, at: string): Promise<void> {
    const values = { channels: JSON.stringify(preferences.channels), events: JSON.stringify(preferences.events), updated_at: at };
    await this.db
      .insertInto('notification_preferences')
      .values({ handle, ...values })
      .onConflict((oc) => oc.column('handle').doUpdateSet(values))
      .execute();
  }

  /** Queues a message, due at `at`; one per (event, recipient). */
  async add(
    email: Pick<EmailDelivery, 'eventId' | 'recipient' | 'address' | 'type' | 'subject' | 'text' | 'html' | 'remaining'> &
      Partial<Pick<EmailDelivery, 'headers' | 'attachments'>> & { at: string },
  ): Promise<void> {
    await this.db
      .insertInto('email_deliveries')
      .values({
        event_id: email.eventId,
        recipient: email.recipient,
        address: email.address,
        type: email.type,
        subject: email.subject,
        text: email.text,
        html: email.html,
        status: 'pending',
        attempts: 0,
        remaining: email.remaining,
        next_attempt_at: email.at,
        created_at: email.at,
        headers: email.headers ? JSON.stringify(email.headers) : null,
        attachments: email.attachments?.length ? JSON.stringify(email.attachments) : null,
      })
      .onConflict((oc) => oc.columns(['event_id', 'recipient']).doNothing())
      .execute();
  }

  async claimDue(now: string, until: string, limit: number): Promise<EmailDelivery[]> {
    const rows = await claimDue(this.db, this.dialect, 'email_deliveries', now, until, limit);
    return rows.map(toEmail).sort((a, b) => a.id - b.id);
  }

  /** Records one attempt (already charged by the claim) and what follows from it: delivered, another try at `retryAt`, or failed. */
  async recordAttempt(email: EmailDelivery, attempt: Omit<EmailAttempt, 'attempt'>, retryAt: string | null): Promise<void> {
    const { error } = attempt;
    await this.db
      .insertInto('email_attempts')
      .values({ delivery_id: email.id, attempt: email.attempts + 1, at: attempt.at, error: error === null ? null : error.slice(0, 2000), duration_ms: attempt.durationMs })
      .execute();
    await this.db
      .updateTable('email_deliveries')
      .set({
        attempts: email.attempts + 1,
        status: error === null ? 'delivered' : retryAt ? 'pending' : 'failed',
        next_attempt_at: error === null ? null : retryAt,
        claimed_until: null,
        last_error: error === null ? null : error.slice(0, 2000),
      })
      .where('id', '=', email.id)
      .execute();
  }

  /** The delivery log, newest first: each e-mail with the incident it is about (null for one about no incident). */
  async log(filter: EmailLogFilter, request: PageRequest): Promise<Page<EmailDelivery & { incident: number | null }>> {
    let query = this.db
      .selectFrom('email_deliveries')
      .leftJoin('incident_events', 'incident_events.id', 'email_deliveries.event_id')
      .selectAll('email_deliveries')
      .select('incident_events.incident');
    if (filter.incident !== undefined) query = query.where('incident_events.incident', '=', filter.incident);
    if (filter.status) query = query.where('email_deliveries.status', '=', filter.status);
    const rows = await keyset(query, [descending(column('email_deliveries.id'))], request).execute();
    const emails = rows.map((row) => ({ ...toEmail(row), incident: row.incident === null ? null : Number(row.incident) }));
    return pageOf(emails, request, (e) => [e.id]);
  }

  async attempts(deliveryIds: number[]): Promise<Map<number, EmailAttempt[]>> {
    const byDelivery = new Map<number, EmailAttempt[]>();
    if (!deliveryIds.length) return byDelivery;
    const rows = await this.db.selectFrom('email_attempts').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('attempt').execute();
    for (const r of rows) {
      const list = byDelivery.get(Number(r.delivery_id)) ?? [];
      list.push({ attempt: Number(r.attempt), at: r.at, error: r.error, durationMs: Number(r.duration_ms) });
      byDelivery.set(Number(r.delivery_id), list);
    }
    return byDelivery;
  }

  async forEvent(eventId: number): Promise<EmailDelivery[]> {
    return (await this.db.selectFrom('email_deliveries').selectAll().where('event_id', '=', eventId).orderBy('recipient').execute()).map(toEmail);
  }

  async all(): Promise<EmailDelivery[]> {
    return (await this.db.selectFrom('email_deliveries').selectAll().orderBy('id').execute()).map(toEmail);
  }

  async nextWake(): Promise<string | null> {
    const row = await this.db
      .selectFrom('email_deliveries')
      .select(sql<string | null>`min(case when claimed_until is not null and claimed_until > next_attempt_at then claimed_until else next_attempt_at end)`.as('at'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.at ?? null;
  }
}
