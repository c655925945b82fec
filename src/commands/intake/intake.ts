/**
 * Alert intake's one entry point: AlertIntake.apply takes deliveries stored in the inbox
 * (src/processors/alert-inbox.ts), in inbox order, and applies each to its alerts and
 * group exactly once, on any number of instances (each step claims its delivery's row).
 *
 * Small Alertmanager deliveries (the usual case: a group's snapshot of a few dozen
 * alerts) are applied many to a transaction, each exactly as on its own and, within its
 * group, in inbox order, so a storm costs one commit per batch rather than several per
 * delivery (on PostgreSQL, PG_LANES groups at a time). A transaction stops taking
 * deliveries after BATCH_MS, and `pace` is awaited between transactions, so requests
 * (and their inbox commits) get through in between. Large bodies, events, and
 * deliveries of a batch that failed are applied one by one (./single.ts).
 */
import { performance } from 'node:perf_hooks';
import type { AlertSource } from '../../domain/alerts/source.js';
import { normalizeAlertmanager, type AlertBatch } from '../../domain/alerts/alertmanager.js';
import { applyDelivery, snapshotDigest, AssessedGroups, type IntakeContext, type IntakeDeps } from './deliveries.js';
import { readJson } from './bodies.js';
import { STEP, applySingle, type SingleRun } from './single.js';

export type { IntakeDeps } from './deliveries.js';

/** Small deliveries processed together, in one transaction: one commit (one fsync) for many. */
const BATCH_DELIVERIES = 100;
/**
 * On PostgreSQL, small deliveries of different groups are applied this many at a time,
 * each lane in its own transactions: applying waits on round trips, not on either CPU.
 * (SQLite has one writer, and its statements hold the event loop: one lane.)
 */
const PG_LANES = 4;
/** How long one batch transaction keeps taking deliveries; requests wait for it to commit. */
const BATCH_MS = 10;

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A stored delivery to apply; `parsed`, its body when the request that stored it already read it. */
export interface StoredDelivery {
  id: number;
  parsed?: unknown;
}

/** What apply could not do: deliveries that failed (left in the inbox, their attempt counted) and bodies that were not JSON (dropped). */
export interface IntakeReport {
  failed: { id: number; error: unknown }[];
  notJson: { id: number; source: string }[];
}

interface Small {
  id: number;
  source: AlertSource;
  receivedAt: string;
  digest: string | null;
  body: unknown;
  batch: AlertBatch;
}

export class AlertIntake {
  private readonly assessed = new AssessedGroups();

  /**
   * `pace` resolves when applying may go on (the inbox lets arriving deliveries through
   * first); `stopped` tells a closing inbox, after which nothing more is started.
   */
  constructor(
    private readonly deps: IntakeDeps,
    private readonly pace: () => Promise<void>,
    private readonly stopped: () => boolean,
  ) {}

  /** Applies the deliveries, oldest first; each is applied once, or stays in the inbox for a retry. */
  async apply(deliveries: readonly StoredDelivery[]): Promise<IntakeReport> {
    const report: IntakeReport = { failed: [], notJson: [] };
    const sources = new Map<string, AlertSource | null>();
    let batch: Small[] = [];
    let alerts = 0;
    for (const delivery of deliveries) {
      if (this.stopped()) break;
      const small = await this.readSmall(delivery, sources);
      if (small === 'gone') continue;
      if (small !== null) {
        batch.push(small);
        alerts += small.batch.alerts.length;
        if (batch.length < BATCH_DELIVERIES && alerts < STEP * this.lanes) continue;
      }
      await this.applyBatch(batch, report);
      batch = [];
      alerts = 0;
      if (small === null) {
        await this.applyOne(delivery.id, delivery.parsed, report);
        await yieldToRequests();
      }
    }
    await this.applyBatch(batch, report);
    return report;
  }

  /** One delivery in its own transactions; a failure is counted on its inbox row and reported. */
  private async applyOne(id: number, parsed: unknown, report: IntakeReport): Promise<void> {
    const run: SingleRun = { deps: this.deps, assessed: this.assessed, pace: this.pace, notJson: (id, source) => report.notJson.push({ id, source }) };
    try {
      await applySingle(run, id, parsed);
    } catch (error) {
      report.failed.push({ id, error });
      await this.deps.store.alertInbox.failed(id, (error as Error).message ?? String(error)).catch(() => undefined);
    }
  }

  /** A small, unstarted Alertmanager delivery, read and normalized; null for anything else. */
  private async readSmall({ id, parsed }: StoredDelivery, sources: Map<string, AlertSource | null>): Promise<Small | 'gone' | null> {
    const { store } = this.deps;
    const item = await store.alertInbox.item(id);
    if (!item) return 'gone';
    // A gzipped body not parsed yet was large: read once, if at all (a repeat), by the step-wise path.
    if (item.progress !== 0 || (parsed === undefined && item.gzipped)) return null;
    if (!sources.has(item.source)) sources.set(item.source, await store.alertSources.byId(item.source));
    const source = sources.get(item.source);
    if (!source || source.type !== 'alertmanager') return null;
    const stored = parsed === undefined ? await store.alertInbox.body(id) : null;
    const body = parsed !== undefined ? parsed : stored ? await readJson(stored) : undefined;
    if (body === undefined) return null;
    const batch = normalizeAlertmanager(body, item.receivedAt);
    if (batch.alerts.length > STEP) return null;
    return { id, source, receivedAt: item.receivedAt, digest: item.digest, body, batch };
  }

  private get lanes(): number {
    return this.deps.store.dialect === 'postgres' ? PG_LANES : 1;
  }

  /** Splits the batch into lanes by group: a group's deliveries stay together, in inbox order; different groups are independent. */
  private async applyBatch(batch: Small[], report: IntakeReport): Promise<void> {
    if (this.lanes === 1 || batch.length < 2) return this.applyLane(batch, report);
    const lanes: Small[][] = Array.from({ length: this.lanes }, () => []);
    const laneOf = new Map<string, number>();
    for (const d of batch) {
      const group = `${d.source.id}\u0000${d.batch.groupKey}`;
      let lane = laneOf.get(group);
      if (lane === undefined) laneOf.set(group, (lane = laneOf.size % this.lanes));
      lanes[lane]!.push(d);
    }
    await Promise.all(lanes.filter((lane) => lane.length > 0).map((lane) => this.applyLane(lane, report)));
  }

  private async applyLane(batch: Small[], report: IntakeReport): Promise<void> {
    const { store, config, clock } = this.deps;
    let from = 0;
    while (from < batch.length && !this.stopped()) {
      await this.pace();
      const started = performance.now();
      let done = from;
      const assessedNow: number[] = [];
      try {
        await store.transaction(async (tx) => {
          for (let k = from; k < batch.length; k++) {
            const d = batch[k]!;
            // Gone (processed) or being processed elsewhere: not ours to apply.
            if ((await tx.alertInbox.claim(d.id)) === 0) {
              const ctx: IntakeContext = { tx, config, now: clock.now().toISOString(), source: d.source, delivery: { id: d.id, receivedAt: d.receivedAt, digest: snapshotDigest(d.digest, d.batch) } };
              if (d.batch.alerts.length > 0) assessedNow.push(await applyDelivery(ctx, d.batch.groupKey, d.batch.alerts, d.batch.truncatedAlerts, this.assessed));
              await tx.alertInbox.remove(d.id);
            }
            done = k + 1;
            if (performance.now() - started > BATCH_MS) break;
          }
        });
        // Only once committed: a rolled-back transaction wrote no assessment.
        for (const group of assessedNow) this.assessed.add(group);
        from = done;
      } catch {
        // One of them failed and took the batch with it: each on its own, so only that one waits for a retry.
        for (let k = from; k < batch.length; k++) await this.applyOne(batch[k]!.id, batch[k]!.body, report);
        return;
      }
    }
  }
}
