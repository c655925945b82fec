/**
 * The rules of applying a stored delivery to alerts and their group, one delivery (or one
 * step of a large one) at a time, inside the caller's transaction; AlertIntake
 * (./intake.ts) decides which and when. Deduplicates, reassesses the group, moves its
 * state, and puts what changed onto the timeline of an open incident that owns the group
 * instead of paging.
 */
import type { Config } from '../../config/load.js';
import type { Repository } from '../../store/repository.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../domain/model/time.js';
import type { AlertGroup } from '../../domain/alerts/group.js';
import type { AlertSource } from '../../domain/alerts/source.js';
import type { Alert } from '../../domain/alerts/alert.js';
import type { ValidEvent } from '../../domain/alerts/events.js';
import type { AlertBatch } from '../../domain/alerts/alertmanager.js';
import { dedupe } from '../../domain/alerts/dedup.js';
import { assessGroup } from '../../domain/alerts/assess.js';
import { acknowledgement, afterIntake } from '../../domain/alerts/group.js';
import { MAX_ALERT_ENTRIES } from '../../domain/alerts/observe.js';
import { observeAlerts, sourceActor } from '../alert-group.js';

/** What intake runs on. */
export interface IntakeDeps {
  store: Store;
  config: Config;
  clock: Clock;
}

const MAX_ASSESSED = 100_000;

/**
 * The groups whose stored assessment this process wrote, once committed: a delivery
 * without news for one of them need not reassess it (see applyDelivery). Bounded: past
 * MAX_ASSESSED groups, new ones are assessed in full every time.
 */
export class AssessedGroups {
  private readonly groups = new Set<number>();

  has(group: number): boolean {
    return this.groups.has(group);
  }

  add(group: number): void {
    if (this.groups.size < MAX_ASSESSED) this.groups.add(group);
  }
}

export interface IntakeContext {
  tx: Repository;
  config: Config;
  now: string;
  source: AlertSource;
  /** The inbox row: its id orders deliveries, its time is when the alerts were seen, its digest tells a repeated snapshot. */
  delivery: { id: number; receivedAt: string; digest: string | null };
}

/** Adds or updates some alerts of a delivery in their group (one step of a large body). */
export async function applyAlerts(ctx: IntakeContext, groupKey: string, alerts: Alert[]): Promise<{ group: number; news: number }> {
  const group = await ctx.tx.alertGroups.ensure(ctx.source.id, groupKey, ctx.delivery.receivedAt);
  return { group: group.id, news: await merge(ctx, group.id, alerts) };
}

/**
 * After every step of a delivery (of `alerts` alerts): the group reassessed, its state
 * moved, the incident told. `noNews`: every step of it was applied by this process and
 * none changed an alert of a group whose assessment is current (see applyDelivery), so
 * only the counts move.
 */
export async function settleAlerts(ctx: IntakeContext, groupKey: string, alerts: number, truncatedAlerts: number, noNews = false): Promise<void> {
  const group = await ctx.tx.alertGroups.ensure(ctx.source.id, groupKey, ctx.delivery.receivedAt);
  if (noNews) await seenAgain(ctx, group, truncatedAlerts);
  else await settle(ctx, group.id, truncatedAlerts);
  // Steps ran in transactions of their own: a repeat may have been counted since the last.
  await ctx.tx.alertSnapshots.settleRepeats(group.id);
  await ctx.tx.alertSnapshots.record(group.id, ctx.delivery, alerts, truncatedAlerts);
}

/**
 * The digest a delivery leaves as its group's snapshot (see repeatSnapshot): none when the
 * same bytes later could mean something else, an alert's status read from the clock.
 */
export function snapshotDigest(digest: string | null, batch: Pick<AlertBatch, 'byClock'>): string | null {
  return batch.byClock ? null : digest;
}

/**
 * The delivery is, byte for byte, the snapshot last applied to its group (Alertmanager
 * re-sending it on group_interval): every alert of it is a repeat, so it is applied as
 * one — each alert seen once more, the group's counts moved — without its body being
 * read and without its alerts being rewritten (see AlertSnapshotStore.addRepeat); only counted.
 * Only while the group stands as that snapshot left it: nothing newer applied, every
 * alert of it still last seen there, and its assessment written by this process
 * (`assessed`, as for applyDelivery; so not the first repeat after a start). Answers
 * false, having changed nothing, otherwise.
 */
export async function repeatSnapshot(ctx: IntakeContext, assessed: Pick<AssessedGroups, 'has'>): Promise<boolean> {
  const { id, receivedAt, digest } = ctx.delivery;
  if (digest === null) return false;
  const snapshot = await ctx.tx.alertSnapshots.byDigest(ctx.source.id, digest);
  if (!snapshot || (snapshot.repeatedIn ?? snapshot.delivery) >= id || !assessed.has(snapshot.group.id)) return false;
  if ((await ctx.tx.alertSnapshots.countSeenIn(snapshot.group.id, snapshot.delivery)) !== snapshot.alerts) return false;
  await ctx.tx.alertSnapshots.addRepeat(snapshot.group.id, id, receivedAt);
  await seenAgain(ctx, snapshot.group, snapshot.truncatedAlerts);
  return true;
}

/**
 * A whole delivery in this one transaction (a small Alertmanager snapshot). One that
 * brings no news — every alert a repeat, as most of Alertmanager's re-sent snapshots
 * are — leaves the group's assessment and state as they were: only its received count
 * and last seen move, and the group is not read and assessed again. `assessed` holds the
 * groups whose stored assessment this process has written (the first delivery for a
 * group after a start is always assessed in full). Answers the group's id.
 */
export async function applyDelivery(ctx: IntakeContext, groupKey: string, alerts: Alert[], truncatedAlerts: number, assessed: Pick<AssessedGroups, 'has'>): Promise<number> {
  const group = await ctx.tx.alertGroups.ensure(ctx.source.id, groupKey, ctx.delivery.receivedAt);
  const news = await merge(ctx, group.id, alerts);
  if (news > 0 || !assessed.has(group.id)) await settle(ctx, group.id, truncatedAlerts);
  else await seenAgain(ctx, group, truncatedAlerts);
  await ctx.tx.alertSnapshots.record(group.id, ctx.delivery, alerts.length, truncatedAlerts);
  return group.id;
}

/**
 * A delivery without news: the group's assessment stands; one more received, and its state
 * as it follows from its counts.
 */
async function seenAgain(ctx: IntakeContext, group: AlertGroup, truncatedAlerts: number): Promise<void> {
  await ctx.tx.alertGroups.seenAgain(group.id, ctx.delivery.receivedAt, truncatedAlerts);
  const incident = group.incident === null ? null : await ctx.tx.incidents.load(group.incident, true);
  const change = afterIntake(group, { firing: group.counts.firing, newlyFiring: 0, incidentOpen: incident?.phase === 'active', now: ctx.delivery.receivedAt });
  await ctx.tx.alertGroups.change(group.id, change);
}

export async function ingestEvent(ctx: IntakeContext, event: ValidEvent): Promise<void> {
  const known = await ctx.tx.alerts.alertByFingerprint(ctx.source.id, event.dedupKey);
  switch (event.action) {
    case 'trigger': {
      // A dedup key stays in the group it first landed in, whatever the event now says.
      const group = known ? known.groupId : (await ctx.tx.alertGroups.ensure(ctx.source.id, event.groupKey!, ctx.delivery.receivedAt)).id;
      await merge(ctx, group, [event.alert!]);
      return settle(ctx, group, null);
    }
    case 'resolve':
      // PagerDuty drops a resolve for a key it never saw; so do we.
      if (!known) return;
      await merge(ctx, known.groupId, [{ ...known, status: 'resolved', endsAt: ctx.delivery.receivedAt }]);
      return settle(ctx, known.groupId, null);
    case 'acknowledge': {
      const group = known && (await ctx.tx.alertGroups.get(known.groupId, true));
      if (group && group.state === 'open')
        await ctx.tx.alertGroups.change(group.id, { state: 'acknowledged', ...acknowledgement(group, sourceActor(ctx.source).handle, ctx.delivery.receivedAt) });
      return;
    }
  }
}

/** Applies the alerts; answers how many of them are news (new, or changed status). */
async function merge(ctx: IntakeContext, groupId: number, alerts: Alert[]): Promise<number> {
  const { id, receivedAt } = ctx.delivery;
  await ctx.tx.alertSnapshots.settleRepeats(groupId);
  const known = await ctx.tx.alerts.knownAlerts(groupId, alerts.map((a) => a.fingerprint));
  const fresh: Alert[] = [];
  const repeats: string[] = [];
  let stale = 0;
  for (const outcome of dedupe(alerts, known, id)) {
    if (outcome.kind === 'new') fresh.push(outcome.alert);
    else if (outcome.kind === 'changed') await ctx.tx.alerts.changeAlert(groupId, outcome.alert, id, receivedAt);
    else if (outcome.kind === 'repeat') repeats.push(outcome.alert.fingerprint);
    else stale++;
  }
  await ctx.tx.alerts.insertAlerts(groupId, ctx.source.id, fresh, id, receivedAt);
  await ctx.tx.alerts.touchAlerts(groupId, repeats, id, receivedAt);
  return alerts.length - repeats.length - stale;
}

async function settle(ctx: IntakeContext, groupId: number, truncatedAlerts: number | null): Promise<void> {
  const { id, receivedAt } = ctx.delivery;
  const group = (await ctx.tx.alertGroups.get(groupId, true))!;
  const assessment = assessGroup(await ctx.tx.alerts.alertFacts(groupId), ctx.config.components);
  await ctx.tx.alertGroups.assess(groupId, assessment, receivedAt, truncatedAlerts);
  const incident = group.incident === null ? null : await ctx.tx.incidents.load(group.incident, true);
  const incidentOpen = incident?.phase === 'active';
  const changed = await ctx.tx.alerts.changedBy(groupId, id, MAX_ALERT_ENTRIES);
  const change = afterIntake(group, { firing: assessment.counts.firing, newlyFiring: changed.firing, incidentOpen, now: receivedAt });
  await ctx.tx.alertGroups.change(groupId, change);
  if (!incidentOpen || changed.total === 0) return;
  await observeAlerts({ tx: ctx.tx, config: ctx.config, now: ctx.now, actor: sourceActor(ctx.source) }, group.incident!, groupId, changed.alerts, changed.total);
}
