/**
 * A batch of small Alertmanager deliveries in one transaction, group by group: each
 * touched group is read once with its alerts, all its deliveries decided in memory
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
  // In inbox order, as one by one: a new group's id is the same either way.
  for (const group of byGroup.values()) {
    const { source, batch, receivedAt } = group[0]!;
    const stored = await tx.alertGroups.ensure(source.id, batch.groupKey, receivedAt);
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
    const wrote = outcome.alerts.length > 0;
    await tx.alerts.writeBatch(stored.id, source.id, outcome.alerts);
    copies.push({ group: stored.id, revision: wrote ? revision + 1 : revision, alerts: outcome.held });
    const last = group[group.length - 1]!;
    await tx.alertGroups.applyBatch(stored.id, outcome.group, wrote, {
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
