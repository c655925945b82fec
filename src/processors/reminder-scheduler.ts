/**
 * The durable reminder scheduler. Due moments live in the `reminders` table, kept equal
 * to what each incident's state derives by `Repository.append` (src/reminders/rules.ts).
 * This loop sleeps until the earliest one (never more than `maxSleepMs`, to notice other
 * instances' writes; earlier when this instance commits an earlier one), claims what is
 * due with a lease, and fires each in its own transaction: lock the incident, check the
 * row is still unfired, run `FireReminder` through the same load → decide → append path
 * as every command (as `system`), mark the row fired. Firing and marking commit together,
 * so a reminder fires exactly once across instances; a claim whose instance died runs
 * out with its lease and is taken over; a restarted server fires what it missed.
 *
 * Notifications (webhooks, e-mail) are later processors of the firing events.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { WakeLoop } from './wake-loop.js';
import type { Worker, WorkerHealth } from './worker.js';
import type { Config } from '../config/load.js';
import type { Clock } from '../domain/model/time.js';
import type { Store } from '../store/store.js';
import type { Person } from '../domain/people/person.js';
import type { StoredReminder } from '../store/reminders.js';
import { runIncidentCommand } from '../commands/incident-command.js';
import { dueMoments } from '../domain/reminders/rules.js';

/** Who records the reminders on the timeline. Not a person: nobody can sign in as it, and the handle is reserved (`RESERVED_HANDLES`). */
export const SYSTEM_ACTOR: Person = { handle: 'system', name: 'Incident Command', email: null, role: 'admin', chat: {}, createdAt: '1970-01-01T00:00:00.000Z', deactivatedAt: null, version: 1 };

export interface SchedulerOptions {
  store: Store;
  config: Config;
  clock: Clock;
  log?: Pick<FastifyBaseLogger, 'error' | 'warn' | 'info'>;
  /** Told of every firing (/metrics: how late reminders fire); `onFiring` is the tests'. */
  observe?: (firing: Firing) => void;
  /** This instance, in `claimed_by`. */
  instance?: string;
  /** How long a claim holds before another instance may take the row over. */
  leaseMs?: number;
  /** The longest sleep: how soon this instance notices a deadline another instance wrote. */
  maxSleepMs?: number;
  /** Rows claimed at a time. */
  batch?: number;
  /**
   * Claimed rows fired at once. Each firing is its own transaction on its own connection, so
   * on PostgreSQL their round trips and commits overlap (default 4); SQLite has one connection (1).
   */
  parallel?: number;
}

export interface Firing {
  reminder: StoredReminder;
  outcome: 'fired' | 'skipped' | 'taken' | 'failed';
  firedAt: string;
}

const RETRY_MS = 2_000;

export class ReminderScheduler implements Worker {
  readonly instance: string;
  private readonly leaseMs: number;
  private readonly maxSleepMs: number;
  private readonly batch: number;
  private readonly parallel: number;
  private readonly loop: WakeLoop;
  private synced = false;
  private unsubscribe: (() => void) | null = null;
  /** Called after each firing; tests listen. */
  onFiring: ((firing: Firing) => void) | null = null;

  constructor(private readonly options: SchedulerOptions) {
    this.instance = options.instance ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.maxSleepMs = options.maxSleepMs ?? 30_000;
    this.batch = options.batch ?? 50;
    this.parallel = Math.max(1, options.parallel ?? (options.store.dialect === 'postgres' ? 4 : 1));
    this.loop = new WakeLoop({
      clock: options.clock,
      maxSleepMs: this.maxSleepMs,
      retryMs: RETRY_MS,
      log: options.log,
      name: 'reminder scheduler',
      pass: async () => {
        if (!this.synced) {
          await this.resync();
          this.synced = true;
        }
        await this.tick();
        return this.options.store.reminders.nextWake();
      },
    });
  }

  private get stopped(): boolean {
    return this.loop.stopped;
  }

  /** Re-derives every incident's reminders (the configuration may have changed), then runs the loop. */
  start(): void {
    if (this.loop.started) return;
    this.unsubscribe = this.options.store.onReminderScheduled((dueAt) => this.loop.noticeDue(dueAt));
    this.loop.start();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.loop.stop();
  }

  health(): WorkerHealth {
    return this.loop.health();
  }

  /** Brings every incident's stored reminders in line with its state and the configuration in force. */
  async resync(): Promise<number> {
    const { store, config } = this.options;
    let after = 0;
    let count = 0;
    for (;;) {
      const numbers = await store.reminders.incidentsToSchedule(after, 100);
      if (numbers.length === 0 || this.stopped) return count;
      await store.transaction(async (tx) => {
        const at = this.options.clock.now().toISOString();
        for (const number of numbers) {
          const state = await tx.incidents.load(number, true);
          if (state) await tx.incidents.syncReminders(number, dueMoments(state, config.policy, config.reminders), at);
        }
      });
      count += numbers.length;
      after = numbers[numbers.length - 1]!;
    }
  }

  /** One pass: claims and fires everything due now. Answers the firings (tests drive this with their clock). */
  async tick(): Promise<Firing[]> {
    const firings: Firing[] = [];
    for (;;) {
      const now = this.options.clock.now();
      const claimed = await this.options.store.reminders.claimDue(
        this.instance,
        now.toISOString(),
        new Date(now.getTime() + this.leaseMs).toISOString(),
        this.batch,
      );
      firings.push(...(await this.fireAll(claimed)));
      if (claimed.length < this.batch || this.stopped) return firings;
    }
  }

  /** Fires claimed rows, earliest first, `parallel` at a time; answers them in that order. */
  private async fireAll(claimed: StoredReminder[]): Promise<Firing[]> {
    const firings: Firing[] = new Array(claimed.length);
    let next = 0;
    const worker = async () => {
      while (next < claimed.length) {
        const i = next++;
        firings[i] = await this.fire(claimed[i]!);
        this.options.observe?.(firings[i]);
        this.onFiring?.(firings[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.parallel, claimed.length) }, worker));
    return firings;
  }

  /** Fires one claimed row in its own transaction; a row another instance fired meanwhile is `taken`. */
  async fire(reminder: StoredReminder): Promise<Firing> {
    const { store, config, clock } = this.options;
    const firedAt = clock.now().toISOString();
    try {
      const outcome = await store.transaction(async (tx) => {
        // The incident first, as every command locks it: the same lock order, no deadlock.
        await tx.incidents.load(reminder.incident, true);
        if (!(await tx.reminders.unfired(reminder.key))) return 'taken' as const;
        const result = await runIncidentCommand({ tx, config, now: firedAt, actor: SYSTEM_ACTOR }, reminder.incident, {
          type: 'FireReminder',
          key: reminder.key,
          settings: config.reminders,
        });
        const fired = result.recorded.length > 0 ? ('fired' as const) : ('skipped' as const);
        await tx.reminders.markFired(reminder.key, firedAt, fired);
        return fired;
      });
      return { reminder, outcome, firedAt };
    } catch (error) {
      this.options.log?.error({ err: error, reminder: reminder.key, attempt: reminder.attempts }, 'reminder could not be fired; it will be retried when its claim runs out');
      await store.reminders.failed(reminder.key, (error as Error).message ?? String(error)).catch(() => undefined);
      return { reminder, outcome: 'failed', firedAt };
    }
  }
}
