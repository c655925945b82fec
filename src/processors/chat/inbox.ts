/**
 * The chat inbox worker: what POST /slack/events stored (slash commands, interactions,
 * events) is acted on here, right after the request was answered, in arrival order.
 * Woken by `receive` (this instance) and every 30 s for what another instance stored or a
 * crash left claimed; each item is marked done once handled (at least once: the commands
 * it runs are the API's, and an event id is stored only once).
 */
import type { FastifyBaseLogger } from 'fastify';
import { WakeLoop } from '../wake-loop.js';
import type { Worker, WorkerHealth } from '../worker.js';
import { ChatHandlers, type ChatHandlerOptions } from './handlers.js';

export interface ChatInboxOptions extends ChatHandlerOptions {
  log?: Pick<FastifyBaseLogger, 'error' | 'warn'>;
}

const LEASE_MS = 60_000;

export class ChatInbox implements Worker {
  private readonly loop: WakeLoop;
  private readonly handlers: ChatHandlers;

  constructor(private readonly options: ChatInboxOptions) {
    this.handlers = new ChatHandlers(options);
    this.loop = new WakeLoop({ clock: options.clock, maxSleepMs: 30_000, retryMs: 1_000, log: options.log, name: 'chat inbox', pass: () => this.pass() });
  }

  /** Stores what Slack sent (false: a retry of one already stored) and wakes the worker. */
  async receive(key: string, kind: string, body: string, at: string): Promise<boolean> {
    const stored = await this.options.store.chat.receive(key, kind, body, at);
    if (stored) this.loop.notice();
    return stored;
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  health(): WorkerHealth {
    return this.loop.health();
  }

  /** Handles everything stored (tests). */
  async drain(): Promise<void> {
    await this.pass();
  }

  /** Passes run one after another (the loop's and drain's), so arrival order holds on this instance. */
  private passing: Promise<string | null> = Promise.resolve(null);
  private pass(): Promise<string | null> {
    this.passing = this.passing.catch(() => null).then(() => this.passOnce());
    return this.passing;
  }

  private async passOnce(): Promise<string | null> {
    const { store, clock } = this.options;
    for (;;) {
      const now = clock.now();
      const items = await store.chat.claimInbox(now.toISOString(), new Date(now.getTime() + LEASE_MS).toISOString(), 50);
      if (!items.length) return null;
      for (const item of items) {
        try {
          await this.handlers.handle(item.kind, JSON.parse(item.body) as Record<string, unknown>);
        } catch (error) {
          // What failed was answered to the person where it could be; the item is not retried forever.
          this.options.log?.error({ err: error, kind: item.kind }, 'chat request failed');
        }
        await store.chat.inboxDone(item.id);
      }
    }
  }
}
