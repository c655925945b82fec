/**
 * The Scribe's capture by reaction on a platform that pushes reactions over a connection of its
 * own (Mattermost's WebSocket) instead of posting them to us (Slack's Events API). Each
 * reaction is stored in the chat inbox under a key of its post, emoji and user — so it is acted
 * on once, however often it is seen — and the inbox worker captures it like Slack's.
 *
 * The connection misses what happens while it is down, and a restart misses what happened while
 * the server was stopped: so on every (re)connect, and every few minutes besides, the rooms of
 * open incidents are read back through the REST API from a cursor kept per room (the platform's
 * time of the newest change seen), a little before it so that changes written in the same
 * instant are not skipped — the keys make reading twice harmless.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../domain/model/time.js';
import type { Store } from '../../store/store.js';
import type { Worker, WorkerHealth } from '../worker.js';
import { WakeLoop } from '../wake-loop.js';
import type { ChatInbox } from './inbox.js';

export interface Reaction {
  post: string;
  user: string;
  emoji: string;
  /** When it was added (ms since the epoch, the platform's clock). */
  at: number;
}

/** What the platform's adapter offers (MattermostChat). */
export interface ReactionFeed {
  /** Reactions on posts of `room` changed since `since` (ms), and the newest change seen. */
  reactionsSince(room: string, since: number): Promise<{ reactions: Reaction[]; until: number }>;
  listen(listener: { reaction(room: string, reaction: Reaction): void; connected(): void }, options?: { retryMs?: number }): { close(): void };
}

export interface ReactionWatcherOptions {
  store: Store;
  feed: ReactionFeed;
  inbox: ChatInbox;
  clock: Clock;
  log?: Pick<FastifyBaseLogger, 'error' | 'warn'>;
  /** The connection's first retry after a drop (tests). */
  retryMs?: number;
}

/** Read back from this long before the cursor: changes written in the same instant as the last one seen. */
const OVERLAP_MS = 60_000;
/** Read back this often even while connected: a reaction whose storing failed is taken up again. */
const EVERY_MS = 5 * 60_000;

export class ReactionWatcher implements Worker {
  private readonly loop: WakeLoop;
  private connection: { close(): void } | null = null;

  constructor(private readonly options: ReactionWatcherOptions) {
    this.loop = new WakeLoop({ clock: options.clock, maxSleepMs: EVERY_MS, retryMs: 5_000, log: options.log, name: 'chat reactions', pass: () => this.readBack() });
  }

  start(): void {
    if (this.connection) return;
    this.loop.start();
    this.connection = this.options.feed.listen(
      {
        reaction: (room, reaction) => void this.receive(room, reaction).catch((error: unknown) => {
          this.options.log?.warn({ err: error }, 'a reaction could not be stored; reading back');
          this.loop.notice();
        }),
        connected: () => this.loop.notice(),
      },
      { retryMs: this.options.retryMs },
    );
  }

  async stop(): Promise<void> {
    this.connection?.close();
    this.connection = null;
    await this.loop.stop();
  }

  health(): WorkerHealth {
    return this.loop.health();
  }

  /** Reads every open incident's room back from its cursor (tests; the loop's pass). */
  async readBack(): Promise<null> {
    for (const { room, createdAt, seenUntil } of await this.options.store.chat.watchedRooms()) {
      if (this.loop.stopped) break;
      const cursor = Date.parse(seenUntil ?? createdAt);
      const since = cursor - OVERLAP_MS;
      const { reactions, until } = await this.options.feed.reactionsSince(room, since);
      // A post changed again later (an edit) lists its old reactions too: those before the window were seen then.
      for (const reaction of reactions) if (reaction.at >= since) await this.receive(room, reaction);
      if (until > cursor) await this.options.store.chat.saveCursor(room, new Date(until).toISOString());
    }
    return null;
  }

  private async receive(room: string, reaction: Reaction): Promise<void> {
    const body = JSON.stringify({ room, user: reaction.user, post: reaction.post, emoji: reaction.emoji });
    await this.options.inbox.receive(`reaction:${reaction.post}:${reaction.emoji}:${reaction.user}`, 'reaction', body, this.options.clock.now().toISOString());
  }
}
