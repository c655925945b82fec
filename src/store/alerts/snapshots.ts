/**
 * A group's snapshot: the newest delivery applied to it in full, by digest, and the
 * repeats of it counted on the group but not yet written to its alerts.
 */
import type { Executor } from '../schema.js';
import type { Dialect } from '../migrations/index.js';
import type { AlertGroup } from '../../domain/alerts/group.js';
import { groupRows } from './groups.js';
import { pendingRepeatsOf, snapshotStands, toGroup, type GroupRow, type PendingRepeats } from './rows.js';

/** A delivery already applied to a group in full, and the newest it has seen. */
export interface Snapshot {
  group: AlertGroup;
  delivery: number;
  alerts: number;
  truncatedAlerts: number;
  /** The last time it was received again, if it was. */
  repeatedIn: number | null;
}

export class AlertSnapshotStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  /** The group whose newest applied delivery had this digest, locked for the transaction. */
  async byDigest(source: string, digest: string): Promise<Snapshot | null> {
    let query = groupRows(this.db).where('alert_groups.source', '=', source).where('alert_groups.snapshot_digest', '=', digest);
    // Locked as it is read: a snapshot moved on meanwhile no longer matches.
    if (this.dialect === 'postgres') query = query.forUpdate('alert_groups');
    const row = await query.executeTakeFirst();
    if (!row || row.snapshot_delivery === null || row.snapshot_alerts === null) return null;
    return {
      group: toGroup(row as GroupRow),
      delivery: Number(row.snapshot_delivery),
      alerts: Number(row.snapshot_alerts),
      truncatedAlerts: Number(row.snapshot_truncated ?? 0),
      repeatedIn: row.snapshot_repeated_in === null ? null : Number(row.snapshot_repeated_in),
    };
  }

  /** `delivery` was applied to the group in full; it becomes the group's snapshot if it stands (snapshotStands). */
  async record(groupId: number, delivery: { id: number; digest: string | null }, alerts: number, truncatedAlerts: number): Promise<void> {
    await this.db
      .updateTable('alert_groups')
      .set({ snapshot_delivery: delivery.id, snapshot_digest: delivery.digest, snapshot_alerts: alerts, snapshot_truncated: truncatedAlerts })
      .where('id', '=', groupId)
      .where(snapshotStands(delivery.id))
      .execute();
  }

  /**
   * The group's snapshot received once more, in `delivery`: counted on the group only, so
   * that a repeat costs the same however many alerts it holds. Its alerts read as seen
   * again (alertsOf) and are written out before anything else changes them (settleRepeats).
   */
  async addRepeat(groupId: number, delivery: number, seenAt: string): Promise<void> {
    await this.db
      .updateTable('alert_groups')
      .set((eb) => ({ snapshot_repeats: eb('snapshot_repeats', '+', 1), snapshot_repeated_in: delivery, snapshot_repeated_at: seenAt }))
      .where('id', '=', groupId)
      .execute();
  }

  async pendingRepeats(groupId: number): Promise<PendingRepeats | null> {
    const row = await this.db
      .selectFrom('alert_groups')
      .select(['snapshot_delivery', 'snapshot_repeats', 'snapshot_repeated_in', 'snapshot_repeated_at'])
      .where('id', '=', groupId)
      .executeTakeFirst();
    return row ? pendingRepeatsOf(row) : null;
  }

  /**
   * Writes the pending repeats of the group's snapshot to its alerts, as touchAlerts would
   * have one by one; the last repeat becomes the snapshot. Called (under the group's lock)
   * before a delivery changes the group's alerts. Answers whether it wrote them. `pending`:
   * as read under that lock (AlertGroupStore.ensure), saving the read here.
   */
  async settleRepeats(groupId: number, pending?: PendingRepeats | null): Promise<boolean> {
    if (pending === undefined) pending = await this.pendingRepeats(groupId);
    if (!pending) return false;
    await this.db
      .updateTable('alerts')
      .set((eb) => ({ last_seen_at: pending.lastAt, received: eb('received', '+', pending.times), seen_in: pending.lastIn }))
      .where('group_id', '=', groupId)
      .where('seen_in', '=', pending.delivery)
      .execute();
    await this.db
      .updateTable('alert_groups')
      // Its alerts were written: the revision moves with them (AlertStore.wrote).
      .set((eb) => ({ snapshot_delivery: pending.lastIn, snapshot_repeats: 0, snapshot_repeated_in: null, snapshot_repeated_at: null, alerts_revision: eb('alerts_revision', '+', 1) }))
      .where('id', '=', groupId)
      .execute();
    return true;
  }

  /** How many of the group's alerts were last seen in `delivery`. */
  async countSeenIn(groupId: number, delivery: number): Promise<number> {
    const row = await this.db
      .selectFrom('alerts')
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .where('group_id', '=', groupId)
      .where('seen_in', '=', delivery)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
