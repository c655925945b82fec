/**
 * The chat inbox worker: what POST /slack/events stored (slash commands, interactions,
 * events) is acted on here, right after the request was answered, in arrival order.
 * Woken by `receive` (this instance) and every 30 s for what another instance stored or a
 * crash left claimed. An event id is stored only once, and an item is acted on once: the
 * command it runs marks it done in its own transaction, so one a crash interrupted after the
 * commit is found done when taken again (answers to the person, which change nothing, may repeat).
 */
import { LoopWorker, WakeLoop } from '../wake-loop.js';
import type { Store } from '../../store/store.js';
import { ChatHandlers, type ChatHandlerOptions } from './handlers.js';

export type ChatInboxOptions = ChatHandlerOptions;

const LEASE_MS = 60_000;

export class ChatInbox extends LoopWorker {
  protected readonly loop: WakeLoop;
  private readonly handlers: ChatHandlers;
  /**
   * The inbox's own rows, on PostgreSQL over a connection of its own: storing a request is
   * what Slack waits for (3 s), and must not queue behind the API's requests for the pool.
   */
  private readonly inbox: Store['chat'];

  constructor(private readonly options: ChatInboxOptions) {
    super();
    this.handlers = new ChatHandlers(options);
    this.inbox = options.store.apart('chat inbox', 1).chat;
    this.loop = new WakeLoop({ clock: options.clock, maxSleepMs: 30_000, retryMs: 1_000, log: options.log, name: 'chat inbox', pass: () => this.pass() });
  }

  /** Stores what Slack sent (false: a retry of one already stored) and wakes the worker. */
  async receive(key: string, kind: string, body: string, at: string): Promise<boolean> {
    const stored = await this.inbox.receive(key, kind, body, at);
    if (stored) this.loop.notice();
    return stored;
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
    const { clock } = this.options;
    for (;;) {
      const now = clock.now();
      const items = await this.inbox.claimInbox(now.toISOString(), new Date(now.getTime() + LEASE_MS).toISOString(), 50);
      if (!items.length) return null;
      for (const item of items) {
        try {
          await this.handlers.handle(item.kind, JSON.parse(item.body) as Record<string, unknown>, item.id);
        } catch (error) {
          // What failed was answered to the person where it could be; the item is not retried forever.
          this.options.log?.error({ err: error, kind: item.kind }, 'chat request failed');
        }
        await this.inbox.inboxDone(item.id);
      }
    }
  }
}
