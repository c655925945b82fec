/** Alert groups: their state, assessment and counts. */
import { sql } from 'kysely';
import type { Database, Executor } from '../schema.js';
import type { Dialect } from '../migrations/index.js';
import type { GroupAssessment } from '../../domain/alerts/assess.js';
import type { AlertGroup, GroupChange, GroupState } from '../../domain/alerts/group.js';
import type { GroupWrite } from '../../domain/alerts/batch.js';
import { pendingRepeatsOf, snapshotStands, toGroup, type AlertWrites, type GroupRow, type PendingRepeats } from './rows.js';
import type { CommitNotes } from '../commit-notes.js';
import { column, descending, keyset, pageOf, type Page, type PageRequest } from '../keyset.js';

function changeColumns(change: GroupChange): Partial<Omit<Database['alert_groups'], 'id'>> {
  const columns: Partial<Omit<Database['alert_groups'], 'id'>> = {};
  if (change.state !== undefined) columns.state = change.state;
  if (change.openedAt !== undefined) columns.opened_at = change.openedAt;
  if (change.acknowledgedBy !== undefined) columns.acknowledged_by = change.acknowledgedBy;
  if (change.acknowledgedAt !== undefined) columns.acknowledged_at = change.acknowledgedAt;
  if (change.secondsToAcknowledge !== undefined) columns.seconds_to_acknowledge = change.secondsToAcknowledge;
  if (change.incident !== undefined) columns.incident = change.incident;
  if (change.dismissedReason !== undefined) columns.dismissed_reason = change.dismissedReason;
  if (change.dismissedBy !== undefined) columns.dismissed_by = change.dismissedBy;
  if (change.dismissedAt !== undefined) columns.dismissed_at = change.dismissedAt;
  return columns;
}

function assessmentColumns(assessment: GroupAssessment) {
  return {
    title: assessment.title,
    severity: assessment.severity,
    suggested_components: JSON.stringify(assessment.suggestedComponents),
    common_labels: JSON.stringify(assessment.commonLabels),
    differing_labels: JSON.stringify(assessment.differingLabels),
    alerts: assessment.counts.alerts,
    firing: assessment.counts.firing,
    resolved: assessment.counts.resolved,
  };
}

/**
 * The alerts' updates a group's statement takes with it: each is at most 200 rows of 13
 * parameters or 500 of 4 (AlertStore.batchWrites; an insert, 200 of 16), so these and an
 * insert stay far below PostgreSQL's 65,535 parameters a statement.
 */
const UPDATES_ALONGSIDE = 8;

/** A group as intake holds it, locked: see AlertGroupStore.ensure. */
export type EnsuredGroup = AlertGroup & { alertsRevision: number; pendingRepeats: PendingRepeats | null };

/** A delivery applied to a group in full, to stand as its snapshot (AlertSnapshotStore.record). */
export interface SnapshotRecord {
  delivery: number;
  digest: string | null;
  alerts: number;
  truncatedAlerts: number;
}

/** Groups as read, each with its source. */
export function groupRows(db: Executor) {
  return db
    .selectFrom('alert_groups')
    .innerJoin('alert_sources', 'alert_sources.id', 'alert_groups.source')
    .selectAll('alert_groups')
    .select([
      'alert_sources.name as source_name',
      'alert_sources.type as source_type',
      'alert_sources.created_by as source_created_by',
      'alert_sources.created_at as source_created_at',
    ]);
}

function ensuredGroup(row: GroupRow): EnsuredGroup {
  return { ...toGroup(row), alertsRevision: Number(row.alerts_revision), pendingRepeats: pendingRepeatsOf(row) };
}

export class AlertGroupStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
    /** Inside `Store.transaction`: every write here is announced after commit (the console's inbox is live). */
    private readonly committed: CommitNotes | null = null,
  ) {}

  private noteChanged(): void {
    if (this.committed) this.committed.alerts = true;
  }

  /** With `lock`, other writers to this group (another instance's intake, an ack) wait for this transaction. */
  async get(id: number, lock = false): Promise<AlertGroup | null> {
    if (lock) return this.locked(id);
    const row = await groupRows(this.db).where('alert_groups.id', '=', id).executeTakeFirst();
    return row ? toGroup(row as GroupRow) : null;
  }

  /**
   * The group for this key, created open on first sight, locked for the transaction; with
   * its `alertsRevision` (moved by every write of its alerts: AlertStore.wrote, applyBatch),
   * which intake's copy of its alerts is checked against, and its snapshot's repeats not
   * yet written (AlertSnapshotStore.settleRepeats).
   */
  async ensure(source: string, groupKey: string, now: string): Promise<EnsuredGroup> {
    const existing = await this.locked({ source, groupKey });
    if (existing) return existing;
    this.noteChanged();
    const row = await this.db
      .insertInto('alert_groups')
      .values({
        source,
        group_key: groupKey,
        state: 'open',
        title: 'Alerts',
        severity: null,
        suggested_components: '[]',
        common_labels: '{}',
        differing_labels: '{}',
        alerts: 0,
        firing: 0,
        resolved: 0,
        received: 0,
        alerts_revision: 0,
        truncated_alerts: 0,
        first_seen_at: now,
        last_seen_at: now,
        opened_at: now,
        acknowledged_by: null,
        acknowledged_at: null,
        seconds_to_acknowledge: null,
        incident: null,
        dismissed_reason: null,
        dismissed_by: null,
        dismissed_at: null,
        snapshot_delivery: null,
        snapshot_digest: null,
        snapshot_alerts: null,
        snapshot_truncated: null,
        snapshot_repeats: 0,
        snapshot_repeated_in: null,
        snapshot_repeated_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await this.locked(Number(row.id)))!;
  }

  /**
   * The groups for these keys that exist and no incident owns, each locked and read as
   * `ensure` does it, in one statement for a batch's many groups (a round trip each is much
   * of a storm's applying); locked in order of id, so two such batches take them in the same
   * order. A group an incident owns is left to `ensure` at its turn: applying to it locks the
   * incident too, which a merge locks before the incident's groups, so holding it from the
   * batch's start would widen the window for the two to wait on each other.
   */
  async lockExisting(keys: readonly { source: string; groupKey: string }[]): Promise<EnsuredGroup[]> {
    if (keys.length === 0) return [];
    let query = groupRows(this.db)
      .where((eb) => eb(eb.refTuple('alert_groups.source', 'alert_groups.group_key'), 'in', keys.map((k) => eb.tuple(k.source, k.groupKey))))
      .where('alert_groups.incident', 'is', null)
      .orderBy('alert_groups.id');
    if (this.dialect === 'postgres') query = query.forUpdate('alert_groups');
    return (await query.execute()).map((row) => ensuredGroup(row as GroupRow));
  }

  private async locked(which: number | { source: string; groupKey: string }): Promise<EnsuredGroup | null> {
    let query =
      typeof which === 'number'
        ? groupRows(this.db).where('alert_groups.id', '=', which)
        : groupRows(this.db).where('alert_groups.source', '=', which.source).where('alert_groups.group_key', '=', which.groupKey);
    if (this.dialect === 'postgres') query = query.forUpdate('alert_groups');
    const row = await query.executeTakeFirst();
    return row ? ensuredGroup(row as GroupRow) : null;
  }

  /** The ids of the groups an incident owns. */
  async ownedBy(incident: number): Promise<number[]> {
    const rows = await this.db.selectFrom('alert_groups').select('id').where('incident', '=', incident).orderBy('id').execute();
    return rows.map((r) => Number(r.id));
  }

  /** The groups incident `from` owns now belong to incident `to` (a merge). */
  async moveIncident(from: number, to: number): Promise<void> {
    const result = await this.db.updateTable('alert_groups').set({ incident: to }).where('incident', '=', from).executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) this.noteChanged();
  }

  /** A page of the groups in `state`, most recently seen first. */
  async list(state: GroupState, request: PageRequest): Promise<Page<AlertGroup>> {
    const order = [descending(column('alert_groups.last_seen_at')), descending(column('alert_groups.id'))];
    const rows = await keyset(groupRows(this.db).where('alert_groups.state', '=', state), order, request).execute();
    return pageOf(
      rows.map((r) => toGroup(r as GroupRow)),
      request,
      (g) => [g.lastSeenAt, g.id],
    );
  }

  async change(id: number, change: GroupChange): Promise<void> {
    const columns = changeColumns(change);
    this.noteChanged();
    if (Object.keys(columns).length > 0) await this.db.updateTable('alert_groups').set(columns).where('id', '=', id).execute();
  }

  /**
   * After a batch of deliveries (src/domain/alerts/batch.ts): the batch's writes of the
   * group's alerts (AlertStore.batchWrites) and, in one statement, what assess, seenAgain
   * and change would have written delivery by delivery; the revision moved when the batch
   * wrote the group's alerts (as AlertStore.wrote does); and the batch's last delivery
   * recorded as the group's snapshot if it stands (snapshotStands). On PostgreSQL the
   * alerts' writes go in that statement too, as its WITH queries (a round trip each is most
   * of a storm's applying; a storm's group is then one round trip): its last insert (WITH
   * queries run in no set order, and ids must follow the order of the inserts) and its last
   * updates; the others first, on their own.
   */
  async applyBatch(id: number, write: GroupWrite, alertWrites: AlertWrites, snapshot: SnapshotRecord): Promise<void> {
    const { inserts, updates } = alertWrites;
    const { assessment } = write;
    this.noteChanged();
    const stands = snapshotStands(snapshot.delivery);
    const update = this.db
      .updateTable('alert_groups')
      .set((eb) => ({
        ...(assessment && assessmentColumns(assessment)),
        received: eb('received', '+', write.received),
        last_seen_at: sql<string>`case when last_seen_at < ${write.seenAt} then ${write.seenAt} else last_seen_at end`,
        truncated_alerts: write.truncatedAlerts,
        ...changeColumns(write.change),
        ...(inserts.length + updates.length > 0 && { alerts_revision: eb('alerts_revision', '+', 1) }),
        snapshot_delivery: sql<number>`case when ${stands} then ${snapshot.delivery} else snapshot_delivery end`,
        snapshot_digest: sql<string | null>`case when ${stands} then ${snapshot.digest} else snapshot_digest end`,
        snapshot_alerts: sql<number>`case when ${stands} then ${snapshot.alerts} else snapshot_alerts end`,
        snapshot_truncated: sql<number>`case when ${stands} then ${snapshot.truncatedAlerts} else snapshot_truncated end`,
      }))
      .where('id', '=', id);
    const together = this.dialect === 'postgres';
    const alongside = together ? [...inserts.slice(-1), ...updates.slice(-UPDATES_ALONGSIDE)] : [];
    for (const statement of together ? inserts.slice(0, -1) : inserts) await statement.execute(this.db);
    for (const statement of together ? updates.slice(0, -UPDATES_ALONGSIDE) : updates) await statement.execute(this.db);
    if (alongside.length === 0) await update.execute();
    else await sql`with ${sql.join(alongside.map((s, i) => sql`${sql.ref(`alerts_${i}`)} as (${s})`))} ${update}`.execute(this.db);
  }

  /** After a delivery: the recomputed assessment, one more delivery received, and when. */
  async assess(id: number, assessment: GroupAssessment, seenAt: string, truncatedAlerts: number | null): Promise<void> {
    this.noteChanged();
    await this.db
      .updateTable('alert_groups')
      .set((eb) => ({
        ...assessmentColumns(assessment),
        received: eb('received', '+', 1),
        last_seen_at: sql<string>`case when last_seen_at < ${seenAt} then ${seenAt} else last_seen_at end`,
        ...(truncatedAlerts === null ? {} : { truncated_alerts: truncatedAlerts }),
      }))
      .where('id', '=', id)
      .execute();
  }

  /** A delivery that changed none of the group's alerts: one more received, and when. */
  async seenAgain(id: number, seenAt: string, truncatedAlerts: number): Promise<void> {
    this.noteChanged();
    await this.db
      .updateTable('alert_groups')
      .set((eb) => ({
        received: eb('received', '+', 1),
        last_seen_at: sql<string>`case when last_seen_at < ${seenAt} then ${seenAt} else last_seen_at end`,
        truncated_alerts: truncatedAlerts,
      }))
      .where('id', '=', id)
      .execute();
  }
}
