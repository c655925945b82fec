/**
 * What one transaction did that listeners hear of once it has committed: this instance's
 * directly (Store.transaction), other instances' through PostgreSQL's NOTIFY.
 */
import { sql } from 'kysely';
import type { Executor } from './schema.js';

/** The PostgreSQL NOTIFY channel that carries "incident N has new events" between instances. */
export const INCIDENT_CHANNEL = 'incident_command_incidents';

export class CommitNotes {
  /** Due times of reminders added. */
  readonly scheduled: string[] = [];
  /** Notification work queued (outbox rows, a redelivery). */
  queued = false;
  /** Incidents that got new events. */
  readonly changed = new Set<number>();
  /** Something other than an incident that the status page shows changed (components, maintenance). */
  everything = false;
  /** Someone's access was taken back or changed (tokens revoked, a person deactivated or their role changed). */
  access = false;
  /** Alert groups were created or changed (the console's alert inbox re-reads them). */
  alerts = false;

  noteQueued(): void {
    this.queued = true;
  }
}

/** The NOTIFY payload (after the schema) that says "access changed: re-check open streams". */
export const ACCESS_CHANGED = 'access';

/** The NOTIFY payload (after the schema) that says "alert groups changed". */
export const ALERTS_CHANGED = 'alerts';

/**
 * PostgreSQL delivers it at commit (never for a rollback) to every listening instance. The
 * channel is database-wide, so the payload names the schema: stores in other schemas ignore it.
 * `what` is an incident number, '*' for "anything may have changed", ACCESS_CHANGED or ALERTS_CHANGED.
 */
export async function notifyInstances(db: Executor, what: string): Promise<void> {
  await sql`select pg_notify(${INCIDENT_CHANNEL}, current_schema() || '|' || ${what})`.execute(db);
}
