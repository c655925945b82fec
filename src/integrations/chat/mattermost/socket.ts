/**
 * The bot's WebSocket connection to Mattermost, through the official client's WebSocketClient:
 * it authenticates with the bot's token, pings, and reconnects by itself (with backoff) after
 * any drop. What it cannot do is replay what happened while it was away: so every (re)connect
 * is reported, and the listener reads back what it missed through the REST API.
 */
import mattermostClient from '@mattermost/client';
import WebSocket from 'ws';

/** A reaction on a post, as the REST API and the WebSocket both give it. */
export interface MattermostReaction {
  post: string;
  user: string;
  emoji: string;
  /** When it was added (ms since the epoch, Mattermost's clock). */
  at: number;
}

export interface SocketListener {
  /** A reaction added in a channel the bot is in. */
  reaction(room: string, reaction: MattermostReaction): void;
  /** The connection is up (first or again): what happened meanwhile is to be read back. */
  connected(): void;
}

export interface SocketOptions {
  /** The first retry after a drop (the client's default: 3 s), for tests. */
  retryMs?: number;
}

/**
 * WebSocketClient is written for browsers: it reads `WebSocket.OPEN` and makes a `CloseEvent`
 * when a ping goes unanswered. Node 20 has neither as a global; `ws` and a plain Event stand in
 * (set only where missing, so a runtime that has them keeps its own).
 */
function browserGlobals(): void {
  const scope = globalThis as Record<string, unknown>;
  scope.WebSocket ??= WebSocket;
  scope.CloseEvent ??= class CloseEvent extends Event {
    readonly code: number;
    readonly wasClean: boolean;
    constructor(type: string, init: { code?: number; wasClean?: boolean } = {}) {
      super(type);
      this.code = init.code ?? 0;
      this.wasClean = init.wasClean ?? false;
    }
  };
}

/** A reaction as the `reaction_added` event carries it (its `data.reaction` is JSON in a string). */
function reactionOf(data: unknown): MattermostReaction | null {
  try {
    const raw = JSON.parse(String((data as { reaction?: unknown }).reaction)) as { post_id?: string; user_id?: string; emoji_name?: string; create_at?: number };
    if (!raw.post_id || !raw.user_id || !raw.emoji_name) return null;
    return { post: raw.post_id, user: raw.user_id, emoji: raw.emoji_name, at: Number(raw.create_at) || 0 };
  } catch {
    return null;
  }
}

/** Connects and listens until `close()`. */
export function listen(address: { url: string; token: string }, listener: SocketListener, options: SocketOptions = {}): { close(): void } {
  browserGlobals();
  const client = new mattermostClient.WebSocketClient({
    newWebSocketFn: (url: string) => new WebSocket(url) as unknown as globalThis.WebSocket,
    ...(options.retryMs ? { minWebSocketRetryTime: options.retryMs, reconnectJitterRange: options.retryMs } : {}),
  });
  client.addMessageListener((message) => {
    if (message.event !== 'reaction_added') return;
    const reaction = reactionOf(message.data);
    const room = message.broadcast?.channel_id;
    if (reaction && room) listener.reaction(room, reaction);
  });
  client.addFirstConnectListener(() => listener.connected());
  client.addReconnectListener(() => listener.connected());
  client.initialize(address.url, address.token);
  return {
    close() {
      // The client's close() leaves a connection still opening, whose close would reconnect: that one is cut loose first.
      const inner = client as unknown as { conn: { onclose: unknown; close(): void } | null };
      if (inner.conn) {
        inner.conn.onclose = () => undefined;
        inner.conn.close();
        inner.conn = null;
      }
      client.close();
    },
  };
}
