/**
 * Alert intake's one entry point: AlertIntake.apply takes deliveries stored in the inbox
 * (src/processors/alert-inbox.ts), in inbox order, and applies each to its alerts and
 * group exactly once, on any number of instances (each step claims its delivery's row).
 *
 * Small Alertmanager deliveries (the usual case: a group's snapshot of a few dozen
 * alerts) are applied as batches, one transaction each (./batch.ts): every group read and
 * written once for all its deliveries, each delivery with the same outcome as on its own
 * in inbox order, so a storm costs a few statements per group rather than several per
 * delivery (on PostgreSQL, PG_LANES lanes of groups at a time). A page's first batch goes
 * at once; before each next one, while intake is `deferring` to arriving deliveries, apply
 * stops and leaves the rest in the inbox, which lists them again after a lull together
 * with what arrived meanwhile: one batch for both, each group read and written once, where
 * waiting here and then applying the rest apart paid every group's statements twice. Large
 * bodies, events, and deliveries of a batch that failed are applied one by one (./single.ts).
 */
import type { AlertSource } from '../../domain/alerts/source.js';
import { normalizeAlertmanager, type AlertBatch } from '../../domain/alerts/alertmanager.js';
import { AssessedGroups, type IntakeDeps } from './deliveries.js';
import { applyBatch, type Small } from './batch.js';
import { HeldAlerts } from './held.js';
import { readJson } from './bodies.js';
import type { InboxItem } from '../../store/alerts/inbox.js';
import { STEP, applySingle, type SingleRun } from './single.js';

export type { IntakeDeps } from './deliveries.js';

/**
 * Small deliveries applied together, in one transaction a lane: one commit (one fsync), and
 * each group read and written once, for many. The alerts are capped at 10,000 for each lane,
 * counted over the whole batch (a storm of one group can put them all in one lane): on
 * PostgreSQL a cap of 10,000 in all left the last 30 deliveries of a storm a batch of their
 * own, every group's round trips paid again for them.
 */
const BATCH_DELIVERIES = 500;
const BATCH_ALERTS_A_LANE = 10_000;
const ITEMS_AT_ONCE = 500;
/**
 * On PostgreSQL, small deliveries of different groups are applied this many at a time,
 * each lane in its own transactions: applying waits on round trips, not on either CPU.
 * (SQLite has one writer, and its statements hold the event loop: one lane.)
 */
const PG_LANES = 4;

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A stored delivery to apply; `parsed`, its body when the request that stored it already read
 * it; `readAhead`, its alerts already normalized from that body (see readAhead).
 */
export interface StoredDelivery {
  id: number;
  parsed?: unknown;
  readAhead?: ReadAhead;
}

/** An Alertmanager body's alerts, normalized as of when it was received, before intake applies it. */
export interface ReadAhead {
  receivedAt: string;
  batch: AlertBatch;
}

/**
 * Normalizes a parsed Alertmanager body ahead of applying it: the work of a delivery that
 * needs no other delivery, so the inbox does it while intake waits for a lull in a storm,
 * time the event loop would otherwise spend idle, not after the lull, where it adds to how
 * long the storm takes to apply. Null for a body too large for a batch, which intake reads
 * step by step (./single.ts) whatever was read ahead.
 */
export function readAhead(parsed: unknown, receivedAt: string): ReadAhead | null {
  const alerts = parsed !== null && typeof parsed === 'object' ? (parsed as { alerts?: unknown }).alerts : undefined;
  if (Array.isArray(alerts) && alerts.length > STEP) return null;
  return { receivedAt, batch: normalizeAlertmanager(parsed, receivedAt) };
}

/**
 * What apply did: `done`, how many of the deliveries, from the first, it is done with
 * (the rest are left in the inbox, see `deferring`); and what it could not do: deliveries
 * that failed (left in the inbox, their attempt counted) and bodies that were not JSON (dropped).
 */
export interface IntakeReport {
  done: number;
  failed: { id: number; error: unknown }[];
  notJson: { id: number; source: string }[];
}

export class AlertIntake {
  private readonly assessed = new AssessedGroups();
  private readonly held = new HeldAlerts();

  /**
   * `pace` resolves when applying may go on (the inbox lets arriving deliveries through
   * first): a single delivery's steps wait on it. `deferring` tells that it would wait now:
   * a page's next batch is then left for the inbox to list again (see above). `stopped`
   * tells a closing inbox, after which nothing more is started.
   */
  constructor(
    private readonly deps: IntakeDeps,
    private readonly pace: () => Promise<void>,
    private readonly deferring: () => boolean,
    private readonly stopped: () => boolean,
  ) {}

  /**
   * Applies the deliveries, oldest first, each once (or it stays in the inbox for a retry);
   * stops early, before a page's next batch, while intake is deferring (`done` says where).
   */
  async apply(deliveries: readonly StoredDelivery[]): Promise<IntakeReport> {
    const report: IntakeReport = { done: 0, failed: [], notJson: [] };
    const sources = new Map<string, AlertSource | null>();
    // What each delivery is, in one query a page: a round trip each would cost more than applying.
    const items = new Map<number, InboxItem>();
    for (let i = 0; i < deliveries.length; i += ITEMS_AT_ONCE)
      for (const [id, item] of await this.deps.store.alertInbox.items(deliveries.slice(i, i + ITEMS_AT_ONCE).map((d) => d.id))) items.set(id, item);
    let batch: Small[] = [];
    let alerts = 0;
    let first = true;
    // The batch: the deliveries from report.done up to `upTo`.
    const applyBatch = async (upTo: number) => {
      if (this.stopped()) return;
      if (batch.length > 0) {
        first = false;
        await this.applyBatch(batch, report);
        batch = [];
        alerts = 0;
      }
      report.done = upTo;
    };
    for (const [i, delivery] of deliveries.entries()) {
      if (this.stopped()) return report;
      // Before the next batch is read: a turn of the event loop (a delivery whose first bytes are waiting is seen then), then the rest is left while intake defers.
      if (!first && batch.length === 0) {
        await yieldToRequests();
        if (this.deferring()) return report;
      }
      const small = await this.readSmall(delivery, items.get(delivery.id), sources);
      if (small === 'gone') continue;
      if (small !== null) {
        batch.push(small);
        alerts += small.batch.alerts.length;
        if (batch.length < BATCH_DELIVERIES && alerts < BATCH_ALERTS_A_LANE * this.lanes) continue;
        await applyBatch(i + 1);
        continue;
      }
      await applyBatch(i);
      await this.applyOne(delivery.id, delivery.parsed, report);
      report.done = i + 1;
      await yieldToRequests();
    }
    await applyBatch(deliveries.length);
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
  private async readSmall(
    { id, parsed, readAhead: read }: StoredDelivery,
    item: InboxItem | undefined,
    sources: Map<string, AlertSource | null>,
  ): Promise<Small | 'gone' | null> {
    const { store } = this.deps;
    if (!item) return 'gone';
    // A gzipped body not parsed yet was large: read once, if at all (a repeat), by the step-wise path.
    if (item.progress !== 0 || (parsed === undefined && item.gzipped)) return null;
    if (!sources.has(item.source)) sources.set(item.source, await store.alertSources.byId(item.source));
    const source = sources.get(item.source);
    if (!source || source.type !== 'alertmanager') return null;
    const stored = parsed === undefined ? await store.alertInbox.body(id) : null;
    const body = parsed !== undefined ? parsed : stored ? await readJson(stored) : undefined;
    if (body === undefined) return null;
    // An alert's status may be read from the time received: what was read ahead stands only for the time stored.
    const batch = read?.receivedAt === item.receivedAt ? read.batch : normalizeAlertmanager(body, item.receivedAt);
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
    if (batch.length === 0 || this.stopped()) return;
    try {
      const { written, held } = await store.transaction((tx) => applyBatch(tx, config, clock.now().toISOString(), batch, { assessed: this.assessed, held: this.held }), {
        syncApart: true,
      });
      // Only once committed: a rolled-back transaction wrote no assessment and no alerts.
      for (const group of written) this.assessed.add(group);
      this.held.keep(held);
    } catch {
      // One of them failed and took the batch with it: each on its own, so only that one waits for a retry.
      for (const d of batch) await this.applyOne(d.id, d.body, report);
    }
  }
}
