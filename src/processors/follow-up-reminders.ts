/**
 * Reminds follow-ups' owners by e-mail when an item falls due and when it is overdue
 * (src/domain/follow-ups/reminders.ts), once per item per due date. Each reminder is one
 * transaction: the item locked, the reminder owed re-checked, an e-mail delivery queued
 * (the notification processor sends it, with its retries and delivery log) and the mark
 * set — together, so a restart or a second instance sends none twice; the delivery's
 * recipient key (item, kind, due date) is unique besides.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../domain/model/time.js';
import type { Store } from '../store/store.js';
import type { Repository } from '../store/repository.js';
import type { StoredFollowUp } from '../store/follow-ups.js';
import { reminderOwed, type FollowUpReminderKind } from '../domain/follow-ups/reminders.js';
import { canSee } from '../domain/people/policy.js';
import { isActive } from '../domain/people/person.js';
import { followUpReminderMail } from '../presenters/follow-ups.js';
import { LoopWorker, WakeLoop } from './wake-loop.js';

const BATCH = 100;
const MAIL_ATTEMPTS = 8;

export interface FollowUpRemindersOptions {
  store: Store;
  clock: Clock;
  /** Whether e-mail goes out (SMTP_URL); without it reminders are marked as due but nothing is queued. */
  mail: boolean;
  publicUrl: string;
  log?: Pick<FastifyBaseLogger, 'error'>;
}

export class FollowUpReminders extends LoopWorker {
  protected readonly loop: WakeLoop;

  constructor(private readonly options: FollowUpRemindersOptions) {
    super();
    // Opening or closing a follow-up writes its incident's timeline: a new item may be due at once.
    this.loop = new WakeLoop({ clock: options.clock, maxSleepMs: 60_000, retryMs: 5_000, log: options.log, name: 'follow-up reminders', pass: () => this.pass(), wakeOn: (listener) => options.store.onIncidentsChanged(listener) });
  }

  /** One pass: every reminder owed now; answers when the next one falls due. */
  async pass(): Promise<string | null> {
    const { store, clock } = this.options;
    const now = clock.now().toISOString();
    const ids = await store.followUps.dueForReminder(now, BATCH);
    for (const id of ids) {
      if (this.loop.stopped) return now;
      await store.transaction(async (tx) => {
        const item = await tx.followUps.get(id, true);
        const kind = item ? reminderOwed(item, item, now) : null;
        if (!item || !kind) return;
        await this.queueMail(tx, item, kind, now);
        await tx.followUps.markReminded(item, kind);
      });
    }
    if (ids.length === BATCH) return now;
    return store.followUps.nextReminderAt();
  }

  private async queueMail(tx: Repository, item: StoredFollowUp, kind: FollowUpReminderKind, now: string): Promise<void> {
    if (!this.options.mail) return;
    const owner = await tx.people.get(item.owner);
    if (!owner?.email || !isActive(owner)) return;
    // An owner taken out of a private incident hears nothing more of it.
    const incident = await tx.incidents.load(item.incident);
    if (!incident || !canSee(owner, incident)) return;
    const mail = followUpReminderMail(item, kind, { publicUrl: this.options.publicUrl });
    await tx.email.add({
      eventId: 0,
      recipient: `follow-up-${item.id}-${kind}-${item.due}`,
      address: owner.email,
      type: `follow_up.${kind}`,
      ...mail,
      remaining: MAIL_ATTEMPTS,
      at: now,
    });
    tx.noteNotificationQueued();
  }
}
