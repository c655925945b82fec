/** Row shapes and conversions the alert stores share. */
import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../schema.js';
import type { Alert, AlertSeverity, Labels, StoredAlert } from '../../domain/alerts/alert.js';
import type { AlertGroup } from '../../domain/alerts/group.js';
import type { SourceType } from '../../domain/alerts/source.js';

export type GroupRow = Database['alert_groups'] & { id: number; source_name: string; source_type: SourceType; source_created_by: string; source_created_at: string };
export type AlertRow = Database['alerts'] & { id: number };

/** Enough for both databases' bound-parameter limits, with ~15 columns a row. */
const CHUNK = 500;

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Repeats of a group's snapshot not yet written to its alerts: each alert last seen in `delivery` is seen `times` more. */
export interface PendingRepeats {
  delivery: number;
  times: number;
  lastIn: number;
  lastAt: string;
}

type SnapshotColumns = Pick<Database['alert_groups'], 'snapshot_delivery' | 'snapshot_repeats' | 'snapshot_repeated_in' | 'snapshot_repeated_at'>;

export function pendingRepeatsOf(row: SnapshotColumns): PendingRepeats | null {
  if (Number(row.snapshot_repeats) === 0 || row.snapshot_delivery === null || row.snapshot_repeated_in === null || row.snapshot_repeated_at === null) return null;
  return { delivery: Number(row.snapshot_delivery), times: Number(row.snapshot_repeats), lastIn: Number(row.snapshot_repeated_in), lastAt: row.snapshot_repeated_at };
}

/**
 * When `delivery`, applied to a group in full, may stand as its snapshot: no newer one was
 * applied before it, and no repeats are pending (they belong to the alerts of the snapshot
 * they repeated; settleRepeats writes them out first, in the same transaction).
 */
export function snapshotStands(delivery: number) {
  return sql<boolean>`snapshot_repeats = 0 and (snapshot_delivery is null or snapshot_delivery < ${delivery})`;
}

export function toGroup(row: GroupRow): AlertGroup {
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

export function toAlert(row: AlertRow): StoredAlert {
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

/** An alert's columns that a delivery may change. */
export function alertContent(alert: Alert) {
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

/** A batch's writes of a group's alerts, to run in this order: ids are given as rows are inserted, and they are the order alerts were stored in. */
export interface AlertWrites {
  inserts: RawBuilder<unknown>[];
  updates: RawBuilder<unknown>[];
}
