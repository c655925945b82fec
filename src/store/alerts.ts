/** Alert sources, the intake inbox, alert groups and alerts, for both databases. */
import { sql } from 'kysely';
import type { Database, Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';
import type { Alert, AlertSeverity, Labels, StoredAlert } from '../domain/alerts/alert.js';
import type { KnownAlert } from '../domain/alerts/dedup.js';
import type { AlertFacts, GroupAssessment } from '../domain/alerts/assess.js';
import type { AlertGroup, GroupChange, GroupState } from '../domain/alerts/group.js';
import type { AlertSource, SourceType } from '../domain/alerts/source.js';
import { DomainError } from '../domain/model/errors.js';

/** A stored delivery, without its body (inboxBody): a repeated 8 MB snapshot is applied without it. */
export interface InboxItem {
  id: number;
  source: string;
  /** Stored gzipped: it was large (see AlertInbox.accept). */
  gzipped: boolean;
  receivedAt: string;
  progress: number;
  digest: string | null;
}

/** A delivery already applied to a group in full, and the newest it has seen. */
export interface Snapshot {
  group: AlertGroup;
  delivery: number;
  alerts: number;
  truncatedAlerts: number;
  /** The last time it was received again, if it was. */
  repeatedIn: number | null;
}

/** Repeats of a group's snapshot not yet written to its alerts: each alert last seen in `delivery` is seen `times` more. */
interface PendingRepeats {
  delivery: number;
  times: number;
  lastIn: number;
  lastAt: string;
}

export type NewDelivery = { source: string; body: Buffer; receivedAt: string; digest: string | null };

type GroupRow = Database['alert_groups'] & { id: number; source_name: string; source_type: SourceType; source_created_by: string; source_created_at: string };
type AlertRow = Database['alerts'] & { id: number };

/** Enough for both databases' bound-parameter limits, with ~15 columns a row. */
const CHUNK = 500;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function toGroup(row: GroupRow): AlertGroup {
  return {
    id: Number(row.id),
    source: { id: row.source, name: row.source_name, type: row.source_type, createdBy: row.source_created_by, createdAt: row.source_created_at },
    groupKey: row.group_key,
    state: row.state,
    title: row.title,
    severity: row.severity as AlertSeverity | null,
    suggestedComponents: JSON.parse(row.suggested_components) as string[],
    commonLabels: JSON.parse(row.common_labels) as Labels,
    differingLabels: JSON.parse(row.differing_labels) as Record<string, string[]>,
    counts: { alerts: Number(row.alerts), firing: Number(row.firing), resolved: Number(row.resolved), received: Number(row.received) },
    truncatedAlerts: Number(row.truncated_alerts),
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    openedAt: row.opened_at,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at,
    secondsToAcknowledge: row.seconds_to_acknowledge === null ? null : Number(row.seconds_to_acknowledge),
    incident: row.incident === null ? null : Number(row.incident),
    dismissedReason: row.dismissed_reason,
    dismissedBy: row.dismissed_by,
    dismissedAt: row.dismissed_at,
  };
}

function toAlert(row: AlertRow): StoredAlert {
  return {
    id: Number(row.id),
    groupId: Number(row.group_id),
    fingerprint: row.fingerprint,
    status: row.status,
    severity: row.severity as AlertSeverity | null,
    summary: row.summary,
    labels: JSON.parse(row.labels) as Labels,
    annotations: JSON.parse(row.annotations) as Labels,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    generatorUrl: row.generator_url,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    received: Number(row.received),
    seenIn: Number(row.seen_in),
  };
}

function alertContent(alert: Alert) {
  return {
    status: alert.status,
    severity: alert.severity,
    summary: alert.summary,
    labels: JSON.stringify(alert.labels),
    annotations: JSON.stringify(alert.annotations),
    starts_at: alert.startsAt,
    ends_at: alert.endsAt,
    generator_url: alert.generatorUrl,
  };
}

export class AlertStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  async insertSource(source: AlertSource, keyHash: string): Promise<void> {
    try {
      await this.db
        .insertInto('alert_sources')
        .values({ id: source.id, name: source.name, type: source.type, key_hash: keyHash, created_by: source.createdBy, created_at: source.createdAt })
        .execute();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new DomainError('ALERT_SOURCE_EXISTS', `There is already an alert source named "${source.name}".`, { field: 'name' });
      throw error;
    }
  }

  async listSources(): Promise<AlertSource[]> {
    const rows = await this.db.selectFrom('alert_sources').select(['id', 'name', 'type', 'created_by', 'created_at']).orderBy('name').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, type: r.type, createdBy: r.created_by, createdAt: r.created_at }));
  }

  async sourceByKeyHash(hash: string): Promise<AlertSource | null> {
    const r = await this.db.selectFrom('alert_sources').select(['id', 'name', 'type', 'created_by', 'created_at']).where('key_hash', '=', hash).executeTakeFirst();
    return r ? { id: r.id, name: r.name, type: r.type, createdBy: r.created_by, createdAt: r.created_at } : null;
  }

  async sourceById(id: string): Promise<AlertSource | null> {
    const r = await this.db.selectFrom('alert_sources').select(['id', 'name', 'type', 'created_by', 'created_at']).where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, name: r.name, type: r.type, createdBy: r.created_by, createdAt: r.created_at } : null;
  }

  // The inbox.

  /**
   * Stores deliveries in one statement (one round trip however many arrived together);
   * their ids, in the order given.
   */
  async addToInbox(deliveries: readonly NewDelivery[]): Promise<number[]> {
    if (deliveries.length === 0) return [];
    const rows = await this.db
      .insertInto('alert_inbox')
      .values(deliveries.map((d) => ({ source: d.source, body: d.body, received_at: d.receivedAt, digest: d.digest })))
      .returning('id')
      .execute();
    // Ids come from one sequence, drawn row by row in the order the rows were given.
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  async inboxItem(id: number): Promise<InboxItem | null> {
    // Gzip's magic bytes, looked at where the body is: reading 400 kB to see two would defeat the purpose.
    const gzipped =
      this.dialect === 'postgres' ? sql<boolean | number>`substring(body from 1 for 2) = decode('1f8b', 'hex')` : sql<boolean | number>`substr(body, 1, 2) = x'1f8b'`;
    const r = await this.db
      .selectFrom('alert_inbox')
      .select(['id', 'source', 'received_at', 'progress', 'digest', gzipped.as('gzipped')])
      .where('id', '=', id)
      .executeTakeFirst();
    return r
      ? { id: Number(r.id), source: r.source, gzipped: Boolean(r.gzipped), receivedAt: r.received_at, progress: Number(r.progress), digest: r.digest }
      : null;
  }

  /** The delivery's body as stored (gzipped when large); null once it is gone. */
  async inboxBody(id: number): Promise<Buffer | null> {
    const r = await this.db.selectFrom('alert_inbox').select('body').where('id', '=', id).executeTakeFirst();
    return r ? r.body : null;
  }

  /**
   * The delivery's progress, locked for this transaction; null when it is gone (processed)
   * or, on PostgreSQL, another instance is working on it right now.
   */
  async claimInbox(id: number): Promise<number | null> {
    let query = this.db.selectFrom('alert_inbox').select('progress').where('id', '=', id);
    if (this.dialect === 'postgres') query = query.forUpdate().skipLocked();
    const row = await query.executeTakeFirst();
    return row ? Number(row.progress) : null;
  }

  async setInboxProgress(id: number, progress: number): Promise<void> {
    await this.db.updateTable('alert_inbox').set({ progress }).where('id', '=', id).execute();
  }

  async removeFromInbox(id: number): Promise<void> {
    await this.db.deleteFrom('alert_inbox').where('id', '=', id).execute();
  }

  async inboxFailed(id: number, error: string): Promise<void> {
    await this.db
      .updateTable('alert_inbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 2000) }))
      .where('id', '=', id)
      .execute();
  }

  /** Deliveries waiting, oldest first, after `after`, skipping those that failed `maxAttempts` times. */
  async pendingInbox(after: number, maxAttempts: number, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('alert_inbox')
      .select('id')
      .where('id', '>', after)
      .where('attempts', '<', maxAttempts)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => Number(r.id));
  }

  // Groups.

  private groups() {
    return this.db
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

  /** With `lock`, other writers to this group (another instance's intake, an ack) wait for this transaction. */
  async getGroup(id: number, lock = false): Promise<AlertGroup | null> {
    let query = this.groups().where('alert_groups.id', '=', id);
    if (lock && this.dialect === 'postgres') query = query.forUpdate('alert_groups');
    const row = await query.executeTakeFirst();
    return row ? toGroup(row as GroupRow) : null;
  }

  /** The group for this key, created open on first sight, locked for the transaction. */
  async ensureGroup(source: string, groupKey: string, now: string): Promise<AlertGroup> {
    const existing = await this.db.selectFrom('alert_groups').select('id').where('source', '=', source).where('group_key', '=', groupKey).executeTakeFirst();
    if (existing) return (await this.getGroup(Number(existing.id), true))!;
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
    return (await this.getGroup(Number(row.id), true))!;
  }

  async listGroups(state: GroupState, limit = 500): Promise<AlertGroup[]> {
    const rows = await this.groups().where('alert_groups.state', '=', state).orderBy('alert_groups.last_seen_at', 'desc').orderBy('alert_groups.id', 'desc').limit(limit).execute();
    return rows.map((r) => toGroup(r as GroupRow));
  }

  async changeGroup(id: number, change: GroupChange): Promise<void> {
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
    if (Object.keys(columns).length > 0) await this.db.updateTable('alert_groups').set(columns).where('id', '=', id).execute();
  }

  /** After a delivery: the recomputed assessment, one more delivery received, and when. */
  async assessGroup(id: number, assessment: GroupAssessment, seenAt: string, truncatedAlerts: number | null): Promise<void> {
    await this.db
      .updateTable('alert_groups')
      .set((eb) => ({
        title: assessment.title,
        severity: assessment.severity,
        suggested_components: JSON.stringify(assessment.suggestedComponents),
        common_labels: JSON.stringify(assessment.commonLabels),
        differing_labels: JSON.stringify(assessment.differingLabels),
        alerts: assessment.counts.alerts,
        firing: assessment.counts.firing,
        resolved: assessment.counts.resolved,
        received: eb('received', '+', 1),
        last_seen_at: sql<string>`case when last_seen_at < ${seenAt} then ${seenAt} else last_seen_at end`,
        ...(truncatedAlerts === null ? {} : { truncated_alerts: truncatedAlerts }),
      }))
      .where('id', '=', id)
      .execute();
  }

  /** The group whose newest applied delivery had this digest, locked for the transaction. */
  async snapshotByDigest(source: string, digest: string): Promise<Snapshot | null> {
    let query = this.db
      .selectFrom('alert_groups')
      .select(['id', 'snapshot_delivery', 'snapshot_alerts', 'snapshot_truncated', 'snapshot_repeated_in'])
      .where('source', '=', source)
      .where('snapshot_digest', '=', digest);
    // Locked as it is read: a snapshot moved on meanwhile no longer matches.
    if (this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (!row || row.snapshot_delivery === null || row.snapshot_alerts === null) return null;
    const group = await this.getGroup(Number(row.id), true);
    return (
      group && {
        group,
        delivery: Number(row.snapshot_delivery),
        alerts: Number(row.snapshot_alerts),
        truncatedAlerts: Number(row.snapshot_truncated ?? 0),
        repeatedIn: row.snapshot_repeated_in === null ? null : Number(row.snapshot_repeated_in),
      }
    );
  }

  /**
   * `delivery` was applied to the group in full; it stands as the group's snapshot unless a
   * newer delivery was applied before it. Repeats still pending must have been written out
   * first (settleRepeats, in the same transaction): they belong to the alerts of the
   * snapshot they repeated, and while any are, the snapshot stays.
   */
  async recordSnapshot(groupId: number, delivery: { id: number; digest: string | null }, alerts: number, truncatedAlerts: number): Promise<void> {
    await this.db
      .updateTable('alert_groups')
      .set({ snapshot_delivery: delivery.id, snapshot_digest: delivery.digest, snapshot_alerts: alerts, snapshot_truncated: truncatedAlerts })
      .where('id', '=', groupId)
      .where('snapshot_repeats', '=', 0)
      .where((eb) => eb.or([eb('snapshot_delivery', 'is', null), eb('snapshot_delivery', '<', delivery.id)]))
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

  private async pendingRepeats(groupId: number): Promise<PendingRepeats | null> {
    const row = await this.db
      .selectFrom('alert_groups')
      .select(['snapshot_delivery', 'snapshot_repeats', 'snapshot_repeated_in', 'snapshot_repeated_at'])
      .where('id', '=', groupId)
      .executeTakeFirst();
    if (!row || Number(row.snapshot_repeats) === 0 || row.snapshot_delivery === null || row.snapshot_repeated_in === null || row.snapshot_repeated_at === null)
      return null;
    return { delivery: Number(row.snapshot_delivery), times: Number(row.snapshot_repeats), lastIn: Number(row.snapshot_repeated_in), lastAt: row.snapshot_repeated_at };
  }

  /**
   * Writes the pending repeats of the group's snapshot to its alerts, as touchAlerts would
   * have one by one; the last repeat becomes the snapshot. Called (under the group's lock)
   * before a delivery changes the group's alerts.
   */
  async settleRepeats(groupId: number): Promise<void> {
    const pending = await this.pendingRepeats(groupId);
    if (!pending) return;
    await this.db
      .updateTable('alerts')
      .set((eb) => ({ last_seen_at: pending.lastAt, received: eb('received', '+', pending.times), seen_in: pending.lastIn }))
      .where('group_id', '=', groupId)
      .where('seen_in', '=', pending.delivery)
      .execute();
    await this.db
      .updateTable('alert_groups')
      .set({ snapshot_delivery: pending.lastIn, snapshot_repeats: 0, snapshot_repeated_in: null, snapshot_repeated_at: null })
      .where('id', '=', groupId)
      .execute();
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

  /** A delivery that changed none of the group's alerts: one more received, and when. */
  async seenAgain(id: number, seenAt: string, truncatedAlerts: number): Promise<void> {
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

  // Alerts.

  async knownAlerts(groupId: number, fingerprints: string[]): Promise<Map<string, KnownAlert>> {
    const known = new Map<string, KnownAlert>();
    for (const part of chunks(fingerprints)) {
      const rows = await this.db
        .selectFrom('alerts')
        .select(['fingerprint', 'status', 'seen_in'])
        .where('group_id', '=', groupId)
        .where('fingerprint', 'in', part)
        .execute();
      for (const r of rows) known.set(r.fingerprint, { status: r.status, seenIn: Number(r.seen_in) });
    }
    return known;
  }

  /** An Events v2 alert by its dedup key, in whichever group it first landed. */
  async alertByFingerprint(source: string, fingerprint: string): Promise<StoredAlert | null> {
    const row = await this.db.selectFrom('alerts').selectAll().where('source', '=', source).where('fingerprint', '=', fingerprint).orderBy('id').executeTakeFirst();
    return row ? toAlert(row as AlertRow) : null;
  }

  async insertAlerts(groupId: number, source: string, alerts: Alert[], delivery: number, seenAt: string): Promise<void> {
    for (const part of chunks(alerts, 200)) {
      await this.db
        .insertInto('alerts')
        .values(
          part.map((a) => ({
            group_id: groupId,
            source,
            fingerprint: a.fingerprint,
            ...alertContent(a),
            first_seen_at: seenAt,
            last_seen_at: seenAt,
            received: 1,
            seen_in: delivery,
            changed_in: delivery,
          })),
        )
        .execute();
    }
  }

  async changeAlert(groupId: number, alert: Alert, delivery: number, seenAt: string): Promise<void> {
    await this.db
      .updateTable('alerts')
      .set((eb) => ({ ...alertContent(alert), last_seen_at: seenAt, received: eb('received', '+', 1), seen_in: delivery, changed_in: delivery }))
      .where('group_id', '=', groupId)
      .where('fingerprint', '=', alert.fingerprint)
      .execute();
  }

  /** Repeats: seen once more, nothing else changes. */
  async touchAlerts(groupId: number, fingerprints: string[], delivery: number, seenAt: string): Promise<void> {
    for (const part of chunks(fingerprints)) {
      await this.db
        .updateTable('alerts')
        .set((eb) => ({ last_seen_at: seenAt, received: eb('received', '+', 1), seen_in: delivery }))
        .where('group_id', '=', groupId)
        .where('fingerprint', 'in', part)
        .execute();
    }
  }

  /** What assessing a group needs of each of its alerts. */
  async alertFacts(groupId: number): Promise<AlertFacts[]> {
    const rows = await this.db.selectFrom('alerts').select(['status', 'severity', 'summary', 'labels']).where('group_id', '=', groupId).execute();
    return rows.map((r) => ({ status: r.status, severity: r.severity as AlertSeverity | null, summary: r.summary, labels: JSON.parse(r.labels) as Labels }));
  }

  /** The group's alerts, firing first, then by when they started; with the repeats of its snapshot not yet written to them. */
  async alertsOf(groupId: number, limit?: number): Promise<StoredAlert[]> {
    const pending = await this.pendingRepeats(groupId);
    let query = this.db
      .selectFrom('alerts')
      .selectAll()
      .where('group_id', '=', groupId)
      .orderBy(sql`case when status = 'firing' then 0 else 1 end`)
      .orderBy('starts_at')
      .orderBy('id');
    if (limit !== undefined) query = query.limit(limit);
    return (await query.execute()).map((r) => {
      const alert = toAlert(r as AlertRow);
      return pending && alert.seenIn === pending.delivery
        ? { ...alert, received: alert.received + pending.times, lastSeenAt: pending.lastAt, seenIn: pending.lastIn }
        : alert;
    });
  }

  /** The alerts whose status one delivery changed (or that it brought), and how many there are. */
  async changedBy(groupId: number, delivery: number, limit: number): Promise<{ alerts: StoredAlert[]; total: number; firing: number }> {
    const counts = await this.db
      .selectFrom('alerts')
      .select((eb) => [eb.fn.countAll<string | number>().as('total'), eb.fn.sum<string | number | null>(sql`case when status = 'firing' then 1 else 0 end`).as('firing')])
      .where('group_id', '=', groupId)
      .where('changed_in', '=', delivery)
      .executeTakeFirstOrThrow();
    const rows = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('group_id', '=', groupId)
      .where('changed_in', '=', delivery)
      .orderBy('starts_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return { alerts: rows.map((r) => toAlert(r as AlertRow)), total: Number(counts.total), firing: Number(counts.firing ?? 0) };
  }
}
