/**
 * Tells the status page's subscribers about scheduled maintenance (src/domain/maintenance/notices.ts).
 * Scheduling, rescheduling and cancelling keep their notice with the change; the reminders
 * before a window starts, its start and its end are the clock's, so each pass first adds
 * the notices the clock owes (once each: the key is unique, whatever instances race). Each notice is then
 * fanned out in one transaction, claimed there so no instance fans it out twice: a webhook
 * delivery per public webhook and an e-mail per confirmed subscriber that follows one of
 * its components (or everything). They carry the notice's id negated as their event id —
 * incident events are positive, subscriber confirmations 0 — which keeps their one-per-
 * (event, webhook) and one-per-(event, recipient) keys. Sending, retries and the delivery
 * log are the notification processor's.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config/load.js';
import type { Clock } from '../../domain/model/time.js';
import type { Store } from '../../store/store.js';
import type { Repository } from '../../store/repository.js';
import type { StoredNotice } from '../../store/maintenance.js';
import { LATE_NOTICE_MS, NO_NOTICES, nextNoticeMoment, noticesOwed, worthSending, type NoticeNews } from '../../domain/maintenance/notices.js';
import { hearsAbout } from '../../domain/subscribers/components.js';
import { statusPageId } from '../../domain/status-page/view-model.js';
import { listComponents } from '../../commands/components.js';
import { MAINTENANCE_NOTICE_TYPE, maintenanceMail, maintenanceWebhookBody, type NoticeInput } from '../../presenters/status-page/maintenance-notice.js';
import { subscriberLinks } from '../../presenters/status-page/subscriber-mail.js';
import { LoopWorker, WakeLoop } from '../wake-loop.js';

const BATCH = 50;
const ATTEMPTS = 8;

export interface MaintenanceNoticesOptions {
  store: Store;
  config: Config;
  clock: Clock;
  /** Whether e-mail goes out (SMTP_URL); without it only webhooks hear. */
  mail: boolean;
  /** The server's public address: unsubscribe links. */
  publicUrl: string;
  log?: Pick<FastifyBaseLogger, 'error'>;
}

export class MaintenanceNotices extends LoopWorker {
  protected readonly loop: WakeLoop;

  constructor(private readonly options: MaintenanceNoticesOptions) {
    super();
    // A maintenance change says "the status page changed" (noteStatusPageChanged), heard as "anything may have changed"
    // (no incident named); an incident's own commits bring no notice.
    this.loop = new WakeLoop({
      clock: options.clock,
      maxSleepMs: 60_000,
      retryMs: 5_000,
      log: options.log,
      name: 'maintenance notices',
      pass: () => this.pass(),
      wakeOn: (listener) =>
        options.store.onIncidentsChanged((incidents) => {
          if (!incidents.length) listener();
        }),
    });
  }

  /**
   * One pass: the notices the clock owes, then every notice not yet fanned out; answers when
   * the clock next owes one (any reminder chosen, a start, an end). A notice that fails is left for the next pass, after the
   * others have gone, and the pass then fails (the worker's health says so).
   */
  async pass(): Promise<string | null> {
    const { store, clock } = this.options;
    const now = clock.now().toISOString();
    const recent = await store.maintenance.list(new Date(Date.parse(now) - LATE_NOTICE_MS).toISOString());
    const told = await store.maintenance.noticeHistory(recent.map((w) => w.id));
    for (const window of recent)
      if (noticesOwed(window, told.get(window.id) ?? NO_NOTICES, now).length)
        await store.transaction(async (tx) => {
          // Locked and read again: a cancel or a new end committed meanwhile decides what, if anything, is owed.
          const locked = await tx.maintenance.get(window.id, true);
          if (!locked) return;
          const history = (await tx.maintenance.noticeHistory([window.id])).get(window.id) ?? NO_NOTICES;
          for (const notice of noticesOwed(locked, history, now)) await tx.maintenance.addNotice(window.id, notice, now);
        });
    let failed: unknown = null;
    for (;;) {
      const pending = await store.maintenance.pendingNotices(BATCH);
      for (const notice of pending) {
        if (this.loop.stopped) return now;
        try {
          await store.transaction((tx) => this.fanOut(tx, notice, now));
        } catch (error) {
          failed ??= error;
          this.options.log?.error({ err: error, notice: notice.key }, 'could not fan out a maintenance notice; it is tried again at the next pass');
        }
      }
      if (failed !== null) throw failed;
      if (pending.length < BATCH) break;
    }
    return nextNoticeMoment(recent, now);
  }

  private async fanOut(tx: Repository, notice: StoredNotice, now: string): Promise<void> {
    const { config, publicUrl } = this.options;
    if (!(await tx.maintenance.claimNotice(notice.id, now))) return;
    // Kept too long (deliveries were stuck): stale news is not sent.
    if (!worthSending(notice, now)) return;
    const webhooks = (await tx.webhooks.list()).filter((w) => w.enabled && w.audience === 'public' && hearsAbout(w.components, notice.components));
    const subscribers = this.options.mail ? (await tx.statusSubscribers.confirmed()).filter((s) => hearsAbout(s.components, notice.components)) : [];
    if (!webhooks.length && !subscribers.length) return;
    const { window } = notice;
    const names = new Map((await listComponents({ tx, config })).map((c) => [c.id, c.name]));
    const name = (id: string) => names.get(id) ?? id;
    const links = subscriberLinks(publicUrl, config.links.statusPage);
    const news: NoticeNews = notice.kind === 'reminder' ? { kind: notice.kind, remindBefore: notice.remindBefore } : { kind: notice.kind };
    const input: NoticeInput = {
      ...news,
      pageTitle: config.organization.statusPageTitle,
      pageUrl: links.page,
      window,
      at: notice.createdAt,
      componentNames: window.components.map(name),
      droppedNames: notice.components.filter((id) => !window.components.includes(id)).map(name),
    };
    const eventId = -notice.id;
    const body = this.render(notice, 'webhook body', () => maintenanceWebhookBody({ ...input, pageId: statusPageId(config.organization.name), sequence: notice.id }));
    if (body !== null)
      for (const webhook of webhooks) await tx.webhooks.addDelivery({ webhookId: webhook.id, eventId, type: MAINTENANCE_NOTICE_TYPE, body, remaining: ATTEMPTS, at: now });
    for (const subscriber of subscribers) {
      const mail = this.render(notice, 'e-mail', () => maintenanceMail({ ...input, unsubscribeUrl: links.unsubscribe(subscriber.unsubscribeToken) }));
      if (mail === null) break;
      await tx.email.add({ eventId, recipient: subscriber.id, address: subscriber.address, type: MAINTENANCE_NOTICE_TYPE, ...mail, remaining: ATTEMPTS, at: now });
    }
    tx.noteNotificationQueued();
  }

  /** A notice that cannot be rendered is logged and skipped, as the notification processor does with an event's. */
  private render<T>(notice: StoredNotice, what: string, build: () => T): T | null {
    try {
      return build();
    } catch (error) {
      this.options.log?.error({ err: error, notice: notice.key }, `could not build the maintenance notice's ${what}; skipped`);
      return null;
    }
  }
}
