/**
 * The notification processor: side effects of the event stream, durably.
 *
 * Why an outbox and not a cursor over `incident_events.id`: on PostgreSQL a serial id is
 * taken when a row is inserted, not when its transaction commits, so a transaction that
 * took id 41 can commit after one that took id 42. A cursor that has moved past 42 would
 * never see 41. The outbox row is written in the event's own transaction, so it becomes
 * visible exactly when the event does; rows are claimed with `FOR UPDATE SKIP LOCKED` and
 * deleted in the transaction that creates their deliveries. Every event is fanned out at
 * least once, and the unique key (event, webhook) makes each delivery exist exactly once.
 *
 * Deliveries are then attempted outside any transaction, each claimed with a lease (so
 * two instances never send one at the same time) and every attempt recorded; a failure
 * is retried with exponential backoff at a time stored in the row, up to a bounded number
 * of attempts. A crash between sending and recording means one more send of the same
 * message, with the same `webhook-id`: receivers deduplicate on it (Standard Webhooks).
 *
 * E-mail works the same way (`email_deliveries`, unique on (event, person)): the people an
 * event concerns (`recipientsOf`), less those without an address, those who may not see
 * the incident and those whose preferences leave the event or the channel out. Without a
 * mail sender (no `SMTP_URL`), no e-mail is queued.
 *
 * The loop sleeps until the next retry is due (at most `maxSleepMs`, to notice other
 * instances' writes) and wakes at once when a commit on this instance queues work.
 */
import type { FastifyBaseLogger } from 'fastify';
import { WakeLoop } from '../wake-loop.js';
import type { Worker, WorkerHealth } from '../worker.js';
import type { Config } from '../../config/load.js';
import type { Clock } from '../../domain/model/time.js';
import type { IncidentEvent, RecordedEvent } from '../../domain/model/events.js';
import { fold, type IncidentState } from '../../domain/model/state.js';
import type { Store } from '../../store/store.js';
import type { Repository } from '../../store/repository.js';
import type { Delivery, OutboxEvent, Webhook } from '../../store/webhooks.js';
import { canSee } from '../../domain/people/policy.js';
import { presentIncident, presentUpdate } from '../../presenters/api.js';
import { notificationType, type NotificationEventType } from '../../domain/notifications/events.js';
import { webhookHeaders, type WebhookSender } from '../../integrations/webhook.js';
import { stillOverlapping } from '../../domain/people/rotation.js';
import type { MailSender } from '../../integrations/mail.js';
import { recipientsOf, stakeholdersOf } from '../../domain/notifications/recipients.js';
import { whoIsTold } from '../../domain/notifications/paging.js';
import { findSeverity } from '../../domain/model/policy.js';
import { renderToldEmail } from '../../presenters/told-mail.js';
import { renderEmail } from '../../presenters/email.js';
import type { EmailDelivery } from '../../store/email.js';
import { fanOutToSubscribers } from './subscriber-fan-out.js';
import { pagersOn, queuePages } from '../paging/queue.js';
import type { PagingSecrets } from '../../integrations/paging.js';
import { fanOutInvites } from './invites.js';

export interface NotificationProcessorOptions {
  store: Store;
  config: Config;
  clock: Clock;
  webhooks: WebhookSender;
  /** The mail port; null or absent: no e-mail. */
  mail?: MailSender | null;
  /** Paging secrets (src/integrations/paging.ts); null or absent: no pages (src/processors/paging). */
  paging?: PagingSecrets | null;
  /** The server's public address, for the links status page subscribers receive (default http://127.0.0.1:3000). */
  publicUrl?: string;
  log?: Pick<FastifyBaseLogger, 'error' | 'warn' | 'info'>;
  /** Attempts per delivery before it is marked failed. */
  maxAttempts?: number;
  /** The first retry's delay; each later one doubles it (capped at an hour). */
  backoffMs?: number;
  /** How long a claimed delivery is held (longer than the send timeout). */
  leaseMs?: number;
  maxSleepMs?: number;
  batch?: number;
}

export interface EmailOutcome {
  email: EmailDelivery;
  error: string | null;
  retryAt: string | null;
}

export interface AttemptOutcome {
  delivery: Delivery;
  statusCode: number | null;
  error: string | null;
  retryAt: string | null;
}

const RETRY_PASS_MS = 2_000;
/** How long stop() waits for sends in hand (the server's whole shutdown grace is 10 s). */
const STOP_WAIT_MS = 5_000;
/** E-mails claimed and sent at once. */
const MAIL_BATCH = 10;
const MAX_BACKOFF_MS = 3_600_000;

/** The webhook body of one event: `{type, timestamp, data: {incident, event, update?}}`. */
export function webhookBody(type: NotificationEventType, event: OutboxEvent, state: IncidentState, config: Config): string {
  const { type: kind, ...fields } = JSON.parse(event.data) as IncidentEvent;
  const data: Record<string, unknown> = {
    incident: presentIncident(state, config, { now: event.recordedAt }),
    event: { id: event.eventId, kind, sequence: event.seq, actor: event.actor, recordedAt: event.recordedAt, ...fields },
  };
  if (kind === 'StatusUpdatePosted' && state.lastUpdate) data.update = presentUpdate(state, state.lastUpdate);
  return JSON.stringify({ type, timestamp: event.recordedAt, data });
}

export const webhookMessageId = (delivery: Pick<Delivery, 'eventId' | 'webhookId'>) => `msg_${delivery.eventId}_${delivery.webhookId}`;

export class NotificationProcessor implements Worker {
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly leaseMs: number;
  private readonly maxSleepMs: number;
  private readonly batch: number;
  /** Fan-out and webhooks. */
  private readonly loop: WakeLoop;
  /** E-mail, in its own lane: a slow mail server holds up no webhook and no fan-out. */
  private readonly mailLoop: WakeLoop | null;
  private unsubscribe: (() => void) | null = null;
  private stopped = false;

  constructor(private readonly options: NotificationProcessorOptions) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoffMs = options.backoffMs ?? 10_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.maxSleepMs = options.maxSleepMs ?? 30_000;
    this.batch = options.batch ?? 50;
    const lane = { clock: options.clock, maxSleepMs: this.maxSleepMs, retryMs: RETRY_PASS_MS, log: options.log };
    this.loop = new WakeLoop({
      ...lane,
      name: 'notification',
      pass: async () => {
        await this.webhookPass();
        return this.options.store.webhooks.nextWake();
      },
    });
    const mail = options.mail;
    this.mailLoop = mail
      ? new WakeLoop({
          ...lane,
          name: 'e-mail',
          pass: async () => {
            await this.emailPass(mail);
            return this.options.store.email.nextWake();
          },
        })
      : null;
  }

  start(): void {
    if (this.loop.started) return;
    this.stopped = false;
    this.unsubscribe = this.options.store.onNotificationQueued(() => {
      this.loop.notice();
      this.mailLoop?.notice();
    });
    this.loop.start();
    this.mailLoop?.start();
  }

  /**
   * Stops both lanes, waiting at most STOP_WAIT_MS for the sends in hand: a send that has
   * not ended by then is left to its lease (sent again later, with the same id) so that
   * stopping never hangs on a silent receiver or mail server.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    let timer: NodeJS.Timeout | undefined;
    const lanes = Promise.all([this.loop.stop(), this.mailLoop?.stop()]).then(() => true);
    const waited = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), STOP_WAIT_MS)));
    if (!(await Promise.race([lanes, waited]))) this.options.log?.warn({ waitedMs: STOP_WAIT_MS }, 'notifications: a send was still in hand at stop; its lease will run out and it is retried');
    clearTimeout(timer);
  }

  health(): WorkerHealth {
    const webhooks = this.loop.health();
    return webhooks.ok ? (this.mailLoop?.health() ?? webhooks) : webhooks;
  }

  /** One pass of both lanes, one after the other (tests drive it; a running processor runs the lanes apart). Answers the webhook attempts (e-mail: `onEmail`). */
  async tick(): Promise<AttemptOutcome[]> {
    const outcomes = await this.webhookPass();
    if (this.options.mail) await this.emailPass(this.options.mail);
    return outcomes;
  }

  /** Fans out every committed outbox row, then attempts every due webhook delivery. */
  private async webhookPass(): Promise<AttemptOutcome[]> {
    let fanned = 0;
    for (let rows; (rows = await this.fanOut()) > 0 && !this.stopped; ) fanned += rows;
    if (fanned > 0) this.mailLoop?.notice(); // the fan-out may have queued e-mail
    const outcomes: AttemptOutcome[] = [];
    for (;;) {
      const now = this.options.clock.now();
      const claimed = await this.options.store.webhooks.claimDue(now.toISOString(), new Date(now.getTime() + this.leaseMs).toISOString(), this.batch);
      // One slow receiver (up to the 10 s timeout) does not hold up the others in the batch.
      outcomes.push(...(await Promise.all(claimed.map((d) => this.attempt(d)))));
      if (claimed.length < this.batch || this.stopped) break;
    }
    return outcomes;
  }

  /** Attempts every due e-mail, MAIL_BATCH at a time side by side: each send is bounded (src/integrations/mail.ts) well within the lease. */
  private async emailPass(mail: MailSender): Promise<void> {
    while (!this.stopped) {
      const now = this.options.clock.now();
      const claimed = await this.options.store.email.claimDue(now.toISOString(), new Date(now.getTime() + this.leaseMs).toISOString(), MAIL_BATCH);
      await Promise.all(
        claimed.map(async (email) => {
          const outcome = await this.sendEmail(mail, email);
          this.onEmail?.(outcome);
        }),
      );
      if (claimed.length < MAIL_BATCH) break;
    }
  }

  /** Called after each e-mail attempt (tests listen). */
  onEmail: ((outcome: EmailOutcome) => void) | null = null;

  /** `remaining`: attempts left after this one (the claim charged it). */
  private retryAt(attempt: number, remaining: number): string | null {
    return remaining > 0 ? new Date(this.options.clock.now().getTime() + Math.min(MAX_BACKOFF_MS, this.backoffMs * 2 ** (attempt - 1))).toISOString() : null;
  }

  private async sendEmail(mail: MailSender, email: EmailDelivery): Promise<EmailOutcome> {
    const at = this.options.clock.now().toISOString();
    const startedMs = Date.now();
    let error: string | null = null;
    try {
      await mail.send({
        to: email.address,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: `<event-${email.eventId}.${email.recipient}@incident-command>`,
        ...(email.headers ? { headers: email.headers } : {}),
        ...(email.attachments ? { attachments: email.attachments } : {}),
      });
    } catch (failure) {
      error = String((failure as Error).message ?? failure).slice(0, 500);
    }
    const retryAt = error === null ? null : this.retryAt(email.attempts + 1, email.remaining);
    try {
      await this.options.store.transaction((tx) => tx.email.recordAttempt(email, { at, error, durationMs: Date.now() - startedMs }, retryAt));
    } catch (failure) {
      this.options.log?.error({ err: failure, email: email.id }, 'e-mail attempt could not be recorded; it will be retried');
    }
    if (error !== null) this.options.log?.warn({ email: email.id, recipient: email.recipient, error, retryAt }, 'e-mail failed');
    return { email, error, retryAt };
  }

  /** One transaction: claims outbox rows, adds their deliveries, deletes the rows. Answers how many rows. */
  async fanOut(): Promise<number> {
    const { store, config } = this.options;
    return store.transaction(async (tx) => {
      const events = await tx.webhooks.claimOutbox(this.batch);
      if (!events.length) return 0;
      // A webhook switched off gets nothing queued for the time it is off.
      const webhooks = (await tx.webhooks.list()).filter((w) => w.enabled);
      // Status page subscribers (src/subscribers) hear public updates through webhooks of the public audience.
      const publicWebhooks = webhooks.filter((w) => w.audience === 'public');
      const pagers = pagersOn(config, this.options.paging);
      const streams = new Map<number, RecordedEvent[]>();
      for (const event of events) {
        const recorded: RecordedEvent = { incident: event.incident, seq: event.seq, actor: event.actor, recordedAt: event.recordedAt, event: JSON.parse(event.data) as IncidentEvent };
        const type = notificationType(recorded.event.type);
        const subscribed = type ? webhooks.filter((w) => w.audience === 'internal' && w.events.includes(type)) : [];
        const invite = recorded.event.type === 'PostmortemScheduled' && Boolean(this.options.mail);
        if (!invite && (!type || (!subscribed.length && !this.options.mail && !publicWebhooks.length && !pagers))) continue;
        let stream = streams.get(event.incident);
        if (!stream) streams.set(event.incident, (stream = await tx.incidents.events(event.incident)));
        // The incident as it was when this event happened, not as it is by the time it is sent.
        const state = fold(stream.filter((e) => e.seq <= event.seq));
        const publicUrl = this.options.publicUrl ?? 'http://127.0.0.1:3000';
        const render = <T>(what: string, build: () => T) => this.render(event.eventId, what, build);
        if (invite) await fanOutInvites({ tx, eventId: event.eventId, recorded, state, stream, publicUrl, maxAttempts: this.maxAttempts, render });
        if (!type) continue;
        let body: string | null = null;
        for (const webhook of subscribed) {
          if (!(await this.mayReceive(tx, webhook, state))) continue;
          body ??= this.render(event.eventId, 'webhook body', () => webhookBody(type, event, state, config));
          if (body === null) break;
          await tx.webhooks.addDelivery({ webhookId: webhook.id, eventId: event.eventId, type, body, remaining: this.maxAttempts, at: event.recordedAt });
        }
        if (this.options.mail) await this.fanOutEmail(tx, type, recorded, event.eventId, state, stream);
        const consoleUrl = this.options.publicUrl ?? 'http://127.0.0.1:3000';
        if (pagers) await queuePages({ tx, config, routing: pagers, eventId: event.eventId, recorded, state, stream, consoleUrl, maxAttempts: this.maxAttempts });
        await fanOutToSubscribers({
          tx,
          eventId: event.eventId,
          recorded,
          state,
          config,
          webhooks: publicWebhooks,
          publicUrl,
          mail: Boolean(this.options.mail),
          maxAttempts: this.maxAttempts,
          render,
        });
      }
      await tx.webhooks.doneWithOutbox(events.map((e) => e.eventId));
      return events.length;
    });
  }

  /**
   * One e-mail per person the event concerns who has an address, may see the incident and wants this event by e-mail.
   * Those told at once (`whoIsTold`: paged, named to a role) get their own message, whatever events they chose.
   */
  private async fanOutEmail(tx: Repository, type: NotificationEventType, recorded: RecordedEvent, eventId: number, state: IncidentState, stream: RecordedEvent[]): Promise<void> {
    const { policy, paging, stakeholders } = this.options.config;
    const update = recorded.event.type === 'StatusUpdatePosted';
    const followers = {
      subscribers: update ? await tx.email.subscribers(state.number) : [],
      stakeholders: update ? stakeholdersOf(policy, stakeholders, state.severity) : [],
    };
    const told = new Map(whoIsTold(recorded, state, policy, paging, stream).map((t) => [t.handle, t]));
    let message: ReturnType<typeof renderEmail> | null | undefined;
    for (const handle of new Set([...told.keys(), ...recipientsOf(recorded, state, followers)])) {
      const person = await tx.people.get(handle);
      if (!person?.email || !canSee(person, state)) continue;
      const preferences = await tx.email.preferences(handle);
      const notice = told.get(handle);
      if (!preferences.channels.includes('email') || (!notice && !preferences.events.includes(type))) continue;
      const response = notice?.reason.kind === 'paged' ? (findSeverity(policy, notice.reason.severity)?.response ?? null) : null;
      const consoleUrl = this.options.publicUrl ?? 'http://127.0.0.1:3000';
      const mail = notice
        ? this.render(eventId, 'notice', () => renderToldEmail(notice, state, { consoleUrl, response }))
        : message === undefined ? (message = this.render(eventId, 'e-mail', () => renderEmail(type, recorded, state))) : message;
      if (mail === null) continue;
      await tx.email.add({ eventId, recipient: handle, address: person.email, type, ...mail, remaining: this.maxAttempts, at: recorded.recordedAt });
    }
  }

  /**
   * A message that cannot be built would fail its whole batch again on every pass and
   * hold up every event behind it: it is logged as an error and that event's message
   * skipped, so the rest still go out.
   */
  private render<T>(eventId: number, what: string, build: () => T): T | null {
    try {
      return build();
    } catch (error) {
      this.options.log?.error({ err: error, eventId }, `could not build the ${what} for event ${eventId}; skipped`);
      return null;
    }
  }

  /**
   * A private incident goes only to a subscription created with `includePrivate` by
   * someone who (still) may see it: an admin or one of its participants.
   */
  private async mayReceive(tx: Repository, webhook: Webhook, state: IncidentState): Promise<boolean> {
    if (!state.private) return true;
    if (!webhook.includePrivate) return false;
    const creator = await tx.people.get(webhook.createdBy);
    return creator !== null && canSee(creator, state);
  }

  /** Sends one claimed delivery and records the attempt (and the retry, if any). */
  async attempt(delivery: Delivery): Promise<AttemptOutcome> {
    const { store, clock } = this.options;
    const webhook = await store.webhooks.get(delivery.webhookId);
    if (webhook && !webhook.enabled) {
      // Switched off after this was claimed: it waits, unsent and with no attempt counted, until the webhook is on again.
      await store.webhooks.pause(delivery.id);
      return { delivery, statusCode: null, error: 'the webhook is switched off', retryAt: null };
    }
    const started = clock.now();
    const startedMs = Date.now();
    let result: { statusCode: number | null; error: string | null };
    if (!webhook) result = { statusCode: null, error: 'the webhook no longer exists' };
    else {
      const timestamp = Math.floor(started.getTime() / 1000);
      const secrets = webhook.previousSecret !== null && stillOverlapping(webhook.previousSecretUntil, started.toISOString()) ? [webhook.secret, webhook.previousSecret] : [webhook.secret];
      result = await this.options.webhooks.send({
        url: webhook.url,
        headers: webhookHeaders(secrets, webhookMessageId(delivery), timestamp, delivery.body),
        body: delivery.body,
      });
      if (result.error === null && (result.statusCode === null || result.statusCode < 200 || result.statusCode > 299))
        result = { statusCode: result.statusCode, error: `HTTP ${result.statusCode}` };
    }
    const attempt = delivery.attempts + 1;
    const retryAt = result.error !== null && webhook ? this.retryAt(attempt, delivery.remaining) : null;
    try {
      await store.transaction((tx) =>
        tx.webhooks.recordAttempt(delivery, { attempt, at: started.toISOString(), statusCode: result.statusCode, error: result.error, durationMs: Date.now() - startedMs }, retryAt),
      );
    } catch (error) {
      // Not recorded: the lease runs out and the delivery is sent again, with the same webhook-id.
      this.options.log?.error({ err: error, delivery: delivery.id }, 'webhook attempt could not be recorded; it will be retried');
    }
    if (result.error !== null)
      this.options.log?.warn({ delivery: delivery.id, webhook: delivery.webhookId, attempt, error: result.error, retryAt }, 'webhook delivery failed');
    return { delivery, statusCode: result.statusCode, error: result.error, retryAt };
  }
}
