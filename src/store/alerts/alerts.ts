/** Alerts, one row per fingerprint in its group. */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../schema.js';
import type { Dialect } from '../migrations/index.js';
import type { Alert, AlertSeverity, Labels, StoredAlert } from '../../domain/alerts/alert.js';
import type { KnownAlert } from '../../domain/alerts/dedup.js';
import type { AlertFacts } from '../../domain/alerts/assess.js';
import { AlertSnapshotStore } from './snapshots.js';
import type { AlertWrite, HeldAlert } from '../../domain/alerts/batch.js';
import { alertContent, chunks, toAlert, type AlertRow, type AlertWrites } from './rows.js';
import { column, keyset, pageOf, type Page, type PageRequest } from '../keyset.js';

/** Firing first, then by when they started (the index alerts_group_page follows it). */
const FIRING_FIRST = sql<number>`case when status = 'firing' then 0 else 1 end`;
const ALERT_ORDER = [{ expr: FIRING_FIRST }, column('starts_at'), column('id')];

export class AlertStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

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
    await this.wrote(groupId);
  }

  async changeAlert(groupId: number, alert: Alert, delivery: number, seenAt: string): Promise<void> {
    await this.db
      .updateTable('alerts')
      .set((eb) => ({ ...alertContent(alert), last_seen_at: seenAt, received: eb('received', '+', 1), seen_in: delivery, changed_in: delivery }))
      .where('group_id', '=', groupId)
      .where('fingerprint', '=', alert.fingerprint)
      .execute();
    await this.wrote(groupId);
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
    if (fingerprints.length > 0) await this.wrote(groupId);
  }

  /** Every write to a group's alerts counts, so that a copy of them kept in memory (HeldAlerts) knows when it is stale. */
  private async wrote(groupId: number): Promise<void> {
    await this.db
      .updateTable('alert_groups')
      .set((eb) => ({ alerts_revision: eb('alerts_revision', '+', 1) }))
      .where('id', '=', groupId)
      .execute();
  }

  /** The group's alerts as a batch of deliveries needs them (src/domain/alerts/batch.ts), in the order they were stored. */
  async held(groupId: number): Promise<HeldAlert[]> {
    const rows = await this.db
      .selectFrom('alerts')
      .select(['fingerprint', 'status', 'seen_in', 'severity', 'summary', 'labels'])
      .where('group_id', '=', groupId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      fingerprint: r.fingerprint,
      status: r.status,
      seenIn: Number(r.seen_in),
      severity: r.severity as AlertSeverity | null,
      summary: r.summary,
      labels: JSON.parse(r.labels) as Labels,
    }));
  }

  /**
   * A batch's alerts written back, set-based: the new ones in multi-row inserts, each known
   * one updated once, many to a statement, whatever the number of deliveries that saw it.
   * Returned, not run: AlertGroupStore.applyBatch runs them with the group's own write, on
   * PostgreSQL in its statement as far as it can take them (each is a round trip under a
   * storm's load). The group's revision is left to it too.
   */
  batchWrites(groupId: number, source: string, writes: AlertWrite[]): AlertWrites {
    const inserts: RawBuilder<unknown>[] = [];
    const updates: RawBuilder<unknown>[] = [];
    const fresh = writes.filter((w) => w.isNew);
    const changed = writes.filter((w) => !w.isNew && w.content !== null);
    const seen = writes.filter((w) => w.content === null);
    for (const part of chunks(fresh, 200)) {
      const insert = this.db.insertInto('alerts').values(
        part.map((w) => ({
          group_id: groupId,
          source,
          fingerprint: w.fingerprint,
          ...alertContent(w.content!),
          first_seen_at: w.firstSeenAt,
          last_seen_at: w.lastSeenAt,
          received: w.received,
          seen_in: w.seenIn,
          changed_in: w.changedIn!,
        })),
      );
      inserts.push(sql`${insert}`);
    }
    for (const part of chunks(changed, 200)) {
      const rows = part.map((w) => {
        const c = alertContent(w.content!);
        return sql`(${w.fingerprint}, ${c.status}, ${c.severity}, ${c.summary}, ${c.labels}, ${c.annotations}, ${c.starts_at}, ${c.ends_at}, ${c.generator_url}, ${w.lastSeenAt}, cast(${w.received} as bigint), cast(${w.seenIn} as bigint), cast(${w.changedIn} as bigint))`;
      });
      updates.push(sql`with v(fingerprint, status, severity, summary, labels, annotations, starts_at, ends_at, generator_url, last_seen_at, received, seen_in, changed_in) as (values ${sql.join(rows)})
        update alerts set status = v.status, severity = v.severity, summary = v.summary, labels = v.labels, annotations = v.annotations,
          starts_at = v.starts_at, ends_at = v.ends_at, generator_url = v.generator_url, last_seen_at = v.last_seen_at,
          received = alerts.received + v.received, seen_in = v.seen_in, changed_in = v.changed_in
        from v where alerts.group_id = ${groupId} and alerts.fingerprint = v.fingerprint`);
    }
    for (const part of chunks(seen)) {
      const rows = part.map((w) => sql`(${w.fingerprint}, ${w.lastSeenAt}, cast(${w.received} as bigint), cast(${w.seenIn} as bigint))`);
      updates.push(sql`with v(fingerprint, last_seen_at, received, seen_in) as (values ${sql.join(rows)})
        update alerts set last_seen_at = v.last_seen_at, received = alerts.received + v.received, seen_in = v.seen_in
        from v where alerts.group_id = ${groupId} and alerts.fingerprint = v.fingerprint`);
    }
    return { inserts, updates };
  }

  /** What assessing a group needs of each of its alerts. */
  async alertFacts(groupId: number): Promise<AlertFacts[]> {
    const rows = await this.db.selectFrom('alerts').select(['status', 'severity', 'summary', 'labels']).where('group_id', '=', groupId).execute();
    return rows.map((r) => ({ status: r.status, severity: r.severity as AlertSeverity | null, summary: r.summary, labels: JSON.parse(r.labels) as Labels }));
  }

  /** The group's alerts, firing first, then by when they started; with the repeats of its snapshot not yet written to them. */
  async alertsOf(groupId: number, request: PageRequest): Promise<Page<StoredAlert>> {
    const pending = await new AlertSnapshotStore(this.db, this.dialect).pendingRepeats(groupId);
    const rows = await keyset(this.db.selectFrom('alerts').selectAll().where('group_id', '=', groupId), ALERT_ORDER, request).execute();
    const alerts = rows.map((r) => {
      const alert = toAlert(r as AlertRow);
      return pending && alert.seenIn === pending.delivery
        ? { ...alert, received: alert.received + pending.times, lastSeenAt: pending.lastAt, seenIn: pending.lastIn }
        : alert;
    });
    return pageOf(alerts, request, (a) => [a.status === 'firing' ? 0 : 1, a.startsAt, a.id]);
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
