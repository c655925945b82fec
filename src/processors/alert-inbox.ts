/**
 * The alert intake inbox. A delivery is stored, committed, before it is answered 2xx:
 * what was acknowledged survives a crash. Deliveries arriving together share one commit.
 * Alertmanager deliveries are processed right after, in the background: small ones many
 * to a transaction, large ones in steps, letting requests through in between (Events v2
 * deliveries are processed by their request). Whatever is left over (a crash, a failure)
 * is drained again on start and retried.
 */
import { webcrypto } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/load.js';
import type { Clock } from '../domain/model/time.js';
import type { Store } from '../store/store.js';
import type { AlertSource } from '../domain/alerts/source.js';
import { normalizeAlertmanager, type AlertBatch } from '../domain/alerts/alertmanager.js';
import type { Alert } from '../domain/alerts/alert.js';
import { checkEvent } from '../domain/alerts/events.js';
import { DIGEST_PIECE_BYTES, combineDigests } from '../domain/alerts/digest.js';
import { FailureRecord, type WorkerHealth } from './worker.js';
import { applyAlerts, applyDelivery, ingestEvent, repeatSnapshot, settleAlerts, snapshotDigest, type IntakeContext } from '../commands/ingest-alerts.js';

/** Alerts applied per transaction: small enough that one step never holds up other requests for long. */
const STEP = 500;
/** Alerts of a large body normalized between two looks at the event loop. */
const NORMALIZE_SLICE = 1_000;
/** Small deliveries processed together, in one transaction: one commit (one fsync) for many. */
const BATCH_DELIVERIES = 100;
/**
 * On PostgreSQL, small deliveries of different groups are applied this many at a time,
 * each lane in its own transactions: applying waits on round trips, not on either CPU.
 * (SQLite has one writer, and its statements hold the event loop: one lane.)
 */
const PG_LANES = 4;
const MAX_ATTEMPTS = 10;
const RETRY_MS = 5_000;
/** Bodies below this are stored as they are: gzip would cost more CPU than the bytes it saves. */
const GZIP_FROM = 64 * 1024;
/** Deliveries stored together, in one statement, when requests arrive while a commit is under way. */
const MAX_GROUP_COMMIT = 256;
/** Bodies parsed by the request that stored them, kept for the processor so it does not parse them again. */
const MAX_PARSED = 2_000;
const MAX_ASSESSED = 100_000;

const compress = promisify(gzip);
const decompress = promisify(gunzip);

/** Stored bodies are gzipped when large; JSON never starts with gzip's magic bytes. */
function isGzip(stored: Buffer): boolean {
  return stored.length >= 2 && stored[0] === 0x1f && stored[1] === 0x8b;
}

async function readJson(stored: Buffer): Promise<unknown> {
  try {
    return JSON.parse((isGzip(stored) ? await decompress(stored) : stored).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** How long one batch transaction keeps taking deliveries; requests wait for it to commit. */
const BATCH_MS = 10;
/** Deliveries listed from the inbox at a time; a full page means processing is behind intake. */
const PAGE = 500;
const INTAKE_QUIET_MS = 20;
const INTAKE_POLL_MS = 5;
const MAX_DEFER_MS = 200;
/** An upload taking longer than this (a slow or stalled sender) no longer holds processing back. */
const UPLOAD_HOLDS_MS = 1_000;

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * normalizeAlertmanager, a slice at a time, calling `between` in between: the
 * 20,000 alerts of an 8 MB snapshot take long enough to hold up an answer otherwise.
 * The same result: one alert per fingerprint, in first-mention order, the last mention standing.
 */
async function normalizeInSlices(body: unknown, receivedAt: string, between: () => Promise<void>): Promise<AlertBatch> {
  const root = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const all: unknown[] = Array.isArray(root.alerts) ? root.alerts : [];
  if (all.length <= NORMALIZE_SLICE) return normalizeAlertmanager(body, receivedAt);
  const alerts = new Map<string, Alert>();
  let byClock = false;
  for (let i = 0; i < all.length; i += NORMALIZE_SLICE) {
    await between();
    const slice = normalizeAlertmanager({ ...root, alerts: all.slice(i, i + NORMALIZE_SLICE) }, receivedAt);
    for (const alert of slice.alerts) alerts.set(alert.fingerprint, alert);
    byClock ||= slice.byClock;
  }
  return { ...normalizeAlertmanager({ ...root, alerts: [] }, receivedAt), alerts: [...alerts.values()], byClock };
}

interface Small {
  id: number;
  source: AlertSource;
  receivedAt: string;
  digest: string | null;
  body: unknown;
  batch: AlertBatch;
}

/** A body gzipped as it arrived (ArrivingBody); `bytes` is its size before. */
export interface GzippedBody {
  gzipped: Buffer;
  bytes: number;
}

/**
 * A large body taken in as it arrives (src/http/routes/alerts.ts), so that it is ready to
 * store almost as soon as its last byte is in: a DIGEST_PIECE_BYTES piece at a time, each
 * gzipped as its own member (concatenated members are one valid gzip file, read back by
 * readJson) and, with `digesting`, digested (src/alerts/digest.ts), on the thread pool,
 * side by side, while the rest arrives. One gzip stream fed chunk by chunk waited a turn
 * of the event loop for every 64 kB (about 10 ms of an 8 MB answer here), and hashing 8 MB
 * on the main thread held it for 9 ms.
 */
export class ArrivingBody {
  private chunks: Buffer[] = [];
  private pending = 0;
  private bytes = 0;
  private readonly pieces: Promise<[Buffer, ArrayBuffer | null]>[] = [];

  constructor(private readonly digesting: boolean) {}

  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.pending += chunk.length;
    this.bytes += chunk.length;
    if (this.pending >= DIGEST_PIECE_BYTES) this.cut(false);
  }

  async end(): Promise<{ body: GzippedBody; digest: string | null }> {
    this.cut(true);
    const pieces = await Promise.all(this.pieces);
    return {
      body: { gzipped: Buffer.concat(pieces.map(([gzipped]) => gzipped)), bytes: this.bytes },
      digest: this.digesting ? combineDigests(pieces.map(([, digest]) => digest!)) : null,
    };
  }

  /** Cuts whole pieces off what has arrived, at fixed offsets so that the same bytes give the same digest; with `last`, the rest too. */
  private cut(last: boolean): void {
    let rest = Buffer.concat(this.chunks, this.pending);
    while (rest.length >= DIGEST_PIECE_BYTES || (last && rest.length > 0)) {
      const piece = rest.subarray(0, DIGEST_PIECE_BYTES);
      rest = rest.subarray(piece.length);
      const done = Promise.all([compress(piece, { level: 1 }), this.digesting ? webcrypto.subtle.digest('SHA-256', piece) : null]);
      // Observed here too: a body cut off early leaves its pieces unawaited.
      done.catch(() => undefined);
      this.pieces.push(done);
    }
    this.chunks = rest.length > 0 ? [rest] : [];
    this.pending = rest.length;
  }
}

interface Arrival {
  source: string;
  body: Buffer;
  receivedAt: string;
  digest: string | null;
  resolve: (id: number) => void;
  reject: (error: unknown) => void;
}

export class AlertInbox {
  private running: Promise<void> | null = null;
  private again = false;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  /** Deliveries waiting for the next group commit, in the order they arrived. */
  private arrivals: (Arrival & { parsed: unknown })[] = [];
  private committing = false;
  private readonly parsed = new Map<number, unknown>();
  /** Groups whose stored assessment this process wrote (see applyDelivery). */
  private readonly assessed = new Set<number>();
  private readonly failures = new FailureRecord();

  constructor(
    private readonly deps: { store: Store; config: Config; clock: Clock },
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * Stores a delivery; once this resolves, it is committed and may be answered 2xx.
   * Large bodies are gzipped (off the event loop): an 8 MB snapshot shrinks to a few
   * hundred kB, and writing and syncing that much less is most of what answering fast
   * takes. Deliveries arriving while a commit is under way are stored together in the
   * next one (group commit): one sync for all of them, each answered once it is done.
   * `parsed`, when the caller has already read the body, spares the processor reading it again;
   * `digest` (src/alerts/digest.ts) tells a snapshot sent again (see repeatSnapshot).
   */
  async accept(source: AlertSource, body: Buffer | GzippedBody, parsed?: unknown, digest: string | null = null): Promise<number> {
    const stored = !Buffer.isBuffer(body) ? body.gzipped : body.length >= GZIP_FROM ? await compress(body, { level: 1 }) : body;
    return new Promise<number>((resolve, reject) => {
      // Taken as it joins the queue, so that inbox ids and reception times run in the same order.
      const receivedAt = this.deps.clock.now().toISOString();
      this.lastArrival = performance.now();
      this.arrivals.push({ source: source.id, body: stored, receivedAt, digest, resolve, reject, parsed });
      if (!this.committing) {
        // Requests whose bodies arrived in the same turn of the event loop join this commit.
        this.committing = true;
        setImmediate(() => void this.commitArrivals());
      }
    });
  }

  private async commitArrivals(): Promise<void> {
    this.committing = true;
    try {
      while (this.arrivals.length > 0) {
        const batch = this.arrivals.splice(0, MAX_GROUP_COMMIT);
        try {
          const ids = await this.deps.store.alerts.addToInbox(batch);
          batch.forEach((a, i) => {
            if (a.parsed !== undefined && this.parsed.size < MAX_PARSED) this.parsed.set(ids[i]!, a.parsed);
            a.resolve(ids[i]!);
          });
        } catch (error) {
          for (const a of batch) a.reject(error);
        }
      }
    } finally {
      this.committing = false;
    }
  }

  /**
   * Processes one delivery now. Safe to call while the background drain runs: each step
   * claims the row and checks its progress, so no step is applied twice. A failure leaves
   * the delivery in the inbox for a retry and answers false.
   */
  async process(id: number, parsed?: unknown): Promise<boolean> {
    try {
      await this.run(id, parsed ?? this.parsed.get(id));
      return true;
    } catch (error) {
      this.log.error({ err: error, delivery: id }, 'alert delivery could not be processed; it stays in the inbox and will be retried');
      await this.deps.store.alerts.inboxFailed(id, (error as Error).message ?? String(error)).catch(() => undefined);
      this.scheduleRetry();
      return false;
    } finally {
      this.parsed.delete(id);
    }
  }

  /** Drains the inbox in the background, oldest delivery first. */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Resolves once the background drain has nothing left to do. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    await this.idle();
  }

  /** Failing while the inbox cannot be read; a delivery that fails on its own waits for its retry without making intake unhealthy. */
  health(): WorkerHealth {
    return this.failures.health(!this.closed);
  }

  private async drain(): Promise<void> {
    try {
      let after = 0;
      for (;;) {
        const ids = await this.deps.store.alerts.pendingInbox(after, MAX_ATTEMPTS, PAGE);
        this.failures.succeeded();
        if (ids.length === 0 || this.closed) return;
        this.behind = ids.length === PAGE;
        await this.processMany(ids);
        after = ids[ids.length - 1]!;
      }
    } catch (error) {
      this.failures.failed(error, this.deps.clock.now());
      this.log.error({ err: error }, 'alert inbox could not be read; retrying');
      this.scheduleRetry();
    }
  }

  /**
   * Small Alertmanager deliveries (the usual case: a group's snapshot of a few dozen
   * alerts) are applied many to a transaction, each exactly as on its own and, within its
   * group, in inbox order, so a storm costs one commit per batch rather than several per
   * delivery (on PostgreSQL, PG_LANES groups at a time). A
   * transaction stops taking deliveries after BATCH_MS, and the loop yields between
   * transactions, so requests (and their inbox commits) get through in between. Large
   * bodies, events, and deliveries of a batch that failed are processed one by one.
   */
  private async processMany(ids: number[]): Promise<void> {
    const sources = new Map<string, AlertSource | null>();
    let batch: Small[] = [];
    let alerts = 0;
    for (const id of ids) {
      if (this.closed) return;
      const small = await this.readSmall(id, sources);
      if (small === 'gone') continue;
      if (small !== null) {
        batch.push(small);
        alerts += small.batch.alerts.length;
        if (batch.length < BATCH_DELIVERIES && alerts < STEP * this.lanes) continue;
      }
      await this.applyBatch(batch);
      batch = [];
      alerts = 0;
      if (small === null) {
        await this.process(id);
        await yieldToRequests();
      }
    }
    await this.applyBatch(batch);
  }

  /** A small, unstarted Alertmanager delivery, read and normalized; null for anything else. */
  private async readSmall(id: number, sources: Map<string, AlertSource | null>): Promise<Small | 'gone' | null> {
    const { store } = this.deps;
    const item = await store.alerts.inboxItem(id);
    if (!item) {
      this.parsed.delete(id);
      return 'gone';
    }
    const cached = this.parsed.get(id);
    // A gzipped body not parsed yet was large: read once, if at all (a repeat), by the step-wise path.
    if (item.progress !== 0 || (cached === undefined && item.gzipped)) return null;
    if (!sources.has(item.source)) sources.set(item.source, await store.alerts.sourceById(item.source));
    const source = sources.get(item.source);
    if (!source || source.type !== 'alertmanager') return null;
    const stored = cached === undefined ? await store.alerts.inboxBody(id) : null;
    const body = cached !== undefined ? cached : stored ? await readJson(stored) : undefined;
    if (body === undefined) return null;
    const batch = normalizeAlertmanager(body, item.receivedAt);
    if (batch.alerts.length > STEP) return null;
    return { id, source, receivedAt: item.receivedAt, digest: item.digest, body, batch };
  }

  private lastArrival = 0;
  /** The last look at the inbox found a full page of deliveries waiting: no more deferring to intake. */
  private behind = false;

  /** Requests to an intake endpoint whose body is still arriving or being stored: when each began. */
  private readonly uploads = new Set<{ since: number }>();

  /**
   * Marks a delivery on its way in, from its first byte until it is answered; the function
   * returned ends it. For its first UPLOAD_HOLDS_MS, processing waits (see whileIntakeBusy):
   * with SQLite a step holds the event loop, and an 8 MB body needs many turns of it to arrive.
   */
  receiving(): () => void {
    const upload = { since: performance.now() };
    this.uploads.add(upload);
    return () => {
      if (this.uploads.delete(upload)) this.lastArrival = performance.now();
    };
  }

  private intakeBusy(): boolean {
    const now = performance.now();
    if (now - this.lastArrival < INTAKE_QUIET_MS) return true;
    for (const upload of this.uploads) if (now - upload.since < UPLOAD_HOLDS_MS) return true;
    return false;
  }

  /**
   * Intake first: while a delivery is arriving (for its first UPLOAD_HOLDS_MS), or the last
   * one came less than INTAKE_QUIET_MS ago, processing waits for a lull, for at most MAX_DEFER_MS per step,
   * and not at all once a backlog has built up; answering Alertmanager in time is what
   * keeps a storm from turning into a storm of retries, and what is stored is safe to
   * process a moment later.
   */
  private async whileIntakeBusy(): Promise<void> {
    // A turn of the event loop first: a delivery whose first bytes are waiting is seen then.
    await yieldToRequests();
    if (this.behind) return;
    const until = performance.now() + MAX_DEFER_MS;
    while (!this.closed && performance.now() < until && this.intakeBusy())
      await new Promise((resolve) => setTimeout(resolve, INTAKE_POLL_MS));
  }

  private get lanes(): number {
    return this.deps.store.dialect === 'postgres' ? PG_LANES : 1;
  }

  /** Splits the batch into lanes by group: a group's deliveries stay together, in inbox order; different groups are independent. */
  private async applyBatch(batch: Small[]): Promise<void> {
    if (this.lanes === 1 || batch.length < 2) return this.applyLane(batch);
    const lanes: Small[][] = Array.from({ length: this.lanes }, () => []);
    const laneOf = new Map<string, number>();
    for (const d of batch) {
      const group = `${d.source.id}\u0000${d.batch.groupKey}`;
      let lane = laneOf.get(group);
      if (lane === undefined) laneOf.set(group, (lane = laneOf.size % this.lanes));
      lanes[lane]!.push(d);
    }
    await Promise.all(lanes.filter((lane) => lane.length > 0).map((lane) => this.applyLane(lane)));
  }

  private async applyLane(batch: Small[]): Promise<void> {
    const { store, config, clock } = this.deps;
    let from = 0;
    while (from < batch.length && !this.closed) {
      await this.whileIntakeBusy();
      const started = performance.now();
      let done = from;
      const assessedNow: number[] = [];
      try {
        await store.transaction(async (tx) => {
          for (let k = from; k < batch.length; k++) {
            const d = batch[k]!;
            // Gone (processed) or being processed elsewhere: not ours to apply.
            if ((await tx.alerts.claimInbox(d.id)) === 0) {
              const ctx: IntakeContext = { tx, config, now: clock.now().toISOString(), source: d.source, delivery: { id: d.id, receivedAt: d.receivedAt, digest: snapshotDigest(d.digest, d.batch) } };
              if (d.batch.alerts.length > 0) assessedNow.push(await applyDelivery(ctx, d.batch.groupKey, d.batch.alerts, d.batch.truncatedAlerts, this.assessed));
              await tx.alerts.removeFromInbox(d.id);
            }
            done = k + 1;
            if (performance.now() - started > BATCH_MS) break;
          }
        });
        for (let k = from; k < done; k++) this.parsed.delete(batch[k]!.id);
        // Only once committed: a rolled-back transaction wrote no assessment.
        for (const group of assessedNow) if (this.assessed.size < MAX_ASSESSED) this.assessed.add(group);
        from = done;
      } catch {
        // One of them failed and took the batch with it: each on its own, so only that one waits for a retry.
        for (let k = from; k < batch.length; k++) await this.process(batch[k]!.id, batch[k]!.body);
        return;
      }
    }
  }

  private scheduleRetry(): void {
    if (this.retry || this.closed) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.wake();
    }, RETRY_MS);
    this.retry.unref();
  }

  private async run(id: number, parsed: unknown): Promise<void> {
    const { store, config, clock } = this.deps;
    const item = await store.alerts.inboxItem(id);
    if (!item) return;
    const source = await store.alerts.sourceById(item.source);
    if (!source) throw new Error(`alert source ${item.source} is gone`);
    const delivery = { id, receivedAt: item.receivedAt, digest: item.digest };
    const context = (tx: IntakeContext['tx'], digest = delivery.digest): IntakeContext => ({ tx, config, now: clock.now().toISOString(), source, delivery: { ...delivery, digest } });
    // Applying, or reading 8 MB, holds the event loop for tens of milliseconds: not while a delivery is on its way in.
    if (parsed === undefined) await this.whileIntakeBusy();

    if (source.type === 'alertmanager' && item.progress === 0 && item.digest !== null) {
      const repeated = await store.transaction(async (tx) => {
        const progress = await tx.alerts.claimInbox(id);
        // Gone, or another worker has it: nothing for us to do. Started (here before a failure, or elsewhere): not a whole repeat.
        if (progress !== 0) return progress === null;
        if (!(await repeatSnapshot(context(tx), this.assessed))) return false;
        await tx.alerts.removeFromInbox(id);
        return true;
      });
      if (repeated) return;
    }

    const stored = parsed === undefined ? await store.alerts.inboxBody(id) : null;
    if (parsed === undefined && stored === null) return;
    const body = stored ? await readJson(stored) : parsed;
    if (body === undefined) {
      // A large delivery is stored before it is read; one that is not JSON has nothing to process.
      this.log.warn({ delivery: id, source: source.name }, 'alert delivery is not valid JSON; dropped');
      await store.alerts.removeFromInbox(id);
      return;
    }

    if (source.type === 'events') {
      const check = checkEvent(body, item.receivedAt, config.alerts.groupEventsBy);
      await store.transaction(async (tx) => {
        if ((await tx.alerts.claimInbox(id)) === null) return;
        // Events are checked before they are stored, so this holds.
        if (check.ok) await ingestEvent(context(tx), check.event);
        await tx.alerts.removeFromInbox(id);
      });
      return;
    }

    const batch = await normalizeInSlices(body, item.receivedAt, () => this.whileIntakeBusy());
    // Whether every step was applied here, and how many alerts they changed: a re-sent
    // 20,000-alert snapshot without news is not read back and reassessed in full.
    const whole = item.progress === 0;
    let news = 0;
    let group: number | null = null;
    for (let from = item.progress; from < batch.alerts.length; from += STEP) {
      await this.whileIntakeBusy();
      const alerts = batch.alerts.slice(from, from + STEP);
      const applied = await store.transaction(async (tx) => {
        if ((await tx.alerts.claimInbox(id)) !== from) return null;
        const step = await applyAlerts(context(tx), batch.groupKey, alerts);
        await tx.alerts.setInboxProgress(id, from + alerts.length);
        return step;
      });
      // Another worker has this delivery (or finished it).
      if (!applied) return;
      news += applied.news;
      group = applied.group;
    }
    await this.whileIntakeBusy();
    const noNews = whole && news === 0 && group !== null && this.assessed.has(group);
    const settled = await store.transaction(async (tx) => {
      if ((await tx.alerts.claimInbox(id)) === null) return false;
      if (batch.alerts.length > 0)
        await settleAlerts(context(tx, snapshotDigest(item.digest, batch)), batch.groupKey, batch.alerts.length, batch.truncatedAlerts, noNews);
      await tx.alerts.removeFromInbox(id);
      return true;
    });
    if (settled && group !== null && this.assessed.size < MAX_ASSESSED) this.assessed.add(group);
  }
}
