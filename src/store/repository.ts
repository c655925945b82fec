/**
 * Reads and writes inside one transaction (or straight on the database outside one), one
 * store per thing kept, each on the same connection so that they commit together.
 */
import type { Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';
import { AlertSourceStore } from './alerts/sources.js';
import { AlertInboxStore } from './alerts/inbox.js';
import { AlertGroupStore } from './alerts/groups.js';
import { AlertSnapshotStore } from './alerts/snapshots.js';
import { AlertStore } from './alerts/alerts.js';
import { ReminderStore } from './reminders.js';
import { WebhookStore } from './webhooks.js';
import { EmailStore } from './email.js';
import { PageStore } from './pages.js';
import { SessionStore } from './sessions.js';
import { SignInStore } from './sign-in.js';
import { StatusComponentStore } from './status-components.js';
import { MaintenanceStore } from './maintenance.js';
import { FollowUpStore } from './follow-ups.js';
import { StatusSubscriberStore } from './status-subscribers.js';
import { PeopleStore } from './people.js';
import { AuditStore } from './audit.js';
import { IncidentStore } from './incidents.js';
import { IdempotencyStore } from './idempotency.js';
import { ACCESS_CHANGED, notifyInstances, type CommitNotes } from './commit-notes.js';
import { ChatStore } from './chat.js';
import { QueueStatsStore } from './queue-stats.js';
import { RetentionStore } from './retention.js';
import { InsightsStore } from './insights.js';
import { FollowUpLinkStore } from './follow-up-links.js';
import { DrillStore } from './drills.js';
import { ChangeStore } from './changes.js';
import { PostmortemStore } from './postmortems.js';

export class Repository {
  constructor(
    protected readonly db: Executor,
    readonly dialect: Dialect,
    /** Inside `Store.transaction`: what this transaction did that is announced after it commits. */
    private readonly committed: CommitNotes | null = null,
    /** Whether each incident event also queues its chat messages (chat_outbox). */
    protected readonly chatOn = false,
  ) {}

  /** Incidents: their events, read model, reminders and outbox rows, version-checked. */
  get incidents(): IncidentStore {
    return new IncidentStore(this.db, this.dialect, this.committed, this.chatOn);
  }

  /** What changed: change events (deploys, config pushes, flags, batch jobs). */
  get changes(): ChangeStore {
    return new ChangeStore(this.db);
  }

  /** People and their API tokens. */
  get people(): PeopleStore {
    return new PeopleStore(this.db, this.dialect);
  }

  /** The audit log of admin actions and sign-ins (append-only). */
  get audit(): AuditStore {
    return new AuditStore(this.db);
  }

  /** Stored answers to Idempotency-Keys. */
  get idempotency(): IdempotencyStore {
    return new IdempotencyStore(this.db, this.dialect);
  }

  /** Pruning what is kept only for a while (idempotency answers, delivery logs, unconfirmed subscribers). */
  get retention(): RetentionStore {
    return new RetentionStore(this.db, this.dialect);
  }

  /** Incidents of a period and alert acknowledgement times, for insights. */
  get insights(): InsightsStore {
    return new InsightsStore(this.db, this.dialect);
  }

  /** How deep and how old every queue is (for /metrics). */
  get queueStats(): QueueStatsStore {
    return new QueueStatsStore(this.db);
  }

  /** Webhook subscriptions, the notification outbox and the delivery log. */
  get webhooks(): WebhookStore {
    return new WebhookStore(this.db, this.dialect);
  }

  /** Incident subscribers, notification preferences and e-mail deliveries. */
  get email(): EmailStore {
    return new EmailStore(this.db, this.dialect);
  }

  /** Pages out (PagerDuty, Opsgenie, the paging webhook) and the acknowledgements that came back. */
  get pages(): PageStore {
    return new PageStore(this.db, this.dialect);
  }

  /** Console sessions. */
  get sessions(): SessionStore {
    return new SessionStore(this.db, this.dialect);
  }

  /** OpenID sign-ins under way and the sign-in settings. */
  get signIn(): SignInStore {
    return new SignInStore(this.db);
  }

  /** Scheduled maintenance windows. */
  get maintenance(): MaintenanceStore {
    return new MaintenanceStore(this.db, this.dialect);
  }

  /** Follow-up action items and their reminder marks. */
  get followUps(): FollowUpStore {
    return new FollowUpStore(this.db, this.dialect);
  }

  /** Follow-ups' issues in GitHub or Jira. */
  get followUpLinks(): FollowUpLinkStore {
    return new FollowUpLinkStore(this.db, this.dialect);
  }

  /** The postmortem document's revisions. */
  get postmortems(): PostmortemStore {
    return new PostmortemStore(this.db);
  }

  /** The status page's e-mail subscribers. */
  get statusSubscribers(): StatusSubscriberStore {
    return new StatusSubscriberStore(this.db);
  }

  /** The reminders' schedule (R4, R8, R11). */
  get reminders(): ReminderStore {
    return new ReminderStore(this.db, this.dialect);
  }

  /** The status page's API-created components. */
  get statusComponents(): StatusComponentStore {
    return new StatusComponentStore(this.db);
  }

  /** Drills: scripts being replayed, their schedules and scorecards. */
  get drills(): DrillStore {
    return new DrillStore(this.db);
  }

  /** Who may send alerts. */
  get alertSources(): AlertSourceStore {
    return new AlertSourceStore(this.db);
  }

  /** Alert deliveries stored and not yet applied. */
  get alertInbox(): AlertInboxStore {
    return new AlertInboxStore(this.db, this.dialect);
  }

  /** Alert groups: state, assessment, counts. */
  get alertGroups(): AlertGroupStore {
    return new AlertGroupStore(this.db, this.dialect, this.committed);
  }

  /** Each group's snapshot and the repeats of it not yet written out. */
  get alertSnapshots(): AlertSnapshotStore {
    return new AlertSnapshotStore(this.db, this.dialect);
  }

  /** The chat outbox and delivery queue, rooms, the chat inbox, chat users. */
  get chat(): ChatStore {
    return new ChatStore(this.db, this.dialect);
  }

  /** The alerts of every group. */
  get alerts(): AlertStore {
    return new AlertStore(this.db, this.dialect);
  }

  /** Wakes this instance's notification processor after commit (the outbox or a delivery changed). */
  noteNotificationQueued(): void {
    this.committed?.noteQueued();
  }

  /**
   * After commit, `onIncidentsChanged` listeners hear "anything may have changed" (an empty
   * list), on every instance: for what the status page shows besides incidents
   * (components, maintenance windows).
   */
  async noteStatusPageChanged(): Promise<void> {
    if (this.committed) this.committed.everything = true;
    if (this.dialect === 'postgres') await notifyInstances(this.db, '*');
  }

  /**
   * After commit, `onAccessChanged` listeners on every instance re-check who they serve: an
   * open event stream of a revoked token or a deactivated person ends within moments.
   */
  async noteAccessChanged(): Promise<void> {
    if (this.committed) this.committed.access = true;
    if (this.dialect === 'postgres') await notifyInstances(this.db, ACCESS_CHANGED);
  }
}
