/**
 * The alert intake inbox. A delivery is stored, committed, before it is answered 2xx:
 * what was acknowledged survives a crash. Deliveries arriving together share one commit.
 * Alertmanager deliveries are applied right after, in the background, by alert intake's
 * one entry point (AlertIntake.apply, src/commands/intake/intake.ts), paced so that
 * arriving deliveries go first (IntakePace); Events v2 deliveries are applied by their
 * request. Whatever is left over (a crash, a failure) is drained again on start and retried.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/load.js';
import type { Clock } from '../domain/model/time.js';
import type { Store } from '../store/store.js';
import type { AlertSource } from '../domain/alerts/source.js';
import { AlertIntake, readAhead, type IntakeReport, type StoredDelivery } from '../commands/intake/intake.js';
import { FailureRecord, type WorkerHealth } from './worker.js';
import { IntakePace } from './intake-pace.js';

const MAX_ATTEMPTS = 10;
const RETRY_MS = 5_000;
/** Bodies below this are stored as they are: gzip would cost more CPU than the bytes it saves. */
const GZIP_FROM = 64 * 1024;
/** Deliveries stored together, in one statement, when requests arrive while a commit is under way. */
const MAX_GROUP_COMMIT = 256;
/** Bodies parsed by the request that stored them, kept for intake so it does not parse them again. */
const MAX_PARSED = 2_000;
/**
 * How long one slice of reading ahead (see readAheadSome) may hold the event loop: a body of 50
 * alerts takes about 40 µs, and a request arriving meanwhile waits for the slice to end.
 */
const READ_AHEAD_SLICE_MS = 1;
/** Deliveries listed from the inbox at a time; a full page means processing is behind intake. */
const PAGE = 500;
/**
 * On PostgreSQL, how much longer the drain may wait for a lull before listing the inbox (not
 * when listing again what intake left): applying waits on round trips, so the more deliveries
 * of a group go together, the fewer there are. The wait ends at the lull all the same: a fixed
 * 50 ms gather here held a storm's last deliveries back whenever the last apply ended just
 * after they arrived.
 */
const PG_LONGER_WAIT_MS = 50;

const compress = promisify(gzip);

/** A body gzipped as it arrived (src/http/arriving-body.ts); `bytes` is its size before. */
export interface GzippedBody {
  gzipped: Buffer;
  bytes: number;
}

interface Arrival {
  source: string;
  body: Buffer;
  receivedAt: string;
  digest: string | null;
  parsed: unknown;
  /** An Alertmanager body, parsed: intake's reading of it can be done ahead (readAhead). */
  canReadAhead: boolean;
  resolve: (id: number) => void;
  reject: (error: unknown) => void;
}

export class AlertInbox {
  private running: Promise<void> | null = null;
  private again = false;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  /** Deliveries waiting for the next group commit, in the order they arrived. */
  private arrivals: Arrival[] = [];
  private committing = false;
  /** Deliveries stored whose bodies the requests parsed, as intake takes them (read ahead, once readAheadSome has). */
  private readonly kept = new Map<number, StoredDelivery>();
  /** Of those, the ones still to read ahead, in the order they arrived. */
  private toReadAhead: { id: number; receivedAt: string }[] = [];
  private readonly failures = new FailureRecord();
  private readonly pace = new IntakePace(() => this.closed);
  private readonly intake: AlertIntake;

  /** `drained`, told each time the background drain finds nothing more to apply (for /metrics). */
  constructor(
    private readonly deps: { store: Store; config: Config; clock: Clock },
    private readonly log: FastifyBaseLogger,
    private readonly drained: (at: Date) => void,
  ) {
    this.intake = new AlertIntake(
      deps,
      () => this.pace.wait(),
      () => this.pace.deferring(),
      () => this.closed,
    );
  }

  /**
   * Stores a delivery; once this resolves, it is committed and may be answered 2xx.
   * Large bodies are gzipped (off the event loop): an 8 MB snapshot shrinks to a few
   * hundred kB, and writing and syncing that much less is most of what answering fast
   * takes. Deliveries arriving while a commit is under way are stored together in the
   * next one (group commit): one sync for all of them, each answered once it is done.
   * `parsed`, when the caller has already read the body, spares intake reading it again;
   * `digest` (src/domain/alerts/digest.ts) tells a snapshot sent again (see repeatSnapshot).
   */
  async accept(source: AlertSource, body: Buffer | GzippedBody, parsed?: unknown, digest: string | null = null): Promise<number> {
    const stored = !Buffer.isBuffer(body) ? body.gzipped : body.length >= GZIP_FROM ? await compress(body, { level: 1 }) : body;
    return new Promise<number>((resolve, reject) => {
      // Taken as it joins the queue, so that inbox ids and reception times run in the same order.
      const receivedAt = this.deps.clock.now().toISOString();
      this.pace.arrived();
      const canReadAhead = parsed !== undefined && source.type === 'alertmanager';
      this.arrivals.push({ source: source.id, body: stored, receivedAt, digest, resolve, reject, parsed, canReadAhead });
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
          const ids = await this.store(batch);
          batch.forEach((a, i) => {
            if (a.parsed !== undefined && this.kept.size < MAX_PARSED) {
              this.kept.set(ids[i]!, { id: ids[i]!, parsed: a.parsed });
              if (a.canReadAhead && this.toReadAhead.length < MAX_PARSED) this.toReadAhead.push({ id: ids[i]!, receivedAt: a.receivedAt });
            }
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
   * One INSERT for the batch, committed before it resolves. On PostgreSQL the statement commits
   * by itself: a transaction around it added BEGIN and COMMIT, two more round trips before every
   * answer (a storm's answers p99 135–300 ms with them, 100–121 ms without). On SQLite it is a
   * transaction synced apart: while one batch waits for the disk, the requests arriving
   * meanwhile are read and gather for the next.
   */
  private async store(batch: Arrival[]): Promise<number[]> {
    const { store } = this.deps;
    if (store.dialect === 'postgres') return store.alertInbox.add(batch);
    return store.transaction((tx) => tx.alertInbox.add(batch), { syncApart: true });
  }

  /** See IntakePace.receiving: marks a delivery on its way in; the function returned ends it. */
  receiving(): () => void {
    return this.pace.receiving();
  }

  /**
   * Applies one delivery now. Safe to call while the background drain runs: each step
   * claims the row and checks its progress, so no step is applied twice. A failure leaves
   * the delivery in the inbox for a retry and answers false.
   */
  async process(id: number, parsed?: unknown): Promise<boolean> {
    const report = await this.apply([{ id, parsed: parsed ?? this.kept.get(id)?.parsed }]);
    return report.failed.length === 0;
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
      // What intake left of the last page while deliveries arrived (AlertIntake.apply): listed again once they pause, with them.
      let left: number[] = [];
      const meanwhile = () => this.readAheadSome();
      for (;;) {
        await this.pace.wait(meanwhile, left.length === 0 && this.deps.store.dialect === 'postgres' ? PG_LONGER_WAIT_MS : 0);
        // Taken before listing: an empty page then says nothing was waiting from this moment on, even one committed during the query.
        const listedAt = this.deps.clock.now();
        const ids = await this.deps.store.alertInbox.pending(after, MAX_ATTEMPTS, PAGE);
        this.failures.succeeded();
        // One left and not listed again was applied meanwhile by another instance: its parsed body is not needed.
        const listed = new Set(ids);
        for (const id of left) if (!listed.has(id)) this.kept.delete(id);
        if (ids.length === 0 && !this.closed) this.drained(listedAt);
        if (ids.length === 0 || this.closed) return;
        this.pace.behind = ids.length === PAGE;
        const { done } = await this.apply(ids.map((id) => this.kept.get(id) ?? { id }));
        if (done === 0) return;
        left = ids.slice(done);
        after = ids[done - 1]!;
      }
    } catch (error) {
      this.failures.failed(error, this.deps.clock.now());
      this.log.error({ err: error }, 'alert inbox could not be read; retrying');
      this.scheduleRetry();
    }
  }

  /** Hands the deliveries to intake; what failed waits in the inbox for a retry, what intake left (`done`) for the next listing. */
  private async apply(deliveries: StoredDelivery[]): Promise<IntakeReport> {
    let report: IntakeReport | undefined;
    try {
      report = await this.intake.apply(deliveries);
    } finally {
      // Bodies of deliveries left for the next listing are kept, so they are not read again.
      for (const d of deliveries.slice(0, report?.done)) this.kept.delete(d.id);
    }
    for (const { id, source } of report.notJson) this.log.warn({ delivery: id, source }, 'alert delivery is not valid JSON; dropped');
    for (const { id, error } of report.failed)
      this.log.error({ err: error, delivery: id }, 'alert delivery could not be processed; it stays in the inbox and will be retried');
    if (report.failed.length > 0) this.scheduleRetry();
    return report;
  }

  /**
   * Reads ahead the bodies kept for intake, oldest first, for at most READ_AHEAD_SLICE_MS;
   * answers whether any is left. Run while the drain waits for a lull (IntakePace.wait).
   */
  private readAheadSome(): boolean {
    const until = performance.now() + READ_AHEAD_SLICE_MS;
    let next = 0;
    for (; next < this.toReadAhead.length && performance.now() < until; next++) {
      const { id, receivedAt } = this.toReadAhead[next]!;
      // Gone when applied meanwhile (by this drain, or another instance): nothing to read ahead.
      const kept = this.kept.get(id);
      if (kept) kept.readAhead = readAhead(kept.parsed, receivedAt) ?? undefined;
    }
    this.toReadAhead = this.toReadAhead.slice(next);
    return this.toReadAhead.length > 0;
  }

  private scheduleRetry(): void {
    if (this.retry || this.closed) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.wake();
    }, RETRY_MS);
    this.retry.unref();
  }
}
