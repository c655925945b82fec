/**
 * The alert intake inbox. A delivery is stored raw, in its own committed transaction,
 * before it is answered 2xx: what was acknowledged survives a crash. It is processed
 * right after — in the request when it is small, so the answer already reflects it, or
 * here in the background when it is large, in steps that let other requests through.
 * Whatever is left over (a crash, a failure) is drained again on start and retried.
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/load.js';
import type { Clock } from '../domain/time.js';
import type { Store } from '../store/store.js';
import type { AlertSource } from '../store/alerts.js';
import { normalizeAlertmanager } from '../alerts/alertmanager.js';
import { checkEvent } from '../alerts/events.js';
import { applyAlerts, ingestEvent, settleAlerts, type IntakeContext } from '../commands/ingest-alerts.js';

/** Alerts applied per transaction: small enough that one step never holds up other requests for long. */
const STEP = 500;
const MAX_ATTEMPTS = 10;
const RETRY_MS = 5_000;

const compress = promisify(gzip);
const decompress = promisify(gunzip);

async function readJson(stored: Buffer): Promise<unknown> {
  try {
    return JSON.parse((await decompress(stored)).toString('utf8'));
  } catch {
    return undefined;
  }
}

export class AlertInbox {
  private running: Promise<void> | null = null;
  private again = false;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly deps: { store: Store; config: Config; clock: Clock },
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * Stores a delivery; once this resolves, it is on disk and may be answered 2xx. Gzipped
   * (off the event loop) because an 8 MB snapshot shrinks to a few hundred kB, and writing
   * and syncing that much less is most of what answering fast takes.
   */
  async accept(source: AlertSource, body: Buffer): Promise<number> {
    const receivedAt = this.deps.clock.now().toISOString();
    return this.deps.store.alerts.addToInbox(source.id, await compress(body, { level: 1 }), receivedAt);
  }

  /**
   * Processes one delivery now. Safe to call while the background drain runs: each step
   * claims the row and checks its progress, so no step is applied twice. A failure leaves
   * the delivery in the inbox for a retry and answers false.
   */
  async process(id: number, parsed?: unknown): Promise<boolean> {
    try {
      await this.run(id, parsed);
      return true;
    } catch (error) {
      this.log.error({ err: error, delivery: id }, 'alert delivery could not be processed; it stays in the inbox and will be retried');
      await this.deps.store.alerts.inboxFailed(id, (error as Error).message ?? String(error)).catch(() => undefined);
      this.scheduleRetry();
      return false;
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

  private async drain(): Promise<void> {
    try {
      let after = 0;
      for (;;) {
        const ids = await this.deps.store.alerts.pendingInbox(after, MAX_ATTEMPTS, 50);
        if (ids.length === 0 || this.closed) return;
        for (const id of ids) {
          await this.process(id);
          after = id;
        }
      }
    } catch (error) {
      this.log.error({ err: error }, 'alert inbox could not be read; retrying');
      this.scheduleRetry();
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
    const body = parsed === undefined ? await readJson(item.body) : parsed;
    if (body === undefined) {
      // A large delivery is stored before it is read; one that is not JSON has nothing to process.
      this.log.warn({ delivery: id, source: source.name }, 'alert delivery is not valid JSON; dropped');
      await store.alerts.removeFromInbox(id);
      return;
    }
    const delivery = { id, receivedAt: item.receivedAt };
    const context = (tx: IntakeContext['tx']): IntakeContext => ({ tx, config, now: clock.now().toISOString(), source, delivery });

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

    const batch = normalizeAlertmanager(body, item.receivedAt);
    for (let from = item.progress; from < batch.alerts.length; from += STEP) {
      const alerts = batch.alerts.slice(from, from + STEP);
      const applied = await store.transaction(async (tx) => {
        if ((await tx.alerts.claimInbox(id)) !== from) return false;
        await applyAlerts(context(tx), batch.groupKey, alerts);
        await tx.alerts.setInboxProgress(id, from + alerts.length);
        return true;
      });
      // Another worker has this delivery (or finished it).
      if (!applied) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await store.transaction(async (tx) => {
      if ((await tx.alerts.claimInbox(id)) === null) return;
      if (batch.alerts.length > 0) await settleAlerts(context(tx), batch.groupKey, batch.truncatedAlerts);
      await tx.alerts.removeFromInbox(id);
    });
  }
}
