/**
 * Every background worker of a server process, created, started, stopped and asked about
 * from this one list. Started in list order once the server is ready; stopped in reverse
 * when it closes, before the store: the realtime streams end first (an open stream would
 * keep the server from closing), then intake, the status page, reminders and
 * notifications, each finishing what it has in hand. Whatever one leaves undone is
 * stored (inbox rows, reminder rows, the outbox) and taken up at the next start, here or
 * on another instance.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/load.js';
import type { Clock } from '../domain/model/time.js';
import type { Store } from '../store/store.js';
import type { MailSender } from '../integrations/mail.js';
import type { WebhookSender } from '../integrations/webhook.js';
import { AlertInbox } from './alert-inbox.js';
import { NotificationProcessor } from './notifications/processor.js';
import { RealtimeHub } from './realtime-hub.js';
import { ReminderScheduler } from './reminder-scheduler.js';
import { StatusPagePublisher } from './status-page-publisher.js';
import type { Worker, WorkerHealth } from './worker.js';
import type { ChatPort } from '../integrations/chat/port.js';
import { ChatDeliveryWorker } from './chat/delivery.js';
import { chatSettings } from './chat/settings.js';
import { ChatInbox } from './chat/inbox.js';
import { ReactionWatcher, type ReactionFeed } from './chat/reactions.js';
import type { TeamsChannels } from './chat/teams.js';
import { Metrics } from './metrics.js';
import { RetentionWorker } from './retention.js';
import { DrillRunner } from './drills.js';
import { FollowUpReminders } from './follow-up-reminders.js';
import { MaintenanceNotices } from './notifications/maintenance-notices.js';
import { PageSender } from './paging/sender.js';
import { pagersOn } from './paging/queue.js';
import type { PagingSecrets } from '../integrations/paging.js';
import { FollowUpSync } from './follow-up-sync.js';
import type { TrackerSettings } from '../integrations/trackers/port.js';

export interface WorkerDeps {
  store: Store;
  config: Config;
  clock: Clock;
  log: FastifyBaseLogger;
  /** The server's public address: links in subscriber mails and on the status page. */
  publicUrl?: string;
  /** INCIDENT_STATUS_EXPORT_DIR: a static copy of the status page, rewritten on every change. */
  statusExportDir?: string | null;
  /** Whether e-mail goes out; without it the status page offers no e-mail subscription. */
  mailEnabled?: boolean;
  /**
   * Reminders and notifications run where the server runs; an in-process test drives
   * them by hand (their `tick`), so they are left out unless asked for.
   */
  deliveries?: { webhooks: WebhookSender; mail: MailSender | null; paging?: PagingSecrets | null };
  /**
   * The chat platform (Slack or Mattermost, one per deployment) when it is configured; its
   * messages are queued and delivered from then on, and its commands acted on.
   */
  chat?: { port: ChatPort; platform: 'slack' | 'mattermost'; reactions?: ReactionFeed } | null;
  /** The reaction feed's first retry after its connection drops (tests). */
  reactionRetryMs?: number;
  /** Teams channel cards (Workflows webhooks): through the same delivery queue, beside the platform or alone. */
  teams?: TeamsChannels | null;
  /** GitHub and Jira, when set up: exported follow-ups' issues are looked at for their close. */
  trackers?: TrackerSettings | null;
}

export class Workers {
  readonly statusPage: StatusPagePublisher;
  readonly alertInbox: AlertInbox;
  readonly realtime: RealtimeHub;
  readonly reminders: ReminderScheduler | null;
  readonly notifications: NotificationProcessor | null;
  /** Pages out, when a paging tool is configured with its secrets (src/processors/paging). */
  readonly pages: PageSender | null;
  readonly followUpReminders: FollowUpReminders | null;
  /** What the status page's subscribers hear of scheduled maintenance. */
  readonly maintenanceNotices: MaintenanceNotices | null;
  readonly followUpSync: FollowUpSync | null;
  readonly chat: ChatDeliveryWorker | null;
  readonly chatInbox: ChatInbox | null;
  /** Where reactions come over a connection of the platform's (Mattermost): listening, and reading back what was missed. */
  readonly chatReactions: ReactionWatcher | null;
  readonly metrics: Metrics;
  readonly retention: RetentionWorker;
  readonly drills: DrillRunner;
  private readonly list: [name: string, worker: Worker][];

  constructor(deps: WorkerDeps) {
    const { store, config, clock, log } = deps;
    const publicUrl = deps.publicUrl ?? 'http://127.0.0.1:3000';
    const metrics = new Metrics({ store, clock, log, streams: () => this.realtime.size });
    this.metrics = metrics;
    this.reminders = deps.deliveries ? new ReminderScheduler({ store, config, clock, log, observe: (firing) => metrics.reminderFired(firing) }) : null;
    this.notifications = deps.deliveries ? new NotificationProcessor({ store, config, clock, ...deps.deliveries, publicUrl, log }) : null;
    const paging = deps.deliveries?.paging;
    this.pages = deps.deliveries && paging && pagersOn(config, paging) ? new PageSender({ store, clock, http: deps.deliveries.webhooks, secrets: paging, log }) : null;
    this.followUpReminders = deps.deliveries ? new FollowUpReminders({ store, clock, mail: deps.deliveries.mail !== null, publicUrl, log }) : null;
    this.maintenanceNotices = deps.deliveries ? new MaintenanceNotices({ store, config, clock, mail: deps.deliveries.mail !== null, publicUrl, log }) : null;
    const trackers = deps.trackers;
    this.followUpSync = trackers && Object.keys(trackers.ports).length ? new FollowUpSync({ store, config, clock, trackers, log }) : null;
    this.chat =
      deps.chat || deps.teams
        ? new ChatDeliveryWorker({
            store,
            chat: deps.chat?.port ?? null,
            platform: deps.chat?.platform ?? null,
            teams: deps.teams ?? null,
            clock,
            settings: chatSettings(config, deps.chat?.platform ?? 'slack'),
            told: { policy: config.policy, paging: config.paging, consoleUrl: publicUrl },
            log,
          })
        : null;
    this.chatInbox = deps.chat ? new ChatInbox({ store, chat: deps.chat.port, platform: deps.chat.platform, config, clock, log }) : null;
    const feed = deps.chat?.reactions;
    this.chatReactions = feed && this.chatInbox ? new ReactionWatcher({ store, feed, inbox: this.chatInbox, clock, log, retryMs: deps.reactionRetryMs }) : null;
    this.statusPage = new StatusPagePublisher({
      store,
      config,
      clock,
      // The page's own address first: behind a CDN it is not the server's.
      baseUrl: config.links.statusPage ?? publicUrl,
      exportDir: deps.statusExportDir ?? null,
      subscribe: deps.mailEnabled !== false,
      log,
      onRender: (outcome) => metrics.statusPageRendered(outcome),
    });
    this.alertInbox = new AlertInbox({ store, config, clock }, log, (at) => metrics.alertInboxDrained(at));
    this.realtime = new RealtimeHub(store.feed, (listener) => store.onIncidentsChanged(listener), log);
    this.retention = new RetentionWorker({ store, policy: config.retention, clock, log, observe: (kind, count) => metrics.pruned(kind, count) });
    const inbox = this.alertInbox;
    this.drills = new DrillRunner({ store, config, clock, inbox, log });
    this.list = [
      ...(this.chat ? [['chat', this.chat] as [string, Worker]] : []),
      ...(this.chatInbox ? [['chatInbox', this.chatInbox] as [string, Worker]] : []),
      ...(this.chatReactions ? [['chatReactions', this.chatReactions] as [string, Worker]] : []),
      ...(this.notifications ? [['notifications', this.notifications] as [string, Worker]] : []),
      ...(this.pages ? [['pages', this.pages] as [string, Worker]] : []),
      ...(this.reminders ? [['reminders', this.reminders] as [string, Worker]] : []),
      ...(this.followUpReminders ? [['followUpReminders', this.followUpReminders] as [string, Worker]] : []),
      ...(this.maintenanceNotices ? [['maintenanceNotices', this.maintenanceNotices] as [string, Worker]] : []),
      ...(this.followUpSync ? [['followUpSync', this.followUpSync] as [string, Worker]] : []),
      ['statusPage', this.statusPage],
      // Deliveries a crash or a failure left in the inbox are taken up again on start.
      ['alertInbox', { start: () => inbox.wake(), stop: () => inbox.close(), health: () => inbox.health() }],
      ['realtime', this.realtime],
      ['retention', this.retention],
      // After intake: a drill's alerts go into its inbox.
      ['drills', this.drills],
    ];
  }

  async start(): Promise<void> {
    for (const [, worker] of this.list) await worker.start();
  }

  /** A worker that can start only once the server listens (the status page's own process, which passes requests to it): stopped first. */
  async join(name: string, worker: Worker): Promise<void> {
    await worker.start();
    this.list.push([name, worker]);
  }

  async stop(): Promise<void> {
    for (const [, worker] of [...this.list].reverse()) await worker.stop();
  }

  health(): Record<string, WorkerHealth> {
    return Object.fromEntries(this.list.map(([name, worker]) => [name, worker.health()]));
  }
}
