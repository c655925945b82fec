/**
 * A batch of small Alertmanager deliveries in one transaction, group by group: the
 * touched groups that exist (and no incident owns) locked and read in one statement, each
 * with its alerts (or the copy HeldAlerts kept of them), all its deliveries decided in memory
 * (src/domain/alerts/batch.ts: the same outcome as one by one, in inbox order), and
 * written back set-based. A group an incident owns takes its deliveries one by one
 * (applyDelivery), since each may put entries on that incident's timeline.
 */
import type { Repository } from '../../store/repository.js';
import type { Config } from '../../config/load.js';
import type { AlertSource } from '../../domain/alerts/source.js';
import type { AlertBatch } from '../../domain/alerts/alertmanager.js';
import { applyToGroup } from '../../domain/alerts/batch.js';
import { applyDelivery, snapshotDigest, type AssessedGroups } from './deliveries.js';
import type { HeldAlerts, HeldCopy } from './held.js';
import type { EnsuredGroup } from '../../store/alerts/groups.js';

/** A small, unstarted Alertmanager delivery, read and normalized. */
export interface Small {
  id: number;
  source: AlertSource;
  receivedAt: string;
  digest: string | null;
  body: unknown;
  batch: AlertBatch;
}

/** What a batch leaves for after its commit: the groups whose assessment it wrote (for AssessedGroups), and their alerts as written (for HeldAlerts). */
export interface BatchResult {
  written: number[];
  held: HeldCopy[];
}

/**
 * Applies the deliveries not started and not being applied elsewhere, and removes them
 * from the inbox; `held` has the alerts of groups as earlier batches left them.
 */
export async function applyBatch(
  tx: Repository,
  config: Config,
  now: string,
  deliveries: Small[],
  { assessed, held }: { assessed: AssessedGroups; held: HeldAlerts },
): Promise<BatchResult> {
  // Gone (applied) or being applied elsewhere: not ours.
  const ours = await tx.alertInbox.claimUnstarted(deliveries.map((d) => d.id));
  const byGroup = new Map<string, Small[]>();
  for (const d of deliveries) {
    if (!ours.has(d.id) || d.batch.alerts.length === 0) continue;
    const key = `${d.source.id}\u0000${d.batch.groupKey}`;
    const group = byGroup.get(key);
    if (group) group.push(d);
    else byGroup.set(key, [d]);
  }
  const written: number[] = [];
  const copies: HeldCopy[] = [];
  const existing = new Map<string, EnsuredGroup>();
  for (const g of await tx.alertGroups.lockExisting([...byGroup.values()].map(([d]) => ({ source: d!.source.id, groupKey: d!.batch.groupKey }))))
    existing.set(`${g.source.id}\u0000${g.groupKey}`, g);
  // In inbox order, as one by one: a new group's id is the same either way.
  for (const [key, group] of byGroup) {
    const { source, batch, receivedAt } = group[0]!;
    const stored = existing.get(key) ?? (await tx.alertGroups.ensure(source.id, batch.groupKey, receivedAt));
    if (stored.incident !== null) {
      for (const d of group)
        written.push(
          await applyDelivery(
            { tx, config, now, source: d.source, delivery: { id: d.id, receivedAt: d.receivedAt, digest: snapshotDigest(d.digest, d.batch) } },
            d.batch.groupKey,
            d.batch.alerts,
            d.batch.truncatedAlerts,
            assessed,
          ),
        );
      continue;
    }
    // Settling the snapshot's repeats writes the alerts: one more revision.
    const revision = stored.alertsRevision + ((await tx.alertSnapshots.settleRepeats(stored.id, stored.pendingRepeats)) ? 1 : 0);
    const outcome = applyToGroup(
      stored,
      held.get(stored.id, revision) ?? (await tx.alerts.held(stored.id)),
      group.map((d) => ({ id: d.id, receivedAt: d.receivedAt, alerts: d.batch.alerts, truncatedAlerts: d.batch.truncatedAlerts })),
      assessed.has(stored.id),
      config.components,
    );
    const alertWrites = tx.alerts.batchWrites(stored.id, source.id, outcome.alerts);
    copies.push({ group: stored.id, revision: outcome.alerts.length > 0 ? revision + 1 : revision, alerts: outcome.held });
    const last = group[group.length - 1]!;
    await tx.alertGroups.applyBatch(stored.id, outcome.group, alertWrites, {
      delivery: last.id,
      digest: snapshotDigest(last.digest, last.batch),
      alerts: last.batch.alerts.length,
      truncatedAlerts: last.batch.truncatedAlerts,
    });
    written.push(stored.id);
  }
  await tx.alertInbox.removeMany([...ours]);
  return { written, held: copies };
}
